"""Writing to the append-only audit log. Callers commit; the entry joins their transaction."""

from portal.extensions import db
from portal.models import AuditEntry


def record(
    action: str,
    obj=None,
    *,
    actor=None,
    organisation_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    object_type: str | None = None,
    **data,
) -> AuditEntry:
    if organisation_id is None and obj is not None:
        organisation_id = getattr(obj, "organisation_id", None)
    entry = AuditEntry(
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else "system"),
        object_id=getattr(obj, "id", None),
        actor_id=getattr(actor, "id", None)
        if actor is not None and actor.is_authenticated
        else None,
        organisation_id=organisation_id,
        from_state=from_state,
        to_state=to_state,
        comment=comment or "",
        data={k: (str(v) if v is not None else None) for k, v in data.items()},
    )
    db.session.add(entry)
    return entry
