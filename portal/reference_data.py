"""The reference data of DESIGN.md §4: fields of action and key-figure indicators.

`seed_reference_data` is idempotent: it adds what is missing and never overwrites what admins
have edited since."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import FieldOfAction, Indicator

FIELDS_OF_ACTION = [
    ("recruitment", "Personalgewinnung und faire Auswahlverfahren", "Recruitment and fair hiring"),
    (
        "trainees",
        "Ausbildung: Anwärterinnen, Anwärter und Auszubildende",
        "Training: trainees and apprentices",
    ),
    ("trainers_managers", "Ausbilderinnen, Ausbilder und Führungskräfte", "Trainers and managers"),
    (
        "intercultural_training",
        "Interkulturelle Fortbildung der Beschäftigten",
        "Intercultural training of staff",
    ),
    ("multilingualism", "Mehrsprachigkeit", "Multilingualism"),
    (
        "public_relations",
        "Öffentlichkeitsarbeit und Kommunikation",
        "Public relations and communication",
    ),
    ("personnel_development", "Personalentwicklung", "Personnel development"),
    (
        "culture_networking",
        "Organisationskultur und Vernetzung",
        "Organisational culture and networking",
    ),
]

# (key, German, English, part_of key, German unit, English unit)
INDICATORS = [
    ("employees_total", "Beschäftigte insgesamt", "Employees in total", None, "Personen", "people"),
    (
        "employees_migration",
        "davon mit Einwanderungsgeschichte",
        "of whom with immigration history",
        "employees_total",
        "Personen",
        "people",
    ),
    (
        "trainees_total",
        "Auszubildende und Anwärter/-innen insgesamt",
        "Trainees and apprentices in total",
        None,
        "Personen",
        "people",
    ),
    (
        "trainees_migration",
        "davon mit Einwanderungsgeschichte",
        "of whom with immigration history",
        "trainees_total",
        "Personen",
        "people",
    ),
    ("hires_total", "Neueinstellungen insgesamt", "New hires in total", None, "Personen", "people"),
    (
        "hires_migration",
        "davon mit Einwanderungsgeschichte",
        "of whom with immigration history",
        "hires_total",
        "Personen",
        "people",
    ),
    ("managers_total", "Führungskräfte insgesamt", "Managers in total", None, "Personen", "people"),
    (
        "managers_migration",
        "davon mit Einwanderungsgeschichte",
        "of whom with immigration history",
        "managers_total",
        "Personen",
        "people",
    ),
    (
        "managers_trained",
        "Führungskräfte mit interkultureller Fortbildung",
        "Managers who took intercultural training",
        "managers_total",
        "Personen",
        "people",
    ),
    (
        "staff_trained",
        "Beschäftigte mit interkultureller Fortbildung",
        "Staff who took intercultural training",
        "employees_total",
        "Personen",
        "people",
    ),
    (
        "trainers_trained",
        "Fortgebildete Ausbilderinnen und Ausbilder",
        "Trainers trained",
        None,
        "Personen",
        "people",
    ),
    (
        "languages_offered",
        "Angebotene Sprachen mehrsprachiger Beschäftigter",
        "Languages offered by multilingual staff",
        None,
        "Sprachen",
        "languages",
    ),
]


def seed_reference_data() -> None:
    """Add missing fields of action and indicators; commits."""
    existing = set(db.session.scalars(select(FieldOfAction.key)))
    for position, (key, name_de, name_en) in enumerate(FIELDS_OF_ACTION, start=1):
        if key not in existing:
            db.session.add(
                FieldOfAction(key=key, name_de=name_de, name_en=name_en, position=position)
            )
    indicators = {i.key: i for i in db.session.scalars(select(Indicator))}
    for position, (key, name_de, name_en, part_of, unit_de, unit_en) in enumerate(
        INDICATORS, start=1
    ):
        if key in indicators:
            continue
        indicator = Indicator(
            key=key,
            name_de=name_de,
            name_en=name_en,
            unit_de=unit_de,
            unit_en=unit_en,
            position=position,
            part_of=indicators.get(part_of) if part_of else None,
        )
        db.session.add(indicator)
        indicators[key] = indicator
    db.session.commit()
