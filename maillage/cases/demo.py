"""Fictional demo cases (seed_demo, order 30).

~300 cases in the demo associations (more in Paris and Marseille), with
distributions close to the published MIPROF figures: mostly sexual
exploitation, about one in six minors, many nationalities. `--size national`
creates 50,000 cases with bulk_create; most of them get a minimal identity
(a single invented last name) to keep the encryption cost low.
Every name is invented; nothing refers to a real person.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from maillage.demo.registry import SeedContext, register
from maillage.identification import screening as engine
from maillage.identification.models import IndicatorSetVersion, Screening
from maillage.organisations.enums import Role
from maillage.organisations.models import Membership

from . import workflow
from .enums import SEXUAL_FORMS, AgeStatus, CaseStatus, ClosureReason
from .models import Case, CaseEvent, Person, ReferenceCounter

DEMO_CASES = 300
NATIONAL_CASES = 50_000
# National size: the first demo association (Paris) holds this many cases, the
# size of the list benchmark (bench/bench_cases.py, cases.list.p95_ms).
NATIONAL_BIG_ORGANISATION_CASES = 20_000

FORMS = [
    ("PROX", 58),
    ("SEX", 6),
    ("TRAV_FORCE", 14),
    ("DIGNITE", 5),
    ("MENDICITE", 5),
    ("DELITS_FORCES", 7),
    ("SERVITUDE", 3),
    ("ESCL", 1),
    ("ORGANE", 1),
]
NATIONALITIES = [
    ("NG", 24),
    ("FR", 10),
    ("RO", 8),
    ("CI", 5),
    ("CM", 5),
    ("CN", 5),
    ("BG", 4),
    ("MA", 4),
    ("BR", 3),
    ("VN", 3),
    ("AL", 3),
    ("GN", 3),
    ("DZ", 2),
    ("TN", 2),
    ("CO", 2),
    ("PE", 1),
    ("UA", 2),
    ("MD", 1),
    ("HU", 1),
    ("GH", 2),
    ("CD", 2),
    ("SN", 1),
    ("ML", 1),
    ("PH", 1),
    ("IN", 1),
    ("PK", 1),
    ("AF", 1),
    ("ER", 1),
    ("XX", 1),
    ("ZZ", 2),
]
LANGUAGE_OF = {
    "NG": "en",
    "GH": "en",
    "FR": "fr",
    "RO": "ro",
    "BG": "bg",
    "CN": "zh",
    "BR": "pt",
    "VN": "vi",
    "AL": "sq",
    "CO": "es",
    "PE": "es",
    "UA": "uk",
    "MD": "ro",
    "HU": "hu",
    "PH": "tl",
    "IN": "hi",
    "PK": "ur",
    "AF": "ps",
}
STATUSES = [
    (CaseStatus.REPORTED, 28),
    (CaseStatus.PRESUMED, 37),
    (CaseStatus.IDENTIFIED, 15),
    (CaseStatus.NOT_RETAINED, 5),
    (CaseStatus.CLOSED, 15),
]
MINOR_STATUSES = [
    (AgeStatus.DOCUMENTED_MINOR, 3),
    (AgeStatus.DECLARED_MINOR_UNVERIFIED, 2),
    (AgeStatus.ASSESSED_MINOR, 1),
]
ADULT_STATUSES = [(AgeStatus.DOCUMENTED_ADULT, 20), (AgeStatus.ASSESSED_ADULT, 2), (AgeStatus.DISPUTED, 1)]
DEPARTEMENTS = ["75", "93", "13", "69", "59", "06", "33", "31", "67", "34", "44", "92", "94", "973"]

# Invented names (combinations do not refer to anyone).
FIRST = [
    "Amara",
    "Joy",
    "Ioana",
    "Mei",
    "Precious",
    "Elena",
    "Fatou",
    "Lina",
    "Sade",
    "Nour",
    "Ana",
    "Grace",
    "Minh",
    "Ilir",
    "Kofi",
    "Yusuf",
    "Dragan",
    "Luz",
    "Tamar",
    "Eniola",
]
LAST = [
    "Adebanjo",
    "Ciobanu",
    "Zhaolin",
    "Okonkwo-Test",
    "Petrescova",
    "Diakitessa",
    "Mbarga",
    "Nguyenova",
    "Hoxhari",
    "Osagiede",
    "Tranquilo",
    "Belkacemi",
    "Kouamelan",
    "Sorinescu",
    "Ivanel",
]


def _author_for(organisation):
    """A case worker of the association; associations without demo accounts get
    a fictional one who cannot sign in (unusable password, no second factor)."""
    membership = (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.CASE_WORKER)
        .select_related("user")
        .first()
    )
    if membership:
        return membership.user
    User = get_user_model()
    user = User.objects.filter(email=f"dossiers.{organisation.slug}@demo.maillage.fr").first()
    if user is None:
        user = User.objects.create_user(
            email=f"dossiers.{organisation.slug}@demo.maillage.fr",
            password=None,
            first_name="Chargé·e",
            last_name=f"d'accompagnement {organisation.name}"[:150],
        )
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.CASE_WORKER})
    return user


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _allocate_block(year: int, count: int) -> list[str]:
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(year=year)
        counter = ReferenceCounter.objects.select_for_update().get(year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return [f"TEH-{year}-{n:06d}" for n in range(first, first + count)]


def _make_case(rng, organisation, author, reference, now, *, full_identity: bool):
    minor = rng.random() < 1 / 6
    age_status = _pick(rng, MINOR_STATUSES if minor else ADULT_STATUSES)
    reasons = age_status == AgeStatus.DISPUTED and rng.random() < 0.5
    form = _pick(rng, FORMS)
    forms = [form] + (["DELITS_FORCES"] if form in SEXUAL_FORMS and rng.random() < 0.08 else [])
    sex = ("F" if rng.random() < 0.88 else "M") if form in SEXUAL_FORMS else ("M" if rng.random() < 0.6 else "F")
    if rng.random() < 0.01:
        sex = rng.choice(["X", "U"])
    nationality = _pick(rng, NATIONALITIES)
    nationalities = [nationality] + (["FR"] if nationality not in ("FR", "XX", "ZZ") and rng.random() < 0.03 else [])
    age = rng.randint(12, 17) if minor else rng.randint(18, 55)
    created = now - datetime.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
    birth_year = created.year - age
    status = _pick(rng, STATUSES)
    dep = rng.choice(DEPARTEMENTS) if rng.random() < 0.6 else organisation.departement
    case = Case(
        organisation=organisation,
        reference=reference,
        created_by=author,
        created_at=created,
        updated_at=created,
        status=status,
        age_status=age_status,
        reasons_to_believe_minor=reasons,
        minor_at_exploitation=minor,
        sex=sex,
        birth_year=birth_year if rng.random() < 0.8 else None,
        estimated_age=age if rng.random() < 0.3 else None,
        nationalities=nationalities,
        languages=[LANGUAGE_OF.get(nationality, "fr")] + (["fr"] if rng.random() < 0.3 else []),
        exploitation_forms=forms,
        recruitment_country=nationality if nationality not in ("XX", "ZZ") else "",
        exploitation_country="FR",
        exploitation_departement=dep if len(dep) in (2, 3) else "",
        exploitation_start=(created - datetime.timedelta(days=rng.randint(30, 900))).date(),
        cross_border="internal" if nationality == "FR" else "cross_border",
        relation_to_exploiter=rng.choice(
            ["intimate_partner", "family", "friend", "employer", "recruiter", "stranger", "unknown"]
        ),
        control_methods=rng.sample(
            [
                "debt_bondage",
                "takes_earnings",
                "threats",
                "physical_abuse",
                "psychological_abuse",
                "withholds_documents",
                "restricts_movement",
                "false_promises",
            ],
            k=rng.randint(0, 4),
        ),
        first_detected_by=rng.choice(
            ["association", "police", "self", "third_party", "health", "labour_inspection", "child_protection"]
        ),
    )
    case.treated_as_minor = workflow.treated_as_minor(age_status, reasons_to_believe_minor=reasons)
    if status in (CaseStatus.PRESUMED, CaseStatus.IDENTIFIED, CaseStatus.CLOSED):
        case.presumed_at, case.presumed_by = created + datetime.timedelta(days=rng.randint(1, 20)), author
    if status == CaseStatus.IDENTIFIED:
        case.identified_on = (created + datetime.timedelta(days=rng.randint(20, 120))).date()
        case.identifying_authority = rng.choice(["police", "gendarmerie"])
        case.identification_reference = f"PV-{rng.randint(1000, 99999)}"
    if status == CaseStatus.NOT_RETAINED:
        case.not_retained_at = created + datetime.timedelta(days=rng.randint(5, 60))
    if status == CaseStatus.CLOSED:
        case.closed_at = created + datetime.timedelta(days=rng.randint(60, 400))
        case.closure_reason = rng.choice(ClosureReason.values)
        case.status_before_closure = CaseStatus.PRESUMED
    if case.identified_on and case.identified_on > now.date():
        case.identified_on = now.date()
    if full_identity:
        person = Person(
            case=case,
            last_name=rng.choice(LAST),
            first_name=rng.choice(FIRST),
            lookup_birth_year=case.birth_year,
            birth_date=f"{birth_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.5 else "",
            phone=f"+33 6 00 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            if rng.random() < 0.4
            else "",
        )
    else:
        person = Person(case=case, last_name=rng.choice(LAST), lookup_birth_year=case.birth_year)
    return case, person


def _screenings(rng, cases, sets, authors):
    rows = []
    for case in cases:
        iset, stored = sets["CL" if case.treated_as_minor else "AL"]
        codes = rng.sample(list(iset.indicators), k=rng.randint(2, 9))
        result = engine.assess(iset, codes, act_established=rng.random() < 0.8)
        rows.append(
            Screening(
                case=case,
                indicator_set=stored,
                author=authors[case.organisation_id],
                performed_at=case.created_at + datetime.timedelta(days=1),
                treated_as_minor=case.treated_as_minor,
                act_established=result.act_established,
                present_codes=sorted(codes),
                dimensions=result.dimensions,
                outcome=result.outcome,
                rule_applied=result.rule_applied.name,
            )
        )
    Screening.objects.bulk_create(rows, batch_size=2000)


@register("dossiers fictifs", order=30)
def seed_cases(ctx: SeedContext) -> None:
    associations = list(ctx.shared.get("associations", []))
    if not associations:
        ctx.log("dossiers : aucune association de démonstration, rien à créer.")
        return
    target = NATIONAL_CASES * ctx.scale if ctx.national else DEMO_CASES
    existing = Case.objects.filter(organisation__in=associations).count()
    if existing >= target:
        ctx.log(f"dossiers : {existing} déjà présents.")
        return
    authors = {org.pk: _author_for(org) for org in associations}
    orgs = [o for o in associations if o.pk in authors]
    if not orgs:
        ctx.log("dossiers : aucune personne dans les associations, rien à créer.")
        return
    # Paris and Marseille associations carry more cases (as in reality).
    weights = [6 if o.departement in ("75", "13") else 1 for o in orgs]
    sets = {}
    for code in ("AL", "CL"):
        stored = IndicatorSetVersion.objects.filter(code=code).order_by("-loaded_at").first()
        sets[code] = (stored.to_engine(), stored)
    rng = ctx.rng
    now = timezone.now()
    remaining = target - existing
    batch = 5000
    created = 0
    while remaining > 0:
        size = min(batch, remaining)
        references = _allocate_block(now.year, size)
        with transaction.atomic():
            pairs = []
            for index, reference in enumerate(references, start=target - remaining):
                if ctx.national and index < NATIONAL_BIG_ORGANISATION_CASES * ctx.scale and associations[0] in orgs:
                    org = associations[0]
                else:
                    org = rng.choices(orgs, weights=weights, k=1)[0]
                # Demo size: full identities; national: 1 case in 20 has a full one.
                pairs.append(
                    _make_case(
                        rng,
                        org,
                        authors[org.pk],
                        reference,
                        now,
                        full_identity=not ctx.national or rng.random() < 0.05,
                    )
                )
            cases = Case.objects.bulk_create([c for c, _p in pairs], batch_size=2000)
            for case, person in pairs:
                person.case = case
            Person.objects.bulk_create([p for _c, p in pairs], batch_size=2000)
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case=c,
                        at=c.created_at,
                        actor=c.created_by,
                        kind="created",
                        summary="Dossier créé (démonstration)",
                    )
                    for c in cases
                ],
                batch_size=2000,
            )
            screened = [c for c in cases if rng.random() < (0.4 if not ctx.national else 0.1)]
            _screenings(rng, screened, sets, authors)
        created += size
        remaining -= size
    ctx.log(f"dossiers : {created} dossiers fictifs créés dans {len(orgs)} associations.")


@register("dossiers : tâches en cours (file « À traiter »)", order=31)
def seed_tasks(ctx: SeedContext) -> None:
    """Issue 10: the demo associations' « À traiter » holds case tasks, one
    overdue and one due tomorrow, through the service; done once (the first
    task marks it)."""
    from .models import Task
    from .services import add_task

    today = timezone.localdate()
    for organisation in list(ctx.shared.get("associations", []))[:6]:
        if Task.objects.filter(case__organisation=organisation).exists():
            continue
        memberships = list(
            Membership.objects.active()
            .filter(organisation=organisation, role=Role.CASE_WORKER)
            .select_related("user")
            .order_by("-is_admin", "pk")[:2]
        )
        cases = list(Case.objects.open().filter(organisation=organisation).order_by("-pk")[:2])
        if not memberships or len(cases) < 2:
            continue
        author = memberships[0].user
        assignee = memberships[-1].user
        add_task(
            case=cases[0],
            acting_user=author,
            title="Rappeler l'avocate pour le dépôt de plainte",
            due_on=today - datetime.timedelta(days=1),
            assignee=assignee,
        )
        add_task(
            case=cases[1],
            acting_user=author,
            title="Préparer le rendez-vous à la préfecture",
            due_on=today + datetime.timedelta(days=1),
            assignee=author,
        )
    ctx.log("dossiers : tâches de démonstration")


@register("délais de réflexion et titres de séjour", order=31)
def seed_law_queues(ctx: SeedContext) -> None:
    """Issue 11: the demo association's law queues are not empty — a reflection
    period proposed on reasonable grounds (Warsaw art. 10.2, 13) awaiting the
    person's answer, and a residence permit to renew (art. 14). Through the
    services, each in its own transaction."""
    from maillage.organisations.models import Organisation

    from . import services
    from .models import ReflectionOffer, ResidencePermit

    organisation = Organisation.objects.filter(slug="asso-passerelle-75").first()
    if organisation is None:
        associations = list(ctx.shared.get("associations", []))
        organisation = associations[0] if associations else None
    author = _author_for(organisation) if organisation else None
    if organisation is None or author is None:
        ctx.log("délais de réflexion : aucune association de démonstration.")
        return
    if not ReflectionOffer.objects.filter(case__organisation=organisation).exists():
        reported = (
            Case.objects.open()
            .filter(organisation=organisation, status=CaseStatus.REPORTED, treated_as_minor=False)
            .exclude(nationalities__has="FR")
            .order_by("pk")
            .first()
        )
        if reported is not None:
            services.change_status(case=reported, target=CaseStatus.PRESUMED, acting_user=author)
            ctx.log(f"délais de réflexion : proposé sur le dossier {reported.reference}.")
    if not ResidencePermit.objects.filter(case__organisation=organisation).exists():
        case = (
            Case.objects.open()
            .filter(organisation=organisation, status=CaseStatus.PRESUMED, treated_as_minor=False)
            .order_by("pk")
            .first()
        )
        if case is not None:
            today = timezone.localdate()
            services.record_residence_permit(
                case=case,
                acting_user=author,
                ground="asylum",
                start=today - datetime.timedelta(days=330),
                end=today + datetime.timedelta(days=35),
            )
            ctx.log(f"titres de séjour : un titre à renouveler sur le dossier {case.reference}.")


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF saying it is a fictional demo document (built by hand:
    no PDF library needed, byte offsets computed for a valid xref table)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text + b") Tj 0 -24 Td (Document fictif de demonstration) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _demo_png(width: int = 160, height: int = 100) -> bytes:
    """A plain grey PNG (a stand-in for a scanned page)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xd0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# (document type, file name, content type, title) — fictional and harmless.
