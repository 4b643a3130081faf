"""Public routes of the partners blueprint, no login: the list "Wir sind Partner", a partner's
public profile and the list as open data (CSV and JSON)."""

import csv
import io

from flask import Response, abort, current_app, jsonify, render_template, request, url_for

from portal.extensions import db
from portal.pagination import page_number
from portal.partners import bp, queries
from portal.partners.forms import PartnerSearchForm

OPEN_DATA_FIELDS = (
    "member_number",
    "name",
    "sector",
    "kreis",
    "regierungsbezirk",
    "member_since",
    "website",
    "profile_url",
)
# A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.route("/partner")
def public_list():
    form = PartnerSearchForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    page_size = current_app.config["PAGE_SIZE"]
    pagination = db.paginate(
        queries.public_partners(filters),
        page=page_number(),
        per_page=page_size,
        max_per_page=page_size,
        error_out=False,
        count=True,
    )
    # Query parameters of the page links: only what was valid and chosen.
    link_args = {
        name: value
        for name, value in vars(filters).items()
        if value and not (name == "sort" and value == "member_number")
    }
    return render_template(
        "partners/public_list.html",
        form=form,
        pagination=pagination,
        link_args=link_args,
        filtered=bool(request.args),
        network_size=queries.public_partner_count(),
    )


@bp.route("/partner/<slug>")
def public_profile(slug: str):
    organisation = queries.public_partner_by_slug(slug) or abort(404)
    return render_template(
        "partners/public_profile.html",
        organisation=organisation,
        fields_of_action=queries.fields_of_action_in_force(organisation.id),
    )


def _open_data_records() -> list[dict]:
    return [
        {
            "member_number": organisation.member_number,
            "name": organisation.name,
            "sector": organisation.sector.value,
            "kreis": organisation.kreis,
            "regierungsbezirk": organisation.regierungsbezirk,
            "member_since": (
                organisation.member_since.isoformat() if organisation.member_since else None
            ),
            "website": organisation.website,
            "profile_url": url_for(
                "partners.public_profile", slug=organisation.slug, _external=True
            ),
        }
        for organisation in queries.open_data_partners()
    ]


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.route("/partner.csv")
def open_data_csv():
    buffer = io.StringIO()
    # The byte order mark makes Excel read the file as UTF-8 (umlauts in names and Kreise).
    buffer.write("\ufeff")
    writer = csv.writer(buffer)  # RFC 4180: comma, double quotes, CRLF
    writer.writerow(OPEN_DATA_FIELDS)
    for record in _open_data_records():
        writer.writerow([_csv_cell(record[field]) for field in OPEN_DATA_FIELDS])
    return Response(
        buffer.getvalue().encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=partner.csv"},
    )


@bp.route("/api/v1/partners")
def open_data_json():
    records = _open_data_records()
    return jsonify({"count": len(records), "partners": records})
