"""Routes that edit a concept version: the sections, the measures (add, edit, remove, move) and
autosave. Only the organisation's own people edit, and only a draft or a version with changes
requested. A refused save never loses the typed text: the form comes back with it."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.concepts import bp, queries, services
from portal.concepts.access import concept_or_404, measure_in, require_partner
from portal.concepts.completeness import missing_answers
from portal.concepts.forms import (
    GermanDateField,
    MeasureForm,
    MoveMeasureForm,
    NumberField,
    RemoveMeasureForm,
    SectionsForm,
)
from portal.concepts.views import _show
from portal.extensions import db
from portal.labels import label
from portal.models import Concept


def _editable_concept(concept_id: int) -> Concept:
    """The concept, if the current user is one of its organisation's people (else 403/404)."""
    concept = concept_or_404(concept_id)
    require_partner(concept.organisation_id)
    return concept


def _not_editable_message(concept: Concept) -> str:
    return _(
        "Version %(number)s is %(status)s and cannot be changed now.",
        number=concept.version_number,
        status=label(concept.status),
    )


def _reload(concept_id: int) -> Concept:
    db.session.expire_all()
    return db.session.get(Concept, concept_id)


def _set_lock(form, concept: Concept, base_digest: str) -> None:
    """After a conflict the form carries the current version, so saving again keeps the text."""
    form.lock_version.data = concept.lock_version
    form.base_digest.data = base_digest


def _after_save(concept: Concept, anchor: str | None = None):
    if request.form.get("then") == "check":
        return redirect(url_for("concepts.check", concept_id=concept.id))
    return redirect(url_for("concepts.edit", concept_id=concept.id, _anchor=anchor))


# --- sections ------------------------------------------------------------------------------------


def _edit_page(concept, form, *, differences=None, problem=None, status=200):
    measures = queries.measures_of(concept)
    missing = missing_answers(concept, measures)
    missing_by_measure: dict[int, int] = {}
    for answer in missing:
        if answer.measure is not None:
            missing_by_measure[answer.measure.id] = missing_by_measure.get(answer.measure.id, 0) + 1
    # One form per button, each with its own prefix, so no id appears twice on the page.
    remove_forms = {
        m.id: RemoveMeasureForm(
            prefix=f"remove-{m.id}",
            formdata=None,
            data={"lock_version": concept.lock_version, "base_digest": services.measure_digest(m)},
        )
        for m in measures
    }
    move_forms = {m.id: MoveMeasureForm(prefix=f"move-{m.id}", formdata=None) for m in measures}
    return render_template(
        "concepts/edit.html",
        concept=concept,
        organisation=concept.organisation,
        form=form,
        measures=measures,
        missing=missing,
        missing_by_measure=missing_by_measure,
        threads=queries.threads_by_lineage(concept, current_user, measures),
        remove_forms=remove_forms,
        move_forms=move_forms,
        admins=queries.partner_admins(concept.organisation_id),
        differences=differences,
        problem=problem,
    ), status


