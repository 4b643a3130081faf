"""Names and slugs of organisations: shared by the application form, the ministry's "create
organisation" form, the profile form and the demo data."""

import re
import unicodedata

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Organisation


def slugify(name: str) -> str:
    value = name.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        value = value.replace(umlaut, plain)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value).strip("-")[:120]


def name_taken(name: str, exclude_id: int | None = None) -> bool:
    """Whether another organisation already has this name, ignoring case and outer spaces."""
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def unique_slug(name: str) -> str:
    """A slug for a new organisation that no other organisation has (public profile URLs stay
    stable: a slug is never changed once given)."""
    base = slugify(name) or "organisation"
    taken = set(
        db.session.scalars(select(Organisation.slug).where(Organisation.slug.like(f"{base}%")))
    )
    if base not in taken:
        return base
    number = 2
    while f"{base[:115]}-{number}" in taken:
        number += 1
    return f"{base[:115]}-{number}"
