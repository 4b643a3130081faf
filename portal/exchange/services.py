"""Changes in the members' area: a partner stops sharing a good-practice entry. It disappears
from the library at once; sharing again happens in the concept or the next report."""

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.extensions import db
from portal.models import Measure, Report, User


class SharingRefused(Exception):
    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def stop_sharing_measure(measure: Measure, *, actor: User) -> None:
    """Commits. The flag lives on the approved concept version; changing it changes nothing the
    ministry approved, so it is allowed in any state."""
    if not measure.share_as_good_practice:
        raise SharingRefused(_l("This measure is not shared any more."))
    measure.share_as_good_practice = False
    audit.record(
        "good_practice_unshared",
        measure,
        actor=actor,
        organisation_id=measure.concept.organisation_id,
        title=measure.title,
    )
    db.session.commit()


def stop_sharing_story(report: Report, *, actor: User) -> None:
    if not report.share_story:
        raise SharingRefused(_l("This story is not shared any more."))
    report.share_story = False
    audit.record("good_practice_unshared", report, actor=actor, story=True)
    db.session.commit()