@bp.route("/konzepte/<int:concept_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(concept_id: int):
    concept = _editable_concept(concept_id)
    if request.method == "GET":
        if not concept.is_editable:
            flash(_not_editable_message(concept), "info")
            return redirect(url_for("concepts.show", concept_id=concept.id))
        form = SectionsForm(
            formdata=None,
            data={
                **services.sections_of(concept),
                "lock_version": concept.lock_version,
                "base_digest": services.sections_digest(concept),
            },
        )
        return _edit_page(concept, form)

    form = SectionsForm()
    if not concept.is_editable:
        return _edit_page(concept, form, problem=_not_editable_message(concept), status=409)
    if not form.validate_on_submit():
        return _edit_page(concept, form, status=422)
    try:
        services.save_sections(concept, form.section_values(), form.lock(), current_user)
    except services.EditConflict:
        concept = _reload(concept_id)
        _set_lock(form, concept, services.sections_digest(concept))
        differences = [
            (form[name].label.text, saved, form[name].data or "")
            for name, saved in services.sections_of(concept).items()
            if saved != (form[name].data or "")
        ]
        return _edit_page(concept, form, differences=differences, status=409)
    except services.ConceptRefused as refused:
        return _edit_page(_reload(concept_id), form, problem=refused.reason, status=409)
    flash(_("Saved. You can come back and continue at any time."), "success")
    return _after_save(concept)


# --- measures ------------------------------------------------------------------------------------


def _measure_form(concept, measure=None, *, formdata=True) -> MeasureForm:
    current_field = measure.field_of_action_id if measure else None
    current_indicator = measure.indicator_id if measure else None
    options = {
        "fields_of_action": queries.field_of_action_choices(current_field),
        "indicators": queries.indicator_choices(current_indicator),
    }
    if formdata:
        return MeasureForm(**options)
    data = {"lock_version": concept.lock_version, "base_digest": ""}
    if measure is not None:
        data.update(MeasureForm.data_of(measure), base_digest=services.measure_digest(measure))
    return MeasureForm(formdata=None, data=data, **options)


def _shown(field) -> str:
    """A field's value as the conflict table shows it, the same way for saved and typed values."""
    if field.type == "SelectField":
        return str(dict(field.choices).get(field.data, "")) if field.data else ""
    if field.type == "BooleanField":
        return _("Yes") if field.data else _("No")
    if isinstance(field, NumberField) and field.data is not None:
        return format_decimal(field.data, format="#,##0.##")
    if isinstance(field, GermanDateField) and field.data is not None:
        return format_date(field.data)
    return field._value() or ""


def _measure_differences(concept, saved, form) -> list[tuple]:
    saved_form = _measure_form(concept, saved, formdata=False)
    differences = []
    for name in services.MEASURE_NAMES:
        theirs, yours = _shown(saved_form[name]), _shown(form[name])
        if theirs != yours:
            differences.append((form[name].label.text, theirs, yours))
    return differences


def _measure_page(concept, form, measure=None, *, action=None, **context):
    status = context.pop("status", 200)
    threads = {}
    if measure is not None:
        threads = queries.threads_by_lineage(concept, current_user, [measure])
    return render_template(
        "concepts/measure_form.html",
        concept=concept,
        organisation=concept.organisation,
        form=form,
        measure=measure,
        number=(measure.position if measure else None),
        action=action or request.path,
        threads=threads,
        **context,
    ), status


@bp.route("/konzepte/<int:concept_id>/massnahmen/neu", methods=["GET", "POST"])
@login_required
def add_measure(concept_id: int):
    concept = _editable_concept(concept_id)
    if request.method == "GET":
        if not concept.is_editable:
            flash(_not_editable_message(concept), "info")
            return redirect(url_for("concepts.show", concept_id=concept.id))
        return _measure_page(concept, _measure_form(concept, formdata=False))
    form = _measure_form(concept)
    if not concept.is_editable:
        return _measure_page(concept, form, problem=_not_editable_message(concept), status=409)
    if not form.validate_on_submit():
        return _measure_page(concept, form, status=422)
    try:
        measure = services.add_measure(concept, form.measure_values(), current_user)
    except (services.ConceptRefused, services.EditConflict) as refused:
        reason = getattr(refused, "reason", _("Someone saved at the same moment. Save again."))
        return _measure_page(_reload(concept_id), form, problem=reason, status=409)
    flash(_("The measure is added."), "success")
    return _after_save(concept, f"item-{measure.lineage_id}")


@bp.route("/konzepte/<int:concept_id>/massnahmen/<int:measure_id>", methods=["GET", "POST"])
@login_required
def edit_measure(concept_id: int, measure_id: int):
    concept = _editable_concept(concept_id)
    measure = measure_in(concept, measure_id)
    if request.method == "GET":
        if measure is None:
            return _show(concept, problem=_("This measure does not exist (any more)."), status=404)
        if not concept.is_editable:
            flash(_not_editable_message(concept), "info")
            return redirect(url_for("concepts.show", concept_id=concept.id))
        return _measure_page(concept, _measure_form(concept, measure, formdata=False), measure)

    form = _measure_form(concept, measure)
    if measure is None:
        # Someone removed it while this person was typing: offer to save the text as new.
        return _measure_page(
            concept,
            form,
            action=url_for("concepts.add_measure", concept_id=concept.id),
            problem=_(
                "Someone removed this measure while you were editing it. Your text is still "
                "below: save it to add it as a new measure, or leave the page to drop it."
            ),
            status=409,
        )
    if not concept.is_editable:
        return _measure_page(
            concept, form, measure, problem=_not_editable_message(concept), status=409
        )
    if not form.validate_on_submit():
        return _measure_page(concept, form, measure, status=422)
    try:
        services.update_measure(concept, measure, form.measure_values(), form.lock(), current_user)
    except services.EditConflict:
        concept = _reload(concept_id)
        measure = measure_in(concept, measure_id)
        if measure is None:
            return edit_measure(concept_id, measure_id)
        _set_lock(form, concept, services.measure_digest(measure))
        return _measure_page(
            concept,
            form,
            measure,
            differences=_measure_differences(concept, measure, form),
            status=409,
        )
    except services.ConceptRefused as refused:
        return _measure_page(_reload(concept_id), form, measure, problem=refused.reason, status=409)
    flash(_("The measure is saved."), "success")
    return _after_save(concept, f"item-{measure.lineage_id}")


@bp.route("/konzepte/<int:concept_id>/massnahmen/<int:measure_id>/entfernen", methods=["POST"])
@login_required
def remove_measure(concept_id: int, measure_id: int):
    concept = _editable_concept(concept_id)
    measure = measure_in(concept, measure_id)
    if measure is None:
        flash(_("This measure was removed already."), "info")
        return redirect(url_for("concepts.edit", concept_id=concept.id, _anchor="measures"))
    if not concept.is_editable:
        return _show(concept, problem=_not_editable_message(concept), status=409)
    form = RemoveMeasureForm(prefix=f"remove-{measure.id}")
    context = {"concept": concept, "organisation": concept.organisation, "measure": measure}
    if form.confirmed.data != "yes" or not form.validate_on_submit():
        form.confirmed.data = "yes"
        return render_template("concepts/remove_measure.html", form=form, **context)
    try:
        services.remove_measure(concept, measure, form.lock(), current_user)
    except services.EditConflict:
        concept = _reload(concept_id)
        measure = measure_in(concept, measure_id)
        if measure is None:
            return redirect(url_for("concepts.edit", concept_id=concept_id, _anchor="measures"))
        _set_lock(form, concept, services.measure_digest(measure))
        context.update(concept=concept, measure=measure, changed=True)
        return render_template("concepts/remove_measure.html", form=form, **context), 409
    flash(_("The measure „%(title)s“ is removed.", title=measure.title), "success")
    return redirect(url_for("concepts.edit", concept_id=concept.id, _anchor="measures"))


@bp.route("/konzepte/<int:concept_id>/massnahmen/<int:measure_id>/verschieben", methods=["POST"])
@login_required
def move_measure(concept_id: int, measure_id: int):
    concept = _editable_concept(concept_id)
    measure = measure_in(concept, measure_id)
    if measure is None:
        flash(_("This measure was removed already."), "info")
        return redirect(url_for("concepts.edit", concept_id=concept.id, _anchor="measures"))
    if not concept.is_editable:
        return _show(concept, problem=_not_editable_message(concept), status=409)
    form = MoveMeasureForm(prefix=f"move-{measure.id}")
    if not form.validate_on_submit():
        flash(_("Choose whether to move the measure up or down."), "warning")
    else:
        lineage = measure.lineage_id
        try:
            services.move_measure(concept, measure, form.direction.data, current_user)
        except (services.ConceptRefused, services.EditConflict):
            flash(_("The measure could not be moved just now. Please try again."), "warning")
        return redirect(url_for("concepts.edit", concept_id=concept.id, _anchor=f"item-{lineage}"))
    return redirect(url_for("concepts.edit", concept_id=concept.id, _anchor="measures"))


# --- autosave ------------------------------------------------------------------------------------


@bp.route("/konzepte/<int:concept_id>/autosave", methods=["POST"])
@login_required
def autosave(concept_id: int):
    """Save the sections, or one measure (`?measure_id=`), for autosave.js. Answers JSON: the
    new lock_version and digest, or why it was not saved (the user then saves by hand and sees
    the full explanation)."""
    concept = _editable_concept(concept_id)
    if not concept.is_editable:
        return jsonify(status="refused", message=_not_editable_message(concept)), 409
    measure_id = request.args.get("measure_id", type=int)
    measure = None
    if measure_id is not None:
        measure = measure_in(concept, measure_id)
        if measure is None:
            return jsonify(status="conflict", message=_("This measure was removed.")), 409
        form = _measure_form(concept, measure)
    else:
        form = SectionsForm()
    if not form.validate_on_submit():
        return jsonify(status="invalid", fields=sorted(form.errors)), 422
    try:
        if measure is None:
            services.save_sections(concept, form.section_values(), form.lock(), current_user)
            new_digest = services.sections_digest(concept)
        else:
            services.update_measure(
                concept, measure, form.measure_values(), form.lock(), current_user
            )
            new_digest = services.measure_digest(measure)
    except services.EditConflict:
        return jsonify(status="conflict"), 409
    except services.ConceptRefused as refused:
        return jsonify(status="refused", message=str(refused.reason)), 409
    return jsonify(status="saved", lock_version=concept.lock_version, base_digest=new_digest)
