"""Routes of the review blueprint."""

from flask import abort, render_template
from flask_login import current_user, login_required

from portal import policy
from portal.models import utcnow
from portal.review import bp, services


@bp.route("")
@login_required
def dashboard():
    if not policy.can_view_ministry_dashboard(current_user):
        abort(403)
    return render_template(
        "review/dashboard.html",
        counts=services.partners_by_status(),
        queue=services.review_queue(),
        now=utcnow(),
    )
