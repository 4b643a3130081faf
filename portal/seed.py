"""Demo data: the ministry's accounts, Kreis Minden-Lübbecke as member 37, 36 fictional partners
and two fictional applicants. Idempotent: running it twice adds nothing the second time."""

import functools
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.extensions import db
from portal.models import (
    Agreement,
    Concept,
    FieldOfAction,
    Measure,
    Organisation,
    OrganisationStatus,
    Role,
    Sector,
    SubmissionStatus,
    User,
    utcnow,
)
from portal.partners.naming import slugify
from portal.reference_data import seed_reference_data
from portal.regions import REGIERUNGSBEZIRK_OF

DEMO_PASSWORD = "Vielfalt-2023!"
FICTIONAL = "Fiktive Beispielorganisation der Demo-Daten des Partnerportals."

FICTIONAL_PARTNERS = [
    # (name, sector, Kreis / kreisfreie Stadt)
    ("Gemeinde Lindenbrück", Sector.AUTHORITY, "Kreis Borken"),
    ("Rheinblick Logistik GmbH", Sector.COMPANY, "Duisburg"),
    ("Brückenbauer Rheinland e. V.", Sector.ASSOCIATION, "Köln"),
    ("Stadtverwaltung Rabenfeld", Sector.AUTHORITY, "Kreis Mettmann"),
    ("Westfalia Bau und Technik GmbH", Sector.COMPANY, "Dortmund"),
    ("Arbeitsgemeinschaft Vielfalt Westfalen e. V.", Sector.ASSOCIATION, "Münster"),
    ("Jobcenter Kleeberg", Sector.AUTHORITY, "Kreis Unna"),
    ("Kupferkessel Brauerei KG", Sector.COMPANY, "Kreis Paderborn"),
    ("Netzwerk Neue Nachbarn e. V.", Sector.ASSOCIATION, "Bielefeld"),
    ("Kreisverwaltung Hügelland", Sector.AUTHORITY, "Hochsauerlandkreis"),
    ("Lindner und Özdemir Pflege GmbH", Sector.COMPANY, "Essen"),
    ("Jugendwerk Sternschnuppe e. V.", Sector.ASSOCIATION, "Gelsenkirchen"),
    ("Amt für Integration Weidenau", Sector.AUTHORITY, "Kreis Siegen-Wittgenstein"),
    ("Sauerland Solar AG", Sector.COMPANY, "Märkischer Kreis"),
    ("Kulturforum Weltoffen e. V.", Sector.ASSOCIATION, "Düsseldorf"),
    ("Stadt Birkenhagen", Sector.AUTHORITY, "Rhein-Sieg-Kreis"),
    ("Ruhrperle Gastronomie GmbH", Sector.COMPANY, "Bochum"),
    ("Bildungswerk Lichtblick e. V.", Sector.ASSOCIATION, "Bonn"),
    ("Gemeinde Mühlbachtal", Sector.AUTHORITY, "Kreis Euskirchen"),
    ("Niederrhein Gartenbau eG", Sector.COMPANY, "Kreis Kleve"),
    ("Sozialverband Zusammenhalt e. V.", Sector.ASSOCIATION, "Wuppertal"),
    ("Zweckverband Emscherbogen", Sector.AUTHORITY, "Kreis Recklinghausen"),
    ("Bergische Werkzeugmanufaktur GmbH", Sector.COMPANY, "Solingen"),
    ("Frauenverein Aufbruch e. V.", Sector.ASSOCIATION, "Hagen"),
    ("Stadtverwaltung Eichenstein", Sector.AUTHORITY, "Kreis Lippe"),
    ("Emscher Digital GmbH", Sector.COMPANY, "Herne"),
    ("Sportbund Lindenhof e. V.", Sector.ASSOCIATION, "Krefeld"),
    ("Gemeinde Wiesental", Sector.AUTHORITY, "Kreis Steinfurt"),
    ("Münsterland Mühlen GmbH", Sector.COMPANY, "Kreis Coesfeld"),
    ("Pflegeverbund Mitmensch e. V.", Sector.ASSOCIATION, "Mönchengladbach"),
    ("Landschaftsamt Sonnenberg", Sector.AUTHORITY, "Oberbergischer Kreis"),
    ("Siegerland Stahlbau GmbH", Sector.COMPANY, "Kreis Olpe"),
    ("Feuerwehrverband Funkenflug e. V.", Sector.ASSOCIATION, "Kreis Gütersloh"),
    ("Stadt Tannenried", Sector.AUTHORITY, "Städteregion Aachen"),
    ("Teutoburger Reisen GmbH", Sector.COMPANY, "Kreis Herford"),
    ("Caritativer Dienst Morgenstern e. V.", Sector.ASSOCIATION, "Leverkusen"),
]

