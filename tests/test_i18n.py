"""German first, English complete: every msgid has a German translation, and the catalog is
up to date with the code (no string in the code that the catalog lacks)."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "portal" / "translations" / "de" / "LC_MESSAGES" / "messages.po"


def _read(path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_message_has_a_german_translation():
    catalog = _read(CATALOG)
    missing = [
        message.id
        for message in catalog
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)))
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not missing, f"{len(missing)} untranslated messages, e.g. {missing[:10]}"
    assert not fuzzy, f"fuzzy translations to check: {fuzzy[:10]}"


def test_catalog_contains_every_string_of_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in _read(pot) if m.id}
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in _read(CATALOG) if m.id}
    missing = sorted(extracted - translated)
    assert not missing, (
        f"{len(missing)} strings missing from the German catalog (run `make translations` and "
        f"translate): {missing[:10]}"
    )


def test_long_texts_exist_in_both_languages():
    content = ROOT / "templates" / "public" / "content"
    german = {p.name.removesuffix(".de.html") for p in content.glob("*.de.html")}
    english = {p.name.removesuffix(".en.html") for p in content.glob("*.en.html")}
    assert german, "no long texts found"
    assert german == english


def test_pages_are_german_by_default_and_english_on_request(client):
    assert 'lang="de"' in client.get("/").get_data(as_text=True)
    client.post("/sprache", data={"locale": "en", "next": "/"})
    page = client.get("/anmelden").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Log in" in page
