"""Fixtures for the real-browser tests: the portal with its demo data served on a free local port,
and Debian's Chromium driven by Playwright (sync API).

The live server has its own SQLite database in a temporary folder, built by the migrations and
filled by `seed_demo()`, so these tests see what a visitor of `make run` sees."""

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from .browser import CHROMIUM_ARGS, require_chromium


@dataclass
class LiveServer:
    """A running portal: its base URL and where its e-mails and uploads land."""

    url: str
    folder: Path
    # Sends the outbox to .eml files, as cron would with `flask mail send`.
    deliver: Callable[[], None]

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    def mails(self) -> list[str]:
        """The text of every .eml the portal wrote so far, oldest first."""
        return [p.read_text("utf-8") for p in sorted(self.outbox.glob("*.eml"))]


@contextlib.contextmanager
def serve_demo_portal(folder: Path):
    """Serve the portal with the demo data from `folder` in a background thread."""
    import flask_migrate

    from portal import create_app
    from portal.mail import deliver_pending
    from portal.seed import seed_demo

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/e2e.sqlite3",
            "SECRET_KEY": "e2e",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "MAIL_OUTBOX_FOLDER": f"{folder}/outbox",
            "UPLOAD_FOLDER": f"{folder}/uploads",
            "RATELIMIT_ENABLED": False,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Known only once the port is bound; links in e-mails are built from it.
    app.config["PORTAL_BASE_URL"] = base_url
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()

    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    live = LiveServer(base_url, folder, lambda: _deliver(app, deliver_pending))
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _deliver(app, deliver_pending) -> None:
    with app.app_context():
        deliver_pending()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of the portal with the demo data, shared by all tests that only look (crawls,
    keyboard). A test that changes data uses `fresh_portal` instead."""
    with serve_demo_portal(tmp_path_factory.mktemp("e2e")) as live:
        yield live.url


@pytest.fixture
def fresh_portal(tmp_path):
    """A portal of its own with fresh demo data, for a flow that changes data; a `LiveServer`.
    Open pages on it with `new_page(base_url=fresh_portal.url)`."""
    with serve_demo_portal(tmp_path) as live:
        yield live


class _QuietHandler(WSGIRequestHandler):
    """No access log: a failing test's report shows the problems, not hundreds of GET lines."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; each test gets fresh contexts."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Factory for pages in fresh browser contexts (own cookies), closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server)
        options.setdefault("locale", "de-DE")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
