"""The ministry's review of annual reports (/ministerium/berichte/<id>): the whole report beside
last year's figures, comments visible or internal (never on a partner's page), assignment,
decisions (409 in the wrong state, 422 without the required comment, the text kept), the
e-mails, the queue's links, a constant number of SQL queries; and the non-reporting partners
on the ministry's start page."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.comments import MAX_COMMENT_LENGTH, add_comment
from portal.models import (
    AuditEntry,
    Comment,
    CycleExtension,
    OrganisationStatus,
    Report,
    ReportingCycle,
    SubmissionStatus,
    utcnow,
)
from portal.reports import prefill, queries, services
from portal.workflow import apply_transition
from tests import factories
from tests.review_support import in_english
from tests.test_reports_services import all_figures, figures_by_key, fill_completely

pytestmark = pytest.mark.db

S = SubmissionStatus
TODAY = date.today()
YEAR = TODAY.year - 1
WHY = "Bitte die Zahl der Auszubildenden prüfen und Maßnahme 2 genauer beschreiben."
SECRET = "Intern: Zahlen mit dem Landesamt abgleichen."
STORY = "Sprachverzeichnis im Rathaus: 40 Beschäftigte, 14 Sprachen."


@pytest.fixture
def english(db, cast):
    return in_english(cast)


def _figures(**values):
    return {**all_figures(), **figures_by_key(**values)}


def _report(db, organisation, year, *, measures=2, due_on=None) -> Report:
    """A draft report of `organisation` for `year` (the cycle made once per year), pre-filled
    from its approved concept (made with `measures` measures if it has none)."""
    if prefill.concept_in_force(organisation.id) is None:
        concept = factories.ConceptFactory(organisation=organisation, status=S.APPROVED)
        for position in range(1, measures + 1):
            factories.MeasureFactory(
                concept=concept, position=position, title=f"Maßnahme {position}"
            )
    cycle = db.session.scalar(select(ReportingCycle).where(ReportingCycle.year == year))
    if cycle is None:
        cycle = factories.ReportingCycleFactory(
            year=year, opens_on=date(year + 1, 1, 5), due_on=due_on or date(year + 1, 3, 31)
        )
    db.session.flush()
    report = prefill.new_report(cycle, organisation)
    db.session.commit()
    return report


def submitted_report(db, organisation, admin, measures=2):
    """The organisation's report for YEAR, submitted, due in 20 days; its report for YEAR - 1
    is approved, with 30 of 200 employees with immigration history (this year 50 of 250)."""
    last = _report(db, organisation, YEAR - 1, measures=measures)
    fill_completely(last, admin)
    services.save_figures(
        last,
        queries.load_content(last),
        _figures(employees_total=200, employees_migration=30),
        lock_version=last.lock_version,
        actor=admin,
    )
    last.status = S.APPROVED
    last.submitted_at = last.approved_at = utcnow() - timedelta(days=300)
    db.session.commit()
    report = _report(db, organisation, YEAR, due_on=TODAY + timedelta(days=20))
    fill_completely(report, admin)
    services.save_figures(
        report,
        queries.load_content(report),
        _figures(employees_total=250, employees_migration=50),
        lock_version=report.lock_version,
        actor=admin,
    )
    services.save_assessment(
        report,
        queries.load_content(report),
        {
            "overall_assessment": "Gutes Jahr <script>alert(1)</script>.",
            "challenges": "Wenig Personal.",
            "next_steps": "Mehr Fortbildungen.",
            "good_practice_story": STORY,
        },
        True,
        lock_version=report.lock_version,
        actor=admin,
    )
    services.submit(report, lock_version=report.lock_version, actor=admin)
    return report


@pytest.fixture
def report(db, english):
    return submitted_report(db, english["org_a"], english["admin_a"])


def _url(report, part=""):
    return f"/ministerium/berichte/{report.id}{part}"


def _page(client, report) -> str:
    response = client.get(_url(report))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _status(db, report):
    db.session.expire_all()
    return db.session.get(Report, report.id).status


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the review page ----------------------------------------------------------------------------


def test_the_reviewer_reads_the_whole_report_beside_last_year(client, english, login_as, report):
    login_as(english["reviewer"])
    page = _page(client, report)
    text = _text(page)
    assert f"Annual report {YEAR} of Organisation A" in text
    assert "Submitted" in text and "Submitted in time." in text
    due = TODAY + timedelta(days=20)
    assert f"{due:%B} {due.day}, {due.year}" in text
    assert "nobody yet" in text
    # Key figures with last year's and the shares.
    assert f"Key figures {YEAR} compared with {YEAR - 1}" in text
    row = re.search(r"Employees in total – of whom with immigration history(.*?)</tr>", page, re.S)
    assert _text(row.group(1)).split() == ["50", "20.0", "%", "30", "15.0", "%"]
    # Progress per measure against baseline and target, the texts, the shared story.
    assert "Measure 1: Maßnahme 1" in text and "Measure 2: Maßnahme 2" in text
    assert "Baseline" in text and "Target" in text and "Zwei Workshops." in text
    assert "Wenig Personal." in text and STORY in text
    assert "The story is shared with the network once the ministry has approved the report." in text
    # The partner's text is escaped.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Where to go next and what can be decided.
    assert f'href="/organisationen/{english["org_a"].id}"' in page
    assert f'href="/ministerium/berichtszeitraeume/{YEAR}"' in page
    assert f'href="/berichte/{report.id}/druck"' in page
    assert 'value="approve"' in page and 'value="request_changes"' in page
    assert 'value="reopen"' not in page


def test_without_last_years_report_the_page_says_so(client, english, login_as, db):
    report = _report(db, english["org_a"], YEAR, due_on=TODAY - timedelta(days=3))
    login_as(english["reviewer"])
    text = _text(_page(client, report))
    assert "no earlier annual report" in text
    assert "Overdue by 3 days." in text
    assert "The organisation has not submitted the report yet." in text
    assert 'value="approve"' not in _page(client, report)


def test_a_missing_report_is_404_and_partners_are_refused(client, english, login_as, report):
    login_as(english["reviewer"])
    assert client.get("/ministerium/berichte/999999").status_code == 404
    client.post("/abmelden")
    login_as(english["admin_a"])
    assert client.get(_url(report)).status_code == 403
    assert client.get("/ministerium/berichte/999999").status_code == 403


def test_reading_changes_nothing(client, english, login_as, db, report):
    before = (report.lock_version, report.updated_at, report.status)
    login_as(english["reviewer"])
    _page(client, report)
    db.session.expire_all()
    fresh = db.session.get(Report, report.id)
    assert (fresh.lock_version, fresh.updated_at, fresh.status) == before


def test_the_review_page_takes_the_same_queries_for_3_and_30_measures(
    client, english, login_as, db, count_queries
):
    def with_comments(report):
        measures = queries.load_content(report).measures
        for measure in measures[:3]:
            add_comment(report, english["reviewer"], "Frage", measure_lineage_id=measure.lineage_id)
        question = add_comment(report, english["reviewer"], "Intern", internal=True)
        add_comment(report, english["admin"], "Antwort", reply_to=question)
        return report

    few = with_comments(submitted_report(db, english["org_a"], english["admin_a"], measures=3))
    many = with_comments(submitted_report(db, english["org_b"], english["admin_b"], measures=30))
    few_url, many_url = _url(few), _url(many)
    login_as(english["reviewer"])
    client.get(few_url)  # warm up
    with count_queries() as counted_few:
        assert client.get(few_url).status_code == 200
    with count_queries() as counted_many:
        page = client.get(many_url).get_data(as_text=True)
    assert "Measure 30: Maßnahme 30" in page
    assert page.count('class="portal-thread"') == 4
    assert counted_few.count == counted_many.count, (counted_few.count, counted_many.count)


# --- comments -----------------------------------------------------------------------------------


def _comment(client, report, data, reply_to=None):
    url = _url(report, "/kommentare") + (f"?reply_to={reply_to}" if reply_to else "")
    return client.post(url, data=data)


def test_a_visible_comment_on_a_measure_reaches_the_partner(
    client, english, login_as, db, report, outbox
):
    lineage = queries.load_content(report).measures[1].lineage_id
    login_as(english["reviewer"])
    response = _comment(
        client, report, {"measure": lineage, "visibility": "visible", "body": "Wie viele?"}
    )
    assert response.status_code == 302
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.report_id, comment.measure_lineage_id, comment.is_internal) == (
        report.id,
        lineage,
        False,
    )
    assert response.headers["Location"] == _url(report) + f"#comment-{comment.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The organisation can read it and has been told by e-mail." in page
    assert "On the measure “Maßnahme 2”" in page
    mails = {m.recipient: m for m in outbox() if "commented" in m.subject}
    assert sorted(mails) == sorted([english["editor_a"].email, english["admin_a"].email])
    assert mails[english["admin_a"].email].subject == (
        "The ministry has commented on your annual report"
    )
    assert "Wie viele?" in mails[english["admin_a"].email].body


def test_an_internal_comment_is_marked_and_sent_to_nobody(
    client, english, login_as, db, report, outbox
):
    before = len(outbox())
    login_as(english["reviewer"])
    response = _comment(client, report, {"measure": "", "visibility": "internal", "body": SECRET})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only ministry staff can read it." in page
    assert "Internal – ministry only" in page and "On the whole report" in page
    assert len(outbox()) == before
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "comment_added")).one()
    assert entry.comment == "" and entry.data["internal_comment"] == SECRET


def test_the_comment_form_offers_the_report_and_each_measure(client, english, login_as, report):
    login_as(english["reviewer"])
    page = _page(client, report)
    select_html = re.search(r'<select[^>]*id="measure".*?</select>', page, re.S).group(0)
    assert _text(select_html) == "The whole report Measure 1: Maßnahme 1 Measure 2: Maßnahme 2"
    form = page.split('id="new-comment"', 1)[1]
    assert 'checked class="kern-form-check__radio" id="visibility-0"' in form
    assert 'value="visible"' in form.split('id="visibility-0"', 1)[1].split(">", 1)[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"visibility": "visible", "body": ""}, "Please write a comment."),
        (
            {"visibility": "", "body": "Frage <b>eins</b>"},
            "Please choose who can read the comment.",
        ),
        (
            {"visibility": "visible", "body": "<i>lang</i>" + "x" * MAX_COMMENT_LENGTH},
            f"Please shorten the text to {MAX_COMMENT_LENGTH} characters.",
        ),
        (
            {"measure": "unknown-lineage", "visibility": "visible", "body": "Frage <b>eins</b>"},
            "Choose one of the options in the list.",
        ),
    ],
)
def test_bad_comments_are_explained_and_kept(client, english, login_as, db, report, data, message):
    login_as(english["reviewer"])
    response = _comment(client, report, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'id="error-summary"' in page
    if data["body"]:
        assert html.escape(data["body"][:12], quote=False) in page
    assert db.session.scalars(select(Comment)).all() == []


def test_answers_to_a_visible_and_to_an_internal_comment(
    client, english, login_as, db, report, outbox
):
    visible = add_comment(report, english["admin_a"], "Frage des Partners")
    internal = add_comment(report, english["admin"], SECRET, internal=True)
    login_as(english["reviewer"])
    page = _page(client, report)
    assert f'action="/ministerium/berichte/{report.id}/kommentare?reply_to={visible.id}"' in page
    response = _comment(
        client,
        report,
        {f"reply-{visible.id}-visibility": "visible", f"reply-{visible.id}-body": "Antwort"},
        reply_to=visible.id,
    )
    assert response.status_code == 302
    response = _comment(
        client, report, {f"reply-{internal.id}-body": "Einverstanden"}, reply_to=internal.id
    )
    assert response.status_code == 302
    answers = {
        c.body: c
        for c in db.session.scalars(select(Comment).where(Comment.reply_to_id.is_not(None)))
    }
    assert answers["Antwort"].is_internal is False
    assert answers["Einverstanden"].is_internal is True
    # An empty answer is refused in its own form, which stays open.
    response = _comment(
        client, report, {f"reply-{visible.id}-visibility": "visible"}, reply_to=visible.id
    )
    assert response.status_code == 422
    assert f'id="reply-{visible.id}-body-error"' in response.get_data(as_text=True)


def test_an_answer_to_a_comment_on_another_report_is_refused(client, english, login_as, db, report):
    other = _report(db, english["org_b"], YEAR - 5)
    foreign = add_comment(other, english["admin_b"], "Anderer Bericht")
    login_as(english["reviewer"])
    response = _comment(
        client,
        report,
        {f"reply-{foreign.id}-visibility": "visible", f"reply-{foreign.id}-body": "Falsch hier"},
        reply_to=foreign.id,
    )
    assert response.status_code == 409
    assert "The comment you are answering no longer exists." in response.get_data(as_text=True)


PARTNER_PAGES = (
    "/organisationen/{org}",
    "/organisationen/{org}/berichte",
    "/berichte/{report}",
    "/berichte/{report}/pruefen",
    "/berichte/{report}/druck",
    "/berichte/{report}/kennzahlen",
    "/berichte/{report}/massnahmen",
    "/berichte/{report}/einschaetzung",
)


@pytest.mark.parametrize("pattern", PARTNER_PAGES)
@pytest.mark.parametrize("who", ["editor_a", "admin_a", "admin_b"])
def test_no_partner_page_shows_an_internal_comment(
    client, english, login_as, db, report, who, pattern
):
    lineage = queries.load_content(report).measures[0].lineage_id
    visible = add_comment(report, english["reviewer"], "Sichtbar für den Partner.")
    add_comment(report, english["reviewer"], SECRET, internal=True)
    add_comment(report, english["admin"], "Interne Antwort.", reply_to=visible, internal=True)
    add_comment(
        report,
        english["reviewer"],
        "Intern zur Maßnahme.",
        internal=True,
        measure_lineage_id=lineage,
    )
    apply_transition(report, "request_changes", english["reviewer"], WHY)

    login_as(english[who])
    url = pattern.format(org=report.organisation_id, report=report.id)
    response = client.get(url)
    if who == "admin_b":
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for secret in (SECRET, "Interne Antwort.", "Intern zur Maßnahme."):
        assert secret not in page
    if pattern == "/berichte/{report}":
        assert "Sichtbar für den Partner." in page and WHY in page


# --- assignment ---------------------------------------------------------------------------------


def _assign(client, report, reviewer_id, return_to=None):
    data = {f"assign-report-{report.id}-reviewer": str(reviewer_id)}
    if return_to is not None:
        data[f"assign-report-{report.id}-return_to"] = return_to
    return client.post(_url(report, "/zuweisen"), data=data)


def test_a_reviewer_assigns_the_report_to_themselves(client, english, login_as, db, report, outbox):
    before = (len(outbox()), report.lock_version)
    login_as(english["reviewer"])
    response = _assign(client, report, english["reviewer"].id)
    assert response.status_code == 302 and response.headers["Location"] == _url(report)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The annual report {YEAR} of Organisation A is assigned to you." in page
    db.session.expire_all()
    fresh = db.session.get(Report, report.id)
    assert fresh.assigned_reviewer_id == english["reviewer"].id
    # No mail to oneself, and the partner's open forms do not become stale.
    assert (len(outbox()), fresh.lock_version) == before
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "assigned")).one()
    assert (entry.object_type, entry.object_id) == ("report", report.id)


def test_a_colleague_who_is_assigned_is_told_by_email(
    client, english, login_as, db, report, outbox
):
    colleague = factories.UserFactory(role="reviewer", organisation=None, locale="en")
    db.session.commit()
    login_as(english["reviewer"])
    response = _assign(client, report, colleague.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"is assigned to {colleague.name}, who has been told by e-mail." in page
    assert [m.recipient for m in outbox() if "ssigned" in m.subject] == [colleague.email]


def test_the_assignment_mail_names_and_links_the_report(
    client, english, login_as, db, report, outbox
):
    colleague = factories.UserFactory(role="reviewer", organisation=None, locale="en")
    db.session.commit()
    login_as(english["reviewer"])
    _assign(client, report, colleague.id)
    (mail,) = [m for m in outbox() if m.recipient == colleague.email]
    assert f"annual report {YEAR}" in mail.subject.lower()
    assert f"http://portal.test/ministerium/berichte/{report.id}" in mail.body


@pytest.mark.parametrize("reviewer_id", ["", "999999", "abc"])
def test_assigning_to_nobody_known_is_refused(client, english, login_as, db, report, reviewer_id):
    login_as(english["reviewer"])
    response = _assign(client, report, reviewer_id)
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Report, report.id).assigned_reviewer_id is None


def test_assigning_from_the_queue_returns_to_the_queue(client, english, login_as, db, report):
    login_as(english["reviewer"])
    queue = client.get("/ministerium/pruefung?kind=report").get_data(as_text=True)
    assert f'href="/ministerium/berichte/{report.id}"' in queue
    assert f'action="/ministerium/berichte/{report.id}/zuweisen"' in queue
    assert f'id="assign-report-{report.id}-reviewer"' in queue
    response = _assign(
        client, report, english["admin"].id, return_to="/ministerium/pruefung?kind=report"
    )
    assert response.headers["Location"] == "/ministerium/pruefung?kind=report"
    queue = client.get("/ministerium/pruefung?kind=report").get_data(as_text=True)
    assert english["admin"].name in _text(queue.split("<tbody", 1)[1])


def test_the_dashboard_links_a_waiting_report_to_its_review(client, english, login_as, report):
    login_as(english["reviewer"])
    page = client.get("/ministerium").get_data(as_text=True)
    assert f'href="/ministerium/berichte/{report.id}"' in page


# --- decisions ----------------------------------------------------------------------------------


def _decide(client, report, action, comment=""):
    data = {"comment": comment}
    if action is not None:
        data["action"] = action
    return client.post(_url(report, "/entscheidung"), data=data)


def _partner_mails(outbox, english):
    partner = {english["editor_a"].email, english["admin_a"].email}
    return [m for m in outbox() if m.recipient in partner]


def test_approving_tells_the_partner(client, english, login_as, db, report, outbox):
    before = len(outbox())
    login_as(english["reviewer"])
    response = _decide(client, report, "approve", "Danke, sehr anschaulich.")
    assert response.status_code == 302 and response.headers["Location"] == _url(report)
    assert _status(db, report) == S.APPROVED
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "approve")).one()
    assert (entry.object_type, entry.from_state, entry.to_state) == (
        "report",
        "submitted",
        "approved",
    )
    mails = outbox()[before:]
    assert sorted(m.recipient for m in mails) == sorted(
        [english["editor_a"].email, english["admin_a"].email]
    )
    assert {m.subject for m in mails} == {"Your annual report has been approved"}
    assert all("Danke, sehr anschaulich." in m.body for m in mails)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The annual report {YEAR} of Organisation A is approved" in page
    assert 'value="reopen"' in page and 'value="approve"' not in page


def test_requesting_changes_sends_the_comment_and_the_partner_revises(
    client, english, login_as, db, report, outbox
):
    before = len(outbox())
    login_as(english["reviewer"])
    response = _decide(client, report, "request_changes", WHY)
    assert response.status_code == 302
    assert _status(db, report) == S.CHANGES_REQUESTED
    comment = db.session.scalars(select(Comment)).one()
    assert (comment.report_id, comment.body, comment.is_internal) == (report.id, WHY, False)
    mails = outbox()[before:]
    assert {m.subject for m in mails} == {"Changes requested to your annual report"}
    assert all(WHY in m.body for m in mails)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has been sent back for changes" in page
    assert "Changes are requested." in page
    # The partner reads the request, resubmits, and the reviewer approves.
    client.post("/abmelden")
    login_as(english["admin_a"])
    assert WHY in client.get(f"/berichte/{report.id}").get_data(as_text=True)
    db.session.expire_all()
    fresh = db.session.get(Report, report.id)
    services.submit(fresh, lock_version=fresh.lock_version, actor=english["admin_a"])
    client.post("/abmelden")
    login_as(english["reviewer"])
    assert _decide(client, report, "approve").status_code == 302
    assert _status(db, report) == S.APPROVED


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_a_request_for_changes_needs_a_comment(
    client, english, login_as, db, report, outbox, comment
):
    before = len(outbox())
    login_as(english["reviewer"])
    response = _decide(client, report, "request_changes", comment)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please say what the partner should change." in page
    assert 'id="error-summary"' in page and 'href="#comment"' in page
    assert _status(db, report) == S.SUBMITTED
    assert len(outbox()) == before


def test_a_too_long_comment_is_refused_and_kept(client, english, login_as, db, report):
    login_as(english["reviewer"])
    text = "<b>Zu lang</b> " + "x" * MAX_COMMENT_LENGTH
    response = _decide(client, report, "request_changes", text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Please shorten the text to {MAX_COMMENT_LENGTH} characters." in page
    assert "&lt;b&gt;Zu lang&lt;/b&gt; xxx" in page
    assert _status(db, report) == S.SUBMITTED


@pytest.mark.parametrize("action", [None, "", "publish", "withdraw", "submit"])
def test_an_unknown_decision_is_refused(client, english, login_as, db, report, action):
    login_as(english["reviewer"])
    response = _decide(client, report, action, WHY)
    assert response.status_code == 422
    assert "Please choose a decision." in response.get_data(as_text=True)
    assert WHY in response.get_data(as_text=True)
    assert _status(db, report) == S.SUBMITTED


def test_a_decision_in_the_wrong_state_is_409_and_keeps_the_text(
    client, english, login_as, db, report, outbox
):
    login_as(english["reviewer"])
    assert _decide(client, report, "approve").status_code == 302
    before = len(outbox())
    response = _decide(client, report, "request_changes", WHY)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This decision is not possible in the report&#39;s current state." in page
    assert WHY in page
    assert _status(db, report) == S.APPROVED
    assert len(outbox()) == before


def test_a_draft_cannot_be_decided_on(client, english, login_as, db):
    draft = _report(db, english["org_a"], YEAR)
    login_as(english["reviewer"])
    response = _decide(client, draft, "approve", "Gut so.")
    assert response.status_code == 409
    assert "Gut so." in response.get_data(as_text=True)
    assert _status(db, draft) == S.DRAFT


def test_reopening_needs_a_reason_and_tells_the_partner(
    client, english, login_as, db, report, outbox
):
    login_as(english["reviewer"])
    _decide(client, report, "approve")
    response = _decide(client, report, "reopen", "")
    assert response.status_code == 422
    assert "Please give the reason for reopening the report." in response.get_data(as_text=True)
    before = len(outbox())
    response = _decide(client, report, "reopen", "Die Zahl der Auszubildenden fehlt.")
    assert response.status_code == 302
    assert _status(db, report) == S.CHANGES_REQUESTED
    mails = outbox()[before:]
    assert {m.subject for m in mails} == {"Your annual report has been reopened"}
    assert all("Die Zahl der Auszubildenden fehlt." in m.body for m in mails)


def test_a_closed_cycle_takes_no_request_for_changes_until_reopened(
    client, english, login_as, db, report
):
    report.cycle.closed_at = utcnow()
    db.session.commit()
    login_as(english["reviewer"])
    page = _page(client, report)
    assert 'value="request_changes"' not in page and 'value="approve"' in page
    assert f"The reporting cycle {YEAR} is closed" in page
    response = _decide(client, report, "request_changes", WHY)
    assert response.status_code == 409
    assert "first reopen the cycle for this organisation" in response.get_data(as_text=True)
    assert WHY in response.get_data(as_text=True)
    assert _status(db, report) == S.SUBMITTED
    # Reopened for the organisation, the report can go back to it.
    db.session.add(
        CycleExtension(
            cycle_id=report.cycle_id,
            organisation_id=report.organisation_id,
            due_on=TODAY + timedelta(days=30),
            reason="Nachbesserung",
            reopened=True,
        )
    )
    db.session.commit()
    assert _decide(client, report, "request_changes", WHY).status_code == 302
    assert _status(db, report) == S.CHANGES_REQUESTED


# --- the start page: partners that have not reported ---------------------------------------------


def _missing_report(organisation, cycle, status=S.DRAFT):
    return factories.ReportFactory(organisation=organisation, cycle=cycle, status=status)


@pytest.fixture
def behind(db, english):
    """Cycle YEAR - 3, due long ago (grace 6 months): A has not reported, B has, C left.
    Cycle YEAR - 1, due 10 days ago: D is overdue but within the grace period, E has an extension.
    """
    old = factories.ReportingCycleFactory(
        year=YEAR - 3, opens_on=TODAY - timedelta(days=900), due_on=TODAY - timedelta(days=800)
    )
    recent = factories.ReportingCycleFactory(
        year=YEAR - 1, opens_on=TODAY - timedelta(days=90), due_on=TODAY - timedelta(days=10)
    )
    gone = factories.OrganisationFactory(name="Ehemals GmbH", status=OrganisationStatus.LEFT)
    late = factories.OrganisationFactory(name="Spät e. V.")
    extended = factories.OrganisationFactory(name="Verlängert AG")
    missing = _missing_report(english["org_a"], old)
    factories.ReportFactory(
        organisation=english["org_b"],
        cycle=old,
        status=S.APPROVED,
        submitted_at=utcnow() - timedelta(days=820),
    )
    _missing_report(gone, old)
    _missing_report(late, recent)
    _missing_report(extended, recent)
    db.session.add(
        CycleExtension(
            cycle_id=recent.id,
            organisation_id=extended.id,
            due_on=TODAY + timedelta(days=5),
            reason="Umzug",
        )
    )
    db.session.commit()
    return {"missing": missing, "old": old, "recent": recent}


def _section(page: str) -> str:
    return page.split('id="non-reporting"', 1)[1]


def test_the_start_page_lists_non_reporting_partners(client, english, login_as, behind):
    login_as(english["reviewer"])
    page = _section(client.get("/ministerium").get_data(as_text=True))
    table = page.split('id="table-non-reporting"', 1)[1]
    rows = re.findall(
        r"<tr class=\"kern-table__row\">(.*?)</tr>", table.split("<tbody", 1)[1], re.S
    )
    assert len(rows) == 1
    row = _text(rows[0])
    assert "Organisation A" in row and f"Annual reports {YEAR - 3}" in row
    assert "Non-reporting" in row and "800 days" in row
    assert f'href="/organisationen/{english["org_a"].id}"' in rows[0]
    assert f'href="/ministerium/berichtszeitraeume/{YEAR - 3}?standing=non_reporting"' in rows[0]
    assert f'href="/berichte/{behind["missing"].id}"' in rows[0]
    assert "1 report missing after the grace period" in _text(table)
    for name in ("Organisation B", "Ehemals GmbH", "Spät e. V.", "Verlängert AG"):
        assert name not in table
    # The counts per cycle: the recent one has one overdue report (the extension is not due).
    counts = _text(page.split('id="table-behind"', 1)[1].split("</table>", 1)[0])
    assert f"Annual reports {YEAR - 1} 1 overdue reports {YEAR - 1} 0" in counts
    assert f"Annual reports {YEAR - 3} 0 1 non-reporting partners {YEAR - 3}" in counts
    assert f"/ministerium/berichtszeitraeume/{YEAR - 1}?standing=overdue" in page


def test_nobody_behind_says_so(client, english, login_as):
    login_as(english["reviewer"])
    page = _text(_section(client.get("/ministerium").get_data(as_text=True)))
    assert "No report is overdue today." in page
    assert "No partner is non-reporting today." in page


def test_a_report_submitted_late_or_sent_back_is_not_non_reporting(
    client, english, login_as, db, behind
):
    behind["missing"].status = S.CHANGES_REQUESTED
    behind["missing"].submitted_at = utcnow() - timedelta(days=10)
    db.session.commit()
    login_as(english["reviewer"])
    page = _text(_section(client.get("/ministerium").get_data(as_text=True)))
    assert "No partner is non-reporting today." in page


def _fill_behind(db, n, cycles):
    for _ in range(n):
        organisation = factories.OrganisationFactory()
        for cycle in cycles:
            _missing_report(organisation, cycle)
    db.session.commit()


def test_the_start_page_takes_the_same_queries_for_n_and_10n(
    client, english, login_as, db, count_queries
):
    cycles = [
        factories.ReportingCycleFactory(
            year=YEAR - 4,
            opens_on=TODAY - timedelta(days=1200),
            due_on=TODAY - timedelta(days=1100),
            grace_months=3,
        ),
        factories.ReportingCycleFactory(
            year=YEAR - 3,
            opens_on=TODAY - timedelta(days=900),
            due_on=TODAY - timedelta(days=800),
            grace_months=6,
        ),
        factories.ReportingCycleFactory(
            year=YEAR - 1, opens_on=TODAY - timedelta(days=90), due_on=TODAY - timedelta(days=10)
        ),
    ]
    db.session.commit()
    login_as(english["reviewer"])
    _fill_behind(db, 3, cycles)
    client.get("/ministerium")  # warm up
    with count_queries() as few:
        page = client.get("/ministerium").get_data(as_text=True)
    assert "6 reports missing after the grace period" in page
    _fill_behind(db, 27, cycles)
    with count_queries() as many:
        page = client.get("/ministerium").get_data(as_text=True)
    assert "60 reports missing after the grace period" in page
    assert "Showing 1 to 25 of 60" in page
    assert many.count == few.count, (few.count, many.count)
    second = client.get("/ministerium?page=3").get_data(as_text=True)
    assert "Showing 51 to 60 of 60" in second
