"""The partner's annual report in the browser's place: the forms with bad input (refused at the
field, everything typed kept, 422), saving and coming back, conflicts (409), check, submit and
withdraw, comments, autosave, the print view and the number of SQL queries."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import comments
from portal.models import (
    Comment,
    MeasureProgress,
    MeasureStatus,
    Report,
    ReportValue,
    SubmissionStatus,
)
from portal.reports import cycles, queries, services
from tests import factories
from tests.test_reports_services import fill_completely, make_report

pytestmark = pytest.mark.db


@pytest.fixture
def people(cast, db):
    """The cast reads the portal in English, so messages are matched whatever the catalog says."""
    for role in ("editor_a", "admin_a", "admin_b", "reviewer", "admin"):
        cast[role].locale = "en"
    db.session.commit()
    return cast


@pytest.fixture
def report(db, people):
    return make_report(db, people["org_a"], measures=2)


def _indicators():
    return {i.key: i for i in queries.active_indicators()}


def _figures_form(report, **values):
    """Form data of the key-figures page: `employees_total="120"`, `trainees_total="ns"`."""
    indicators = _indicators()
    data = {"lock_version": str(report.lock_version), "next": "stay"}
    for key, value in values.items():
        if value == "ns":
            data[f"not_surveyed_{indicators[key].id}"] = "y"
        else:
            data[f"value_{indicators[key].id}"] = value
    return data


def _field_error(page: str, field_id: str) -> str:
    """The text of the error message shown at a field."""
    match = re.search(
        rf'<p class="kern-error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S
    )
    assert match, f"no error at {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _values(db, report):
    db.session.expire_all()
    return db.session.scalars(select(ReportValue).where(ReportValue.report_id == report.id)).all()


# --- the organisation's reports and the task list -----------------------------------------------


def test_reports_page_shows_due_date_days_left_and_next_step(client, db, people, login_as):
    due = date.today() + timedelta(days=10)
    report = make_report(db, people["org_a"], year=2025, due_on=due)
    old = make_report(
        db,
        people["org_a"],
        year=2024,
        due_on=date.today() - timedelta(days=300),
        concept=report.concept,
    )
    old.status = SubmissionStatus.APPROVED
    old.submitted_at = old.approved_at = datetime(2025, 3, 1, 9, 0)
    db.session.commit()
    login_as(people["editor_a"])

    page = client.get(f"/organisationen/{people['org_a'].id}/berichte").get_data(as_text=True)

    assert "Annual report 2025" in page and "Annual report 2024" in page
    assert page.index("Annual report 2025") < page.index("Annual report 2024")
    assert "10 days left" in page
    assert "Fill in the report and submit it" in page
    assert f'href="/berichte/{report.id}"' in page


def test_overdue_report_says_how_many_days(client, db, people, login_as):
    make_report(db, people["org_a"], due_on=date.today() - timedelta(days=3))
    login_as(people["admin_a"])
    page = client.get(f"/organisationen/{people['org_a'].id}/berichte").get_data(as_text=True)
    assert "3 days overdue" in page


def test_another_organisation_is_refused_everywhere(client, report, people, login_as):
    login_as(people["admin_b"])
    for path in ("", "/kennzahlen", "/massnahmen", "/einschaetzung", "/pruefen", "/druck"):
        assert client.get(f"/berichte/{report.id}{path}").status_code == 403
    assert client.get(f"/organisationen/{people['org_a'].id}/berichte").status_code == 403
    assert client.post(f"/berichte/{report.id}/kennzahlen", data={}).status_code == 403


def test_task_list_shows_the_state_of_each_part(client, db, report, people, login_as):
    services.save_figures(
        report,
        queries.load_content(report),
        {_indicators()["employees_total"].id: services.Figure(50)},
        lock_version=1,
        actor=people["editor_a"],
    )
    login_as(people["editor_a"])
    page = client.get(f"/berichte/{report.id}").get_data(as_text=True)
    states = re.findall(r'id="task-(\w+)-status">(.*?)</span>\s*</div>', page, re.S)
    text = {name: re.sub(r"<[^>]+>|\s+", " ", body).strip() for name, body in states}
    assert text["figures"] == "In progress"
    assert text["progress"] == "Not started"
    assert text["assessment"] == "Not started"
    assert "answers missing" in text["check"]
    assert "contact person (partner admin) submits" in page


# --- key figures --------------------------------------------------------------------------------


def test_figures_are_saved_and_this_years_shares_shown(client, db, report, people, login_as):
    login_as(people["editor_a"])
    response = client.post(
        f"/berichte/{report.id}/kennzahlen",
        data=_figures_form(report, employees_total="1.200", employees_migration="300"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/berichte/{report.id}/kennzahlen")
    assert {v.value for v in _values(db, report)} == {1200, 300}

    page = client.get(f"/berichte/{report.id}/kennzahlen").get_data(as_text=True)
    assert "Your entries have been saved." in page
    assert "Share saved for 2025: 25.0 %." in page
    assert "§ 4 TIntG" in page
    assert "voluntary, anonymous staff surveys" in page


def test_last_years_figures_beside_the_fields(client, db, people, login_as):
    old = make_report(db, people["org_a"], year=2024)
    services.save_figures(
        old,
        queries.load_content(old),
        {
            _indicators()["employees_total"].id: services.Figure(200),
            _indicators()["employees_migration"].id: services.Figure(50),
        },
        lock_version=1,
        actor=people["editor_a"],
    )
    new = make_report(db, people["org_a"], year=2025, concept=old.concept)
    login_as(people["editor_a"])
    page = client.get(f"/berichte/{new.id}/kennzahlen").get_data(as_text=True)
    assert "2024: 200." in page
    assert "2024: 50, that is 25.0 % of the total." in page
    # Figures are shown, never copied.
    total_id = _indicators()["employees_total"].id
    field = re.search(rf'<input [^>]*id="value_{total_id}"[^>]*>', page).group(0)
    assert 'value=""' in field


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        ("employees_total", "-5", "Enter a whole number of 0 or more."),
        ("employees_total", "abc", "Enter a whole number, for example 120."),
        ("employees_total", "1,5", "Enter a whole number without decimals, for example 120."),
        ("employees_total", "<script>alert(1)</script>", "Enter a whole number, for example 120."),
        ("employees_migration", "130", "This cannot be more than the total above (120)."),
        ("employees_total", "99999999", "This number is too large. Please check it."),
    ],
)
def test_bad_figures_are_refused_at_the_field(
    client, db, report, people, login_as, key, typed, message
):
    login_as(people["editor_a"])
    data = _figures_form(report, employees_total="120", trainees_total="ns")
    data[f"value_{_indicators()[key].id}"] = typed
    response = client.post(f"/berichte/{report.id}/kennzahlen", data=data)
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert _field_error(page, f"value_{_indicators()[key].id}") == f"Error: {message}"
    assert 'id="error-summary"' in page
    # Everything typed is kept: the bad value, the other values, the ticked box.
    assert "<script>alert" not in page
    escaped = typed.replace("<", "&lt;").replace(">", "&gt;")
    assert f'value="{escaped}"' in page
    if key != "employees_total":
        assert 'value="120"' in page
    trainees = _indicators()["trainees_total"].id
    assert re.search(rf'<input [^>]*checked[^>]*id="not_surveyed_{trainees}"', page)
    assert _values(db, report) == []


def test_number_and_not_surveyed_together_are_refused(client, db, report, people, login_as):
    login_as(people["editor_a"])
    data = _figures_form(report, employees_total="120")
    data[f"not_surveyed_{_indicators()['employees_total'].id}"] = "y"
    response = client.post(f"/berichte/{report.id}/kennzahlen", data=data)
    assert response.status_code == 422
    assert "not both" in _field_error(
        response.get_data(as_text=True), f"value_{_indicators()['employees_total'].id}"
    )


def test_conflicting_save_shows_what_changed_and_keeps_the_input(
    client, db, report, people, login_as
):
    opened = report.lock_version
    services.save_figures(
        report,
        queries.load_content(report),
        {_indicators()["employees_total"].id: services.Figure(120)},
        lock_version=opened,
        actor=people["admin_a"],
    )
    login_as(people["editor_a"])
    data = _figures_form(report, employees_total="95")
    data["lock_version"] = str(opened)
    response = client.post(f"/berichte/{report.id}/kennzahlen", data=data)
    page = response.get_data(as_text=True)

    assert response.status_code == 409
    assert "Someone else has changed this report since you opened the page" in page
    row = re.search(r"<th scope=\"row\"[^>]*>Employees in total</th>(.*?)</tr>", page, re.S)
    cells = re.findall(r'<td class="kern-table__cell">(.*?)</td>', row.group(1), re.S)
    assert [c.strip() for c in cells[:2]] == ["120", "95"]
    assert people["admin_a"].name in cells[2]
    assert 'value="95"' in page
    db.session.expire_all()
    # Saving again on purpose keeps the user's figure.
    current = db.session.get(Report, report.id).lock_version
    assert f'name="lock_version" type="hidden" value="{current}"' in page
    data["lock_version"] = str(current)
    assert client.post(f"/berichte/{report.id}/kennzahlen", data=data).status_code == 302
    assert [v.value for v in _values(db, report)] == [95]


# --- progress per measure -----------------------------------------------------------------------


def _progress_form(report, **overrides):
    content = queries.load_content(report)
    data = {"lock_version": str(report.lock_version), "next": "overview"}
    for measure in content.measures:
        lineage = measure.lineage_id
        data[f"status_{lineage}"] = "in_progress"
        data[f"actual_{lineage}"] = ""
        data[f"narrative_{lineage}"] = "Läuft."
    first = content.measures[0].lineage_id
    for name, value in overrides.items():
        data[f"{name}_{first}"] = value
    return data, first


def test_progress_with_a_german_decimal_comma(client, db, report, people, login_as):
    login_as(people["editor_a"])
    data, first = _progress_form(report, actual="1.234,5", status="completed")
    response = client.post(f"/berichte/{report.id}/massnahmen", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/berichte/{report.id}")
    db.session.expire_all()
    row = db.session.scalar(select(MeasureProgress).where(MeasureProgress.lineage_id == first))
    assert row.actual_value == Decimal("1234.5")
    assert row.status == MeasureStatus.COMPLETED

    page = client.get(f"/berichte/{report.id}/massnahmen").get_data(as_text=True)
    assert 'value="1,234.5"' in page  # English number format for an English reader
    assert "Field of action" in page and "Baseline" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"actual": "abc"}, "actual", "Enter a number, for example 12,5 or 1.234."),
        ({"actual": "-2"}, "actual", "Enter a number of 0 or more."),
        (
            {"status": "dropped", "narrative": " "},
            "narrative",
            "Please say why the measure was dropped.",
        ),
        ({"narrative": "x" * 5001}, "narrative", "Please shorten this to 5000 characters."),
        ({"status": "vanished"}, "status", "Choose one of the options in the list."),
    ],
)
def test_bad_progress_is_refused_at_the_field(
    client, db, report, people, login_as, overrides, field, message
):
    login_as(people["editor_a"])
    data, first = _progress_form(report, **overrides)
    response = client.post(f"/berichte/{report.id}/massnahmen", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(page, f"{field}_{first}") == f"Error: {message}"
    if "actual" in overrides:
        assert f'value="{overrides["actual"]}"' in page
    db.session.expire_all()
    assert all(row.narrative == "" for row in db.session.scalars(select(MeasureProgress)))


# --- assessment and story -----------------------------------------------------------------------


def _assessment_form(report, **overrides):
    data = {
        "lock_version": str(report.lock_version),
        "overall_assessment": "Ein gutes Jahr.",
        "challenges": "Wenig Zeit.",
        "next_steps": "Mehr Schulungen.",
        "good_practice_story": "",
        "next": "continue",
    }
    data.update(overrides)
    return data


def test_assessment_is_saved_and_script_text_stays_text(client, db, report, people, login_as):
    login_as(people["editor_a"])
    story = "<script>alert('x')</script> Mentoring für Azubis"
    response = client.post(
        f"/berichte/{report.id}/einschaetzung",
        data=_assessment_form(report, good_practice_story=story, share_story="y"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/berichte/{report.id}/pruefen")
    db.session.expire_all()
    saved = db.session.get(Report, report.id)
    assert saved.good_practice_story == story and saved.share_story
    page = client.get(f"/berichte/{report.id}/pruefen").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Mentoring" in page
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"challenges": "y" * 10_001}, "challenges", "Please shorten this to 10000 characters."),
        ({"share_story": "y"}, "share_story", "Please write the story you want to share"),
    ],
)
def test_bad_assessment_is_refused_at_the_field(
    client, db, report, people, login_as, overrides, field, message
):
    login_as(people["editor_a"])
    response = client.post(
        f"/berichte/{report.id}/einschaetzung", data=_assessment_form(report, **overrides)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _field_error(page, field)
    assert "Ein gutes Jahr." in page
    db.session.expire_all()
    assert db.session.get(Report, report.id).overall_assessment == ""


def test_edit_pages_of_a_submitted_report_lead_to_the_report(client, db, report, people, login_as):
    fill_completely(report, people["editor_a"])
    services.submit(report, lock_version=report.lock_version, actor=people["admin_a"])
    login_as(people["editor_a"])
    response = client.get(f"/berichte/{report.id}/kennzahlen")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/berichte/{report.id}"
    )
    # A save sent from a page opened before the submission: refused, the input kept.
    response = client.post(
        f"/berichte/{report.id}/einschaetzung",
        data=_assessment_form(report, overall_assessment="Noch ergänzt."),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "has been submitted and cannot be changed now" in page
    assert "Noch ergänzt." in page


# --- autosave -----------------------------------------------------------------------------------


def test_autosave_answers_in_json(client, db, report, people, login_as):
    login_as(people["editor_a"])
    url = f"/berichte/{report.id}/autosave?section=figures"
    saved = client.post(url, data=_figures_form(report, employees_total="80"))
    assert saved.status_code == 200
    assert saved.json == {"status": "saved", "lock_version": report.lock_version + 1}
    assert [v.value for v in _values(db, report)] == [80]

    invalid = client.post(url, data=_figures_form(report, employees_total="-1"))
    assert invalid.status_code == 422 and invalid.json["status"] == "invalid"

    stale_form = _figures_form(report, employees_total="81")
    stale_form["lock_version"] = "1"  # the version the page was opened with
    stale = client.post(url, data=stale_form)
    assert stale.status_code == 409 and stale.json["status"] == "conflict"

    assessment = client.post(
        f"/berichte/{report.id}/autosave?section=assessment",
        data=_assessment_form(report, overall_assessment="Zwischenstand"),
    )
    assert assessment.json["status"] == "saved"


def test_autosave_of_a_submitted_report_is_refused(client, db, report, people, login_as):
    fill_completely(report, people["editor_a"])
    services.submit(report, lock_version=report.lock_version, actor=people["admin_a"])
    login_as(people["editor_a"])
    response = client.post(
        f"/berichte/{report.id}/autosave?section=assessment", data=_assessment_form(report)
    )
    assert response.status_code == 409 and response.json["status"] == "refused"


def test_edit_forms_carry_the_autosave_hooks(client, report, people, login_as):
    login_as(people["editor_a"])
    page = client.get(f"/berichte/{report.id}/massnahmen").get_data(as_text=True)
    assert f'data-autosave-url="/berichte/{report.id}/autosave?section=progress"' in page
    assert "data-autosave-status" in page and "js/autosave.js" in page
    assert 'id="session-warning"' in page


# --- check, submit, withdraw --------------------------------------------------------------------


def test_check_lists_missing_answers_with_links(client, report, people, login_as):
    login_as(people["admin_a"])
    page = client.get(f"/berichte/{report.id}/pruefen").get_data(as_text=True)
    total = _indicators()["employees_total"].id
    assert f'href="/berichte/{report.id}/kennzahlen#value_{total}"' in page
    assert f'href="/berichte/{report.id}/einschaetzung#overall_assessment"' in page
    assert "Submit the annual report" not in page


def test_submit_from_the_check_page(client, db, report, people, login_as, outbox):
    fill_completely(report, people["editor_a"])
    login_as(people["admin_a"])
    page = client.get(f"/berichte/{report.id}/pruefen").get_data(as_text=True)
    assert "Submit the annual report" in page
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)

    response = client.post(f"/berichte/{report.id}/einreichen", data={"lock_version": version})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == SubmissionStatus.SUBMITTED
    page = client.get(f"/berichte/{report.id}").get_data(as_text=True)
    assert "has been submitted to the ministry" in page
    assert "Withdraw the report" in page
    assert any(m.recipient == people["editor_a"].email for m in outbox())


def test_submit_refused_when_incomplete_in_wrong_state_or_closed_cycle(
    client, db, report, people, login_as
):
    login_as(people["admin_a"])
    response = client.post(f"/berichte/{report.id}/einreichen", data={"lock_version": "1"})
    assert response.status_code == 409
    assert "The report is not complete yet" in response.get_data(as_text=True)

    fill_completely(report, people["editor_a"])
    reviewer = people["reviewer"]
    cycles.close_cycle(report.cycle, actor=reviewer)
    version = str(db.session.get(Report, report.id).lock_version)
    response = client.post(f"/berichte/{report.id}/einreichen", data={"lock_version": version})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The reporting cycle 2025 is closed" in page and "Nothing has been lost" in page

    cycles.reopen_for(
        report.cycle,
        people["org_a"],
        due_on=date.today() + timedelta(days=7),
        reason="Krank",
        actor=reviewer,
    )
    assert (
        client.post(f"/berichte/{report.id}/einreichen", data={"lock_version": version}).status_code
        == 302
    )
    # Submitting again: wrong state.
    response = client.post(f"/berichte/{report.id}/einreichen", data={"lock_version": version})
    assert response.status_code == 409
    assert "already been submitted" in response.get_data(as_text=True)


def test_editors_and_the_ministry_cannot_submit(client, report, people, login_as, auth):
    for role in ("editor_a", "reviewer"):
        login_as(people[role])
        assert (
            client.post(f"/berichte/{report.id}/einreichen", data={"lock_version": "1"}).status_code
            == 403
        )
        auth.logout()


def test_withdraw_makes_a_draft_again(client, db, report, people, login_as):
    fill_completely(report, people["editor_a"])
    services.submit(report, lock_version=report.lock_version, actor=people["admin_a"])
    login_as(people["admin_a"])
    response = client.post(f"/berichte/{report.id}/zurueckziehen", data={}, follow_redirects=True)
    assert "withdrawn and is a draft again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == SubmissionStatus.DRAFT
    again = client.post(f"/berichte/{report.id}/zurueckziehen", data={})
    assert again.status_code == 409
    assert "only be withdrawn while it waits" in again.get_data(as_text=True)


# --- comments -----------------------------------------------------------------------------------


def test_partners_answer_visible_comments_and_never_see_internal_ones(
    client, db, report, people, login_as, outbox
):
    reviewer = people["reviewer"]
    visible = comments.add_comment(report, reviewer, "Bitte die Zahlen erläutern.")
    comments.add_comment(report, reviewer, "Intern: nachhaken.", internal=True)
    login_as(people["editor_a"])
    page = client.get(f"/berichte/{report.id}").get_data(as_text=True)
    assert "Bitte die Zahlen erläutern." in page
    assert "Intern: nachhaken." not in page

    response = client.post(
        f"/berichte/{report.id}/kommentare?antwort={visible.id}",
        data={f"answer-{visible.id}-body": "Die Zahlen stammen aus der Befragung."},
    )
    assert response.status_code == 302
    answer = db.session.scalar(select(Comment).where(Comment.reply_to_id == visible.id))
    assert answer.body == "Die Zahlen stammen aus der Befragung." and not answer.is_internal
    assert any(m.recipient == reviewer.email for m in outbox())


def test_bad_comments_are_refused_at_the_field(client, db, report, people, login_as):
    login_as(people["editor_a"])
    empty = client.post(f"/berichte/{report.id}/kommentare", data={"comment-body": " "})
    assert empty.status_code == 422
    assert "Please write a comment." in _field_error(empty.get_data(as_text=True), "comment-body")
    long = client.post(f"/berichte/{report.id}/kommentare", data={"comment-body": "z" * 5001})
    assert long.status_code == 422
    assert "z" * 5001 in long.get_data(as_text=True)
    internal = comments.add_comment(report, people["reviewer"], "Nur intern.", internal=True)
    sneaky = client.post(
        f"/berichte/{report.id}/kommentare?antwort={internal.id}",
        data={f"answer-{internal.id}-body": "Hallo"},
    )
    assert sneaky.status_code == 422
    assert "This comment belongs to another submission." in sneaky.get_data(as_text=True)
    assert "Nur intern." not in sneaky.get_data(as_text=True)
    assert db.session.scalar(select(Comment).where(Comment.reply_to_id == internal.id)) is None


# --- print --------------------------------------------------------------------------------------


def test_print_view_has_the_whole_report(client, db, report, people, login_as):
    fill_completely(report, people["editor_a"])
    login_as(people["reviewer"])
    page = client.get(f"/berichte/{report.id}/druck").get_data(as_text=True)
    assert "Annual report 2025 of Organisation A" in page
    assert "Maßnahme 2" in page and "Zwei Workshops." in page and "Gutes Jahr." in page
    assert "css/print.css" in page


# --- SQL queries --------------------------------------------------------------------------------


def _page_queries(client, count_queries, url):
    client.get(url)  # warm-up: the login's and the session's own queries settle
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("path", ["/kennzahlen", "/massnahmen", "", "/pruefen", "/druck"])
def test_query_count_does_not_grow_with_the_measures(
    client, db, people, login_as, count_queries, path
):
    small_org = people["org_a"]
    large_org = factories.OrganisationFactory(name="Groß")
    large_user = factories.UserFactory(role="partner_editor", organisation=large_org, locale="en")
    db.session.commit()
    small = make_report(db, small_org, measures=3)
    large = make_report(db, large_org, measures=30, year=2024)
    for report, user in ((small, people["editor_a"]), (large, large_user)):
        fill_completely(report, user)
        comments.add_comment(report, people["reviewer"], "Frage")
    counts = []
    for report, user in ((small, people["editor_a"]), (large, large_user)):
        client.post("/abmelden")
        login_as(user)
        counts.append(_page_queries(client, count_queries, f"/berichte/{report.id}{path}"))
    assert counts[0] == counts[1], counts
    print(f"queries for {path or '/'}: {counts}")


def test_query_count_of_the_reports_page(client, db, people, login_as, count_queries):
    first = make_report(db, people["org_a"], year=2020, measures=1)
    login_as(people["editor_a"])
    url = f"/organisationen/{people['org_a'].id}/berichte"
    few = _page_queries(client, count_queries, url)
    for year in range(2010, 2020):
        make_report(db, people["org_a"], year=year, concept=first.concept)
    many = _page_queries(client, count_queries, url)
    print(f"queries for the reports page: {[few, many]}")
    assert many == few


# --- the box for the organisation's home page ---------------------------------------------------


def test_open_report_box_for_the_home_page(app, db, people):
    from flask import render_template_string
    from flask_babel import force_locale

    organisation = people["org_a"]
    report = make_report(db, organisation, due_on=date.today() + timedelta(days=5))
    template = (
        '{% from "reports/_summary.html" import open_report_box %}'
        "{{ open_report_box(summary, organisation) }}"
    )
    with app.test_request_context(), force_locale("en"):
        html = render_template_string(
            template,
            summary=services.open_report_summary(organisation),
            organisation=organisation,
        )
        nothing = render_template_string(template, summary=None, organisation=organisation)
    assert "The annual report 2025 is due on" in html and "5 days left" in html
    assert f'href="/berichte/{report.id}"' in html
    assert "There is no annual report to write at the moment." in nothing
    assert f'href="/organisationen/{organisation.id}/berichte"' in nothing
