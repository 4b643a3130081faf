"""The form and UI macros: markup, ids and aria wiring for every field type."""

import re

from flask import render_template_string
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Row(PlainForm):
    value = IntegerField("Value", validators=[InputRequired()])


class SampleForm(PortalForm):
    class Meta:
        csrf = False

    title = StringField("Title", validators=[DataRequired()])
    text = TextAreaField("Text", validators=[Optional()])
    kind = SelectField("Kind", choices=[("a", "A"), ("b", "B")])
    agree = BooleanField("I agree", validators=[DataRequired()])
    colour = RadioField(
        "Colour", choices=[("r", "Red"), ("g", "Green")], validators=[InputRequired()]
    )
    fields = MultiCheckboxField("Fields", choices=[("1", "One"), ("2", "Two")])
    when = DateField("When", validators=[Optional()])
    upload = FileField("Upload")
    secret = HiddenField()
    rows = FieldList(FormField(Row), min_entries=1)


TEMPLATE = """{% import "macros/forms.html" as forms %}
{% call forms.form("/x", form, id="sample") %}
{% for f in [form.title, form.text, form.kind, form.agree, form.colour, form.fields,
             form.when, form.upload] %}
{{ forms.field(f, hint="Hint " ~ f.name) }}
{% endfor %}
{{ forms.field(form.rows[0].form.value) }}
{{ forms.submit("Save", variant="secondary", name="action", value="save") }}
{% endcall %}"""


def render(app, data=None):
    with app.test_request_context("/x", method="POST" if data is not None else "GET", data=data):
        form = SampleForm()
        if data is not None:
            form.validate()
        return render_template_string(TEMPLATE, form=form)


def test_fields_have_labels_hints_and_no_errors_when_fresh(app):
    html = render(app)
    assert "error-summary" not in html
    for name in ("title", "text", "kind", "agree", "when", "upload"):
        assert f'for="{name}"' in html
        assert f'id="{name}-hint"' in html
    assert '<legend class="kern-label">Colour</legend>' in html
    assert 'class="kern-form-check__radio" id="colour-0"' in html
    assert 'class="kern-form-check__checkbox" id="fields-0"' in html
    assert 'id="sample"' in html and "novalidate" in html
    assert 'name="action" value="save"' in html
    assert "aria-invalid" not in html


def test_failed_form_links_every_error_to_an_element(app):
    html = render(app, data={"title": "", "kind": "a", "rows-0-value": "x"})
    summary = html[html.index('id="error-summary"') : html.index("</ul>")]
    targets = re.findall(r'href="#([^"]+)"', summary)
    print(targets)
    assert targets == ["title", "agree", "colour-0", "rows-0-value"]
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert set(targets) <= ids
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(described.split()) <= ids
    assert 'aria-describedby="title-hint title-error"' in html
    assert "kern-fieldset--error" in html
    assert html.count('aria-invalid="true"') == 3  # title, agree, rows-0-value


def test_error_messages_are_escaped_even_when_lazy(app):
    """A message that repeats what the user typed must never become markup."""
    from flask import render_template_string
    from flask_babel import lazy_gettext
    from wtforms import StringField

    from portal.forms import PortalForm

    class Form(PortalForm):
        class Meta:
            csrf = False

        name = StringField("Name")

    with app.test_request_context():
        form = Form()
        form.name.errors = [lazy_gettext("Unknown: %(value)s", value="<b>x</b>")]
        form.form_errors.append(lazy_gettext("Whole form: %(value)s", value="<i>y</i>"))
        html = render_template_string(
            '{% import "macros/forms.html" as forms %}'
            "{{ forms.error_summary(form) }}{{ forms.field(form.name) }}",
            form=form,
        )
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<i>y</i>" not in html


def test_a_fields_own_filters_still_run_after_the_cleaning(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField

    from portal.forms import PortalForm

    class Form(PortalForm):
        class Meta:
            csrf = False

        code = StringField("Code", filters=[lambda v: v.upper() if v else v])

    with app.test_request_context():
        form = Form(formdata=MultiDict({"code": "  ab\x00c "}))
    assert form.code.data == "ABC"
