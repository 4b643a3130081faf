"""Search forms of the members' area (sent by GET: bookmarkable, no CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Length

from portal.exchange import queries
from portal.forms import PortalForm
from portal.i18n import localized
from portal.labels import label
from portal.models import Sector
from portal.partners.forms import KnownChoice
from portal.regions import REGIERUNGSBEZIRKE

SEARCH_MAX = 200


def _field_choices() -> list[tuple[str, str]]:
    return [("", _l("All fields of action"))] + [
        (str(field.id), localized(field)) for field in queries.fields_of_action()
    ]


def _field_id(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


class DirectorySearchForm(PortalForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        description=_l("Name, description or the title of a measure"),
        validators=[
            Length(max=SEARCH_MAX, message=_l("Enter at most %(max)d characters.", max=SEARCH_MAX))
        ],
    )
    sector = SelectField(_l("Sector"), validate_choice=False, validators=[KnownChoice()])
    regierungsbezirk = SelectField(
        _l("Regierungsbezirk"), validate_choice=False, validators=[KnownChoice()]
    )
    field_of_action = SelectField(
        _l("Field of action"), validate_choice=False, validators=[KnownChoice()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("All sectors"))] + [
            (sector.value, label(sector)) for sector in Sector
        ]
        self.regierungsbezirk.choices = [("", _l("All Regierungsbezirke"))] + [
            (name, name) for name in REGIERUNGSBEZIRKE
        ]
        self.field_of_action.choices = _field_choices()

    def filters(self) -> queries.DirectoryFilters:
        """Only what is valid narrows the list; an invalid value is shown with its message."""
        return queries.DirectoryFilters(
            q="" if self.q.errors else (self.q.data or "").strip(),
            sector="" if self.sector.errors else (self.sector.data or ""),
            regierungsbezirk=""
            if self.regierungsbezirk.errors
            else (self.regierungsbezirk.data or ""),
            field_of_action=None
            if self.field_of_action.errors
            else _field_id(self.field_of_action.data),
        )


class LibrarySearchForm(PortalForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        validators=[
            Length(max=SEARCH_MAX, message=_l("Enter at most %(max)d characters.", max=SEARCH_MAX))
        ],
    )
    field_of_action = SelectField(
        _l("Field of action"), validate_choice=False, validators=[KnownChoice()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_of_action.choices = _field_choices()

    def filters(self) -> queries.LibraryFilters:
        return queries.LibraryFilters(
            q="" if self.q.errors else (self.q.data or "").strip(),
            field_of_action=None
            if self.field_of_action.errors
            else _field_id(self.field_of_action.data),
        )