DEMO_DOCUMENTS = [
    ("complaint", "recepisse-plainte.pdf", "application/pdf", "Recepisse de depot de plainte"),
    ("recepisse", "recepisse-delai-reflexion.pdf", "application/pdf", "Recepisse - delai de reflexion"),
    ("identity", "piece-identite-scan.png", "image/png", ""),
]


@register("dossiers : pièces jointes (chiffrées)", order=32)
def seed_documents(ctx: SeedContext) -> None:
    """Issue 16: demo cases carry uploaded documents, added through the
    service so that they are stored encrypted like real ones (backup,
    restore and key rotation then have files to work on). Done once per
    association (its first document marks it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import Document
    from .services import add_document

    added = 0
    for organisation in list(ctx.shared.get("associations", []))[:4]:
        if Document.objects.filter(case__organisation=organisation).exists():
            continue
        author = _author_for(organisation)
        cases = list(Case.objects.open().filter(organisation=organisation).order_by("pk")[:2])
        for case in cases:
            for doc_type, name, content_type, title in DEMO_DOCUMENTS:
                content = _demo_pdf(title) if content_type == "application/pdf" else _demo_png()
                add_document(
                    case=case,
                    acting_user=author,
                    doc_type=doc_type,
                    upload=SimpleUploadedFile(name, content, content_type=content_type),
                )
                added += 1
    ctx.log(f"dossiers : {added} pièces jointes de démonstration (chiffrées).")