FICTIONAL_APPLICANTS = [
    ("Pflegedienst Sonnenschein gGmbH", Sector.COMPANY, "Kreis Höxter", SubmissionStatus.SUBMITTED),
    (
        "Kreishandwerkerschaft Musterland",
        Sector.ASSOCIATION,
        "Kreis Viersen",
        SubmissionStatus.DRAFT,
    ),
]

MINDEN_MEASURES = [
    (
        "recruitment",
        "Mehr Beschäftigte mit Einwanderungsgeschichte",
        "Stellenausschreibungen werden um einen Hinweis zur Vielfalt ergänzt, Auswahlkommissionen "
        "werden geschult und anonymisierte Erstsichtungen erprobt.",
        "Bewerberinnen und Bewerber",
        "employees_migration",
    ),
    (
        "trainees",
        "Anwärterinnen und Anwärter gezielt ansprechen",
        "Ausbildungsmessen in Schulen mit hohem Anteil von Jugendlichen mit Einwanderungsgeschichte, "
        "Elternabende in mehreren Sprachen.",
        "Schülerinnen und Schüler, Eltern",
        "trainees_migration",
    ),
    (
        "trainers_managers",
        "Ausbilderinnen und Ausbilder sensibilisieren",
        "Verpflichtende Fortbildung zu interkultureller Kompetenz für alle Ausbilderinnen und "
        "Ausbilder.",
        "Ausbilderinnen und Ausbilder",
        "trainers_trained",
    ),
    (
        "multilingualism",
        "Mehrsprachigkeit der Beschäftigten fördern",
        "Ein internes Verzeichnis der Sprachkenntnisse ermöglicht Unterstützung im Publikumsverkehr.",
        "Alle Beschäftigten",
        "languages_offered",
    ),
    (
        "public_relations",
        "Öffentlichkeitsarbeit sensibilisieren",
        "Leitfaden für eine diskriminierungssensible Bild- und Textsprache der Pressestelle.",
        "Pressestelle",
        None,
    ),
]


def _ensure_user(email, name, role, organisation=None, function=""):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        # Partner admins are their organisation's contact person in the directory.
        contact = role == Role.PARTNER_ADMIN
        user = User(
            email=email,
            name=name,
            role=role,
            organisation=organisation,
            function=function,
            email_confirmed_at=utcnow(),
            is_contact_person=contact,
            directory_shows_email=contact,
        )
        # All demo accounts share one password: hash it once (scrypt is slow on purpose).
        user.password_hash = _demo_password_hash()
        db.session.add(user)
    return user


@functools.cache
def _demo_password_hash() -> str:
    return generate_password_hash(DEMO_PASSWORD, method="scrypt")


def _ensure_organisation(name, slug, sector, kreis, **fields):
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(
            name=name,
            slug=slug,
            sector=sector,
            kreis=kreis,
            regierungsbezirk=REGIERUNGSBEZIRK_OF[kreis],
            **fields,
        )
        db.session.add(organisation)
    return organisation


def _ensure_agreement(organisation, signed_on, ministry_signatory, organisation_signatory):
    if organisation.agreement is None:
        organisation.agreement = Agreement(
            signed_on=signed_on,
            ministry_signatory=ministry_signatory,
            organisation_signatory=organisation_signatory,
        )


# Measures of the fictional partners' approved concepts, so the directory, "find peers" and the
# good-practice library have something to show: each partner gets three, chosen by its position.
PARTNER_MEASURE_POOL = [
    (
        "recruitment",
        "Vielfaltssensible Stellenausschreibungen",
        "Alle Ausschreibungen enthalten einen Hinweis, dass Bewerbungen von Menschen mit "
        "Einwanderungsgeschichte ausdrücklich erwünscht sind; die Texte werden in einfacher "
        "Sprache geprüft.",
        "Bewerberinnen und Bewerber",
        "hires_migration",
    ),
    (
        "trainees",
        "Ausbildungspatenschaften mit Migrantenorganisationen",
        "Gemeinsam mit Migrantenorganisationen werden Jugendliche und ihre Eltern über die "
        "Ausbildung informiert und während der ersten Monate begleitet.",
        "Jugendliche und Eltern",
        "trainees_migration",
    ),
    (
        "trainers_managers",
        "Führungskräfte-Workshop Vielfalt führen",
        "Ein halbtägiger Workshop für alle Führungskräfte zu unbewussten Vorurteilen in "
        "Personalauswahl und Beurteilung.",
        "Führungskräfte",
        "managers_trained",
    ),
    (
        "intercultural_training",
        "Interkulturelle Fortbildung für alle Beschäftigten",
        "Ein E-Learning-Modul und ein Präsenztag zu interkultureller Kompetenz sind Teil der "
        "Einarbeitung.",
        "Alle Beschäftigten",
        "staff_trained",
    ),
    (
        "multilingualism",
        "Sprachenlandkarte der Belegschaft",
        "Beschäftigte geben freiwillig an, welche Sprachen sie sprechen; das Verzeichnis hilft im "
        "Kundenkontakt.",
        "Alle Beschäftigten",
        "languages_offered",
    ),
    (
        "public_relations",
        "Vielfalt in Bild und Text",
        "Fotos und Texte der Öffentlichkeitsarbeit zeigen die Vielfalt der Belegschaft und der "
        "Bevölkerung.",
        "Öffentlichkeitsarbeit",
        None,
    ),
    (
        "personnel_development",
        "Mentoring für Beschäftigte mit Einwanderungsgeschichte",
        "Erfahrene Führungskräfte begleiten Beschäftigte ein Jahr lang auf dem Weg in "
        "Führungsaufgaben.",
        "Nachwuchskräfte",
        "managers_migration",
    ),
    (
        "culture_networking",
        "Netzwerk Vielfalt im Betrieb",
        "Ein offenes Netzwerk der Beschäftigten trifft sich vierteljährlich und berät die Leitung.",
        "Alle Beschäftigten",
        None,
    ),
]


def _partner_measures(index: int) -> list[tuple]:
    size = len(PARTNER_MEASURE_POOL)
    return [PARTNER_MEASURE_POOL[(index * 3 + step) % size] for step in range(3)]


def _ensure_concept(organisation, status, measures, fields_by_key, indicators_by_key):
    if db.session.scalar(select(Concept.id).where(Concept.organisation_id == organisation.id)):
        return
    now = utcnow()
    concept = Concept(
        organisation=organisation,
        version_number=1,
        status=status,
        initial_situation=(
            f"{organisation.name} hat eine Beschäftigtenbefragung durchgeführt. Der Anteil der "
            "Beschäftigten mit Einwanderungsgeschichte liegt unter dem Anteil in der Bevölkerung."
        ),
        goals="Die Vielfalt der Bevölkerung soll sich in der Belegschaft widerspiegeln.",
        steering="Die Steuerung liegt bei der Personalabteilung und dem Integrationsbüro.",
        submitted_at=now - timedelta(days=12) if status != SubmissionStatus.DRAFT else None,
        approved_at=now - timedelta(days=5) if status == SubmissionStatus.APPROVED else None,
    )
    for position, (field_key, title, description, target_group, indicator_key) in enumerate(
        measures, start=1
    ):
        concept.measures.append(
            Measure(
                position=position,
                field_of_action=fields_by_key[field_key],
                title=title,
                description=description,
                target_group=target_group,
                indicator=indicators_by_key.get(indicator_key) if indicator_key else None,
                responsible_unit="Personalabteilung",
                share_as_good_practice=position <= 2,
            )
        )
    db.session.add(concept)


def seed_demo(report_history: bool = True) -> dict:
    """Load reference data and the demo network; commits. Returns counts of what exists.
    `report_history=False` leaves out the reporting cycles (for tests that add them for another
    day)."""
    from portal.models import Indicator

    seed_reference_data()
    fields_by_key = {f.key: f for f in db.session.scalars(select(FieldOfAction))}
    indicators_by_key = {i.key: i for i in db.session.scalars(select(Indicator))}

    _ensure_user("admin@example.org", "Miriam Schulte", Role.ADMIN, function="IT-Referat")
    _ensure_user(
        "pruefung@example.org",
        "Thomas Becker",
        Role.REVIEWER,
        function="Referat Interkulturelle Öffnung",
    )

    for index, (name, sector, kreis) in enumerate(FICTIONAL_PARTNERS):
        number = index + 1
        signed_on = date(2012, 3, 1) + timedelta(days=index * 115)
        slug = slugify(name)
        organisation = _ensure_organisation(
            name,
            slug,
            sector,
            kreis,
            status=OrganisationStatus.ACTIVE,
            member_number=number,
            member_since=signed_on,
            description=FICTIONAL,
            website=f"https://www.{slug}.example.org",
        )
        _ensure_agreement(organisation, signed_on, "Staatssekretärin (Demo)", "Leitung (Demo)")
        _ensure_user(
            f"kontakt@{slug}.example.org",
            f"Kontaktperson {name}",
            Role.PARTNER_ADMIN,
            organisation,
            function="Ansprechperson Interkulturelle Öffnung",
        )

    minden = _ensure_organisation(
        "Kreis Minden-Lübbecke",
        "minden-luebbecke",
        Sector.AUTHORITY,
        "Kreis Minden-Lübbecke",
        status=OrganisationStatus.ACTIVE,
        member_number=37,
        member_since=date(2023, 9, 6),
        street="Portastraße 13",
        postcode="32423",
        city="Minden",
        website="https://www.minden-luebbecke.de",
        description=(
            "Der Kreis Minden-Lübbecke ist seit September 2023 Partner der Initiative. Sein Konzept "
            "setzt auf mehr Beschäftigte mit Einwanderungsgeschichte, die Ansprache von "
            "Anwärterinnen und Anwärtern, die Mehrsprachigkeit der Beschäftigten und eine "
            "sensible Öffentlichkeitsarbeit."
        ),
    )
    _ensure_agreement(minden, date(2023, 9, 6), "Staatssekretär Lorenz Bahr", "Landrat Ali Doğan")
    _ensure_user(
        "integration@minden-luebbecke.example.org",
        "Katrin Meyer",
        Role.PARTNER_ADMIN,
        minden,
        function="Integrationsbeauftragte",
    )
    _ensure_user(
        "redaktion@minden-luebbecke.example.org",
        "Jonas Brinkmann",
        Role.PARTNER_EDITOR,
        minden,
        function="Personalentwicklung",
    )

    for name, sector, kreis, _status in FICTIONAL_APPLICANTS:
        slug = slugify(name)
        organisation = _ensure_organisation(
            name,
            slug,
            sector,
            kreis,
            status=OrganisationStatus.APPLICANT,
            description=FICTIONAL,
        )
        _ensure_user(
            f"bewerbung@{slug}.example.org",
            f"Bewerbung {name}",
            Role.PARTNER_ADMIN,
            organisation,
            function="Geschäftsführung",
        )
    db.session.flush()

    _ensure_concept(
        minden, SubmissionStatus.APPROVED, MINDEN_MEASURES, fields_by_key, indicators_by_key
    )
    for index, (name, _sector, _kreis) in enumerate(FICTIONAL_PARTNERS):
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        _ensure_concept(
            organisation,
            SubmissionStatus.APPROVED,
            _partner_measures(index),
            fields_by_key,
            indicators_by_key,
        )
    for name, _sector, _kreis, status in FICTIONAL_APPLICANTS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        _ensure_concept(organisation, status, MINDEN_MEASURES[:2], fields_by_key, indicators_by_key)
    db.session.commit()
    # Past reporting cycles with approved reports, and the open one (commits on its own).
    if report_history:
        from portal.seed_reports import seed_report_history

        seed_report_history()
    return {
        "organisations": db.session.query(Organisation).count(),
        "users": db.session.query(User).count(),
    }


DEMO_LOGINS = [
    ("admin@example.org", "Admin (Ministerium)"),
    ("pruefung@example.org", "Prüfung (Ministerium)"),
    ("integration@minden-luebbecke.example.org", "Partner-Admin, Kreis Minden-Lübbecke"),
    ("redaktion@minden-luebbecke.example.org", "Redaktion, Kreis Minden-Lübbecke"),
    ("kontakt@rheinblick-logistik-gmbh.example.org", "Partner-Admin, Rheinblick Logistik GmbH"),
    ("bewerbung@pflegedienst-sonnenschein-ggmbh.example.org", "Bewerbung (Antrag eingereicht)"),
]
