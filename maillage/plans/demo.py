"""Demo plans (seed_demo, order 40).

1. A plan modelled on the first national action plan 2014–2016 (rules.md §4.1):
   its three priorities and the verified measures under their real titles
   (M1–M7, M10; protection of child victims, the CNCDH as national rapporteur
   and the victims' fund are verified themes whose measure number is not);
   every other measure is marked « mesure illustrative ». The allocation of
   measures to ministries is not verified either [M]: leads are plausible, not
   historical. A closed consultation with positions, comments and amendments
   from several (fictional) associations and the coordination's answers, then
   adoption and implementation updates.
2. A second plan in draft with an open consultation.
3. With `--size national` only: a benchmark-size plan (100 measures in 5 axes,
   a closed round with 2,000 contributions from up to 10 associations, 100
   indicators with 300 validated values), in implementation and adopted last,
   so that it is the one /plan/ shows. Built in bulk (`build_bulk_plan`, also
   used by bench/bench_plans.py when the database was not seeded at that size).

Idempotent: a plan already present (same title) is left untouched.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from maillage.demo.registry import SeedContext, register
from maillage.organisations.demo import ensure_demo_user
from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.models import Membership, Organisation

from . import selectors, services
from .enums import Completion, Decision, Health, PlanStatus, Recommendation
from .models import (
    Amendment,
    Comment,
    ConsultationRound,
    Indicator,
    Measure,
    Measurement,
    MeasureStatus,
    Plan,
    PlanVersion,
    Position,
    Priority,
)

NATIONAL_PLAN_TITLE = "Plan national – volume national (données de test de charge)"
BULK_MEASURES = 100
BULK_PRIORITIES = 5
BULK_ORGS = 10  # at most: 10 organisations × 100 measures = 1,000 positions
BULK_CONTRIBUTIONS = 2000  # positions + comments + amendments (comments fill up to it)
BULK_AMENDMENTS = 400

FIRST_PLAN_TITLE = "Plan d'action national contre la traite des êtres humains 2014–2016 (modèle de démonstration)"
DRAFT_PLAN_TITLE = "Projet de plan national de lutte contre l'exploitation et la traite 2027–2030 (démonstration)"

PRIORITIES_2014 = [
    (1, "Identifier et accompagner les victimes de la traite"),
    (2, "Poursuivre et démanteler les réseaux de la traite"),
    (3, "Faire de la lutte contre la traite une politique publique à part entière"),
]

# (number, priority, title, illustrative, lead slug, description)
MEASURES_2014 = [
    (
        1,
        1,
        "Aller au-devant des victimes et favoriser l'accès aux droits",
        False,
        "min-solidarites",
        "Mesure vérifiée (rules.md §4.1).",
    ),
    (
        2,
        1,
        "Former les professionnels à l'identification et à la protection",
        False,
        "miprof",
        "Mesure vérifiée (rules.md §4.1).",
    ),
    (3, 1, "Informer et sensibiliser le grand public", False, "miprof", "Mesure vérifiée (rules.md §4.1)."),
    (4, 1, "Sensibiliser les publics à risque", False, "min-solidarites", "Mesure vérifiée (rules.md §4.1)."),
    (
        5,
        1,
        "Accès au séjour et à la résidence même sans coopération",
        False,
        "min-interieur",
        "Mesure vérifiée (rules.md §4.1).",
    ),
    (6, 1, "Domiciliation administrative", False, "min-solidarites", "Mesure vérifiée (rules.md §4.1)."),
    (
        7,
        1,
        "Augmenter et adapter les solutions d'hébergement",
        False,
        "min-solidarites",
        "Mesure vérifiée (rules.md §4.1).",
    ),
    (
        8,
        1,
        "Protection inconditionnelle des mineurs victimes",
        False,
        "min-justice",
        "Thème vérifié sous la priorité 1 ; le numéro de la mesure ne l'est pas.",
    ),
    (
        9,
        1,
        "Mesure illustrative – accompagnement vers l'insertion professionnelle",
        True,
        "min-travail",
        "Mesure illustrative : ne reproduit pas le plan de 2014.",
    ),
    (
        10,
        1,
        "Plate-forme européenne d'identification des mineurs victimes",
        False,
        "min-affaires-etrangeres",
        "Suivre les enfants qui circulent dans l'espace Schengen (audition au Sénat).",
    ),
    (11, 2, "Mesure illustrative – renforcer les enquêtes patrimoniales", True, "ocrteh", "Mesure illustrative."),
    (
        12,
        2,
        "Mesure illustrative – coopération judiciaire avec les pays d'origine",
        True,
        "min-justice",
        "Mesure illustrative.",
    ),
    (
        13,
        2,
        "Mesure illustrative – lutter contre l'exploitation par le travail",
        True,
        "min-travail",
        "Mesure illustrative.",
    ),
    (14, 2, "Mesure illustrative – spécialiser des magistrats référents", True, "min-justice", "Mesure illustrative."),
    (15, 2, "Mesure illustrative – saisir les avoirs criminels", True, "ocrteh", "Mesure illustrative."),
    (
        16,
        2,
        "Mesure illustrative – lutter contre la contrainte à commettre des délits",
        True,
        "min-interieur",
        "Mesure illustrative.",
    ),
    (17, 2, "Mesure illustrative – surveiller les annonces en ligne", True, "ocrteh", "Mesure illustrative."),
    (
        18,
        3,
        "Désigner la CNCDH comme rapporteur national indépendant",
        False,
        "cncdh",
        "Fait vérifié (rules.md §4.1) ; le numéro de la mesure ne l'est pas.",
    ),
    (
        19,
        3,
        "Fonds pour les victimes de la traite et l'insertion des personnes prostituées",
        False,
        "min-solidarites",
        "Fait vérifié (rules.md §4.1) ; le numéro de la mesure ne l'est pas.",
    ),
    (
        20,
        3,
        "Mesure illustrative – coordination nationale par la MIPROF",
        True,
        "miprof",
        "Mesure illustrative (la coordination par la MIPROF est, elle, vérifiée).",
    ),
    (21, 3, "Mesure illustrative – améliorer la connaissance statistique", True, "miprof", "Mesure illustrative."),
    (22, 3, "Mesure illustrative – associer la société civile au suivi", True, "miprof", "Mesure illustrative."),
    (
        23,
        3,
        "Mesure illustrative – coopération européenne et internationale",
        True,
        "min-affaires-etrangeres",
        "Mesure illustrative.",
    ),
]


def _aware(d: date, hour=9) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour))


def _contributors(ctx: SeedContext):
    """Members of four associations (two get a demo account here)."""
    associations = ctx.shared["associations"]
    picks = [associations[0], associations[5], associations[9], associations[13]]
    users = []
    for index, org in enumerate(picks):
        member = Membership.objects.active().filter(organisation=org).order_by("pk").first()
        if member is not None:
            user = member.user
        else:
            user = ensure_demo_user(
                ctx,
                email=f"plan.contributeur{index}@demo.maillage.fr",
                first_name=["Maëlle", "Rachid"][index % 2],
                last_name=["Vasseur", "Toumi"][index % 2],
                organisation=org,
                role=Role.MEMBER,
            )
        users.append((org, user))
    return users


def _coordinator(ctx: SeedContext):
    return (
        Membership.objects.active()
        .filter(organisation=ctx.shared["organisations"]["miprof"], role=Role.COORDINATOR)
        .first()
        .user
    )


def _first_plan(ctx: SeedContext, coordinator, contributors) -> None:
    orgs = ctx.shared["organisations"]
    plan = services.create_plan(
        title=FIRST_PLAN_TITLE, period_start=date(2014, 1, 1), period_end=date(2016, 12, 31), acting_user=coordinator
    )
    priorities = {
        n: services.add_priority(plan=plan, number=n, title=t, acting_user=coordinator) for n, t in PRIORITIES_2014
    }
    measures = {}
    for number, prio, title, illustrative, lead, description in MEASURES_2014:
        measures[number] = services.save_measure(
            plan=plan,
            priority=priorities[prio],
            number=number,
            title=title,
            description=description,
            is_illustrative=illustrative,
            lead=orgs.get(lead),
            deadline=date(2016, 12, 31),
            partners=[contributors[0][0]] if number in (1, 7) else [],
            acting_user=coordinator,
        )
    services.freeze_version(plan=plan, changelog="Projet soumis au collectif", acting_user=coordinator)
    now = timezone.now()
    round_ = services.open_round(
        plan=plan,
        title="Consultation du collectif associatif sur le projet de plan",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        invited=[o for o, _u in contributors],
        acting_user=coordinator,
    )
    values = ["agree", "mixed", "disagree", "agree"]
    for i, (org, user) in enumerate(contributors):
        for number in (1, 2, 5, 7, 10):
            services.submit_position(
                round=round_,
                measure=measures[number],
                value=values[(i + number) % 4],
                argument="Position de démonstration.",
                acting_user=user,
                organisation=org,
            )
    org0, user0 = contributors[0]
    org1, user1 = contributors[1]
    c = services.add_comment(
        round=round_,
        measure=measures[7],
        body="Les places d'hébergement sécurisé manquent hors Île-de-France.",
        stance="in_favour",
        acting_user=user0,
        organisation=org0,
    )
    services.add_comment(
        round=round_,
        measure=measures[7],
        body="Prévoir aussi des places pour les hommes victimes d'exploitation par le travail.",
        stance="neutral",
        parent=c,
        acting_user=user1,
        organisation=org1,
    )
    services.add_comment(
        round=round_,
        measure=measures[5],
        body="Sans coopération, l'accès au séjour reste trop aléatoire selon les préfectures.",
        stance="against",
        acting_user=user1,
        organisation=org1,
    )
    a1 = services.propose_amendment(
        round=round_,
        measure=measures[5],
        version=round_.version,
        field="title",
        proposed_text="Accès au séjour et à la résidence des victimes, même sans coopération avec les autorités",
        rationale="Préciser le bénéficiaire de la mesure.",
        sources="Convention de Varsovie, art. 14",
        acting_user=user0,
        organisation=org0,
    )
    a2 = services.propose_amendment(
        round=round_,
        measure=measures[2],
        version=round_.version,
        field="description",
        proposed_text=(
            "Former les professionnels, y compris les associations de terrain, à l'identification et à la protection."
        ),
        rationale="Les associations identifient une grande part des victimes.",
        acting_user=user1,
        organisation=org1,
    )
    services.answer_amendment(
        amendment=a1,
        recommendation=Recommendation.ACCEPT,
        decision=Decision.ACCEPTED,
        answer="Retenu : la rédaction est plus précise.",
        acting_user=coordinator,
    )
    services.answer_amendment(
        amendment=a2,
        recommendation=Recommendation.ACCEPT_PARTIALLY,
        decision=Decision.PARTIALLY_ACCEPTED,
        answer="Les associations sont associées aux formations, sans que la mesure les vise nommément.",
        acting_user=coordinator,
    )
    services.add_internal_note(
        round=round_,
        body="Arbitrage interministériel à prévoir sur la mesure 5.",
        measure=measures[5],
        acting_user=coordinator,
    )
    services.record_hearing(
        round=round_,
        organisation=org0,
        date=date(2014, 3, 20),
        participants="Deux représentantes de l'association ; la coordination",
        summary="Le collectif a été entendu sur l'hébergement et l'accès au séjour.",
        acting_user=coordinator,
    )
    # The round took place in spring 2014.
    type(round_).objects.filter(pk=round_.pk).update(
        opens_at=_aware(date(2014, 3, 1)), closes_at=_aware(date(2014, 4, 1))
    )
    services.transition_plan(plan=plan, to=PlanStatus.DRAFT, acting_user=coordinator)
    m5 = measures[5]
    services.save_measure(
        plan=plan,
        measure=m5,
        priority=m5.priority,
        number=5,
        title=a1.proposed_text,
        description=m5.description,
        lead=m5.lead,
        deadline=m5.deadline,
        acting_user=coordinator,
    )
    services.freeze_version(
        plan=plan, changelog="Amendements retenus après consultation (mesure 5).", acting_user=coordinator
    )
    services.transition_plan(plan=plan, to=PlanStatus.CONSULTATION, acting_user=coordinator)
    services.transition_plan(
        plan=plan,
        to=PlanStatus.ADOPTED,
        changelog="Plan présenté en Conseil des ministres le 14 mai 2014.",
        acting_user=coordinator,
    )
    Plan.objects.filter(pk=plan.pk).update(adopted_at=_aware(date(2014, 5, 14)))
    services.transition_plan(plan=plan, to=PlanStatus.IN_IMPLEMENTATION, acting_user=coordinator)
    # Implementation updates: reports from responsible bodies where they have a member, the rest imported.
    statuses = {s.code: s for s in MeasureStatus.objects.all()}
    rows = []
    for number, measure in measures.items():
        progress = (number * 37) % 101
        status = (
            statuses["realisee"]
            if progress == 100
            else statuses["bien-avancee"]
            if progress >= 70
            else statuses["engagee"]
            if progress
            else statuses["a-lancer"]
        )
        health = Health.ON_TRACK if progress >= 50 else Health.AT_RISK if progress >= 20 else Health.OFF_TRACK
        completion = (
            Completion.COMPLETE
            if progress == 100
            else Completion.SUBSTANTIAL
            if progress >= 60
            else Completion.LIMITED
            if progress
            else Completion.NOT_STARTED
        )
        reporter = (
            Membership.objects.active().filter(organisation_id=measure.lead_id).exclude(role=Role.COORDINATOR).first()
            if measure.lead_id
            else None
        )
        if reporter is not None:
            report = services.submit_progress_report(
                measure=measure,
                status=status,
                progress=progress,
                health=health,
                completion=completion,
                comment="Compte rendu de démonstration.",
                acting_user=reporter.user,
            )
            services.validate_progress_report(report=report, acting_user=coordinator)
        else:
            rows.append(
                {"number": number, "status": status, "progress": progress, "health": health, "completion": completion}
            )
    services.apply_progress_rows(plan=plan, rows=rows, acting_user=coordinator)
    indicator = Indicator.objects.create(
        measure=measures[2],
        name="Professionnels formés à l'identification (illustratif)",
        unit="personnes",
        baseline_value=0,
        baseline_date=date(2014, 1, 1),
        target_value=5000,
        target_date=date(2016, 12, 31),
        source="Chiffres de démonstration",
        method="Somme des attestations de formation",
    )
    for year, value in ((2014, 800), (2015, 2100)):
        Measurement.objects.create(
            indicator=indicator,
            value=value,
            date=date(year, 12, 31),
            entered_by=coordinator,
            validated_by=coordinator,
            validated_at=timezone.now(),
        )
    Measurement.objects.create(
        indicator=indicator, value=3300, date=date(2016, 6, 30), departement="75", entered_by=coordinator
    )


def _draft_plan(ctx: SeedContext, coordinator, contributors) -> None:
    plan = services.create_plan(
        title=DRAFT_PLAN_TITLE, period_start=date(2027, 1, 1), period_end=date(2030, 12, 31), acting_user=coordinator
    )
    p1 = services.add_priority(
        plan=plan, number=1, title="Prévenir et identifier (illustratif)", acting_user=coordinator
    )
    p2 = services.add_priority(
        plan=plan, number=2, title="Protéger et accompagner (illustratif)", acting_user=coordinator
    )
    for number, prio, title in (
        (1, p1, "Mesure illustrative – repérage en ligne"),
        (2, p1, "Mesure illustrative – formation continue"),
        (3, p2, "Mesure illustrative – hébergement sécurisé"),
        (4, p2, "Mesure illustrative – accès aux soins"),
    ):
        services.save_measure(
            plan=plan,
            priority=prio,
            number=number,
            title=title,
            description="Mesure illustrative du projet de démonstration.",
            is_illustrative=True,
            acting_user=coordinator,
        )
    services.freeze_version(plan=plan, changelog="Premier projet", acting_user=coordinator)
    now = timezone.now()
    round_ = services.open_round(
        plan=plan,
        title="Consultation ouverte sur le projet de plan 2027–2030",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=30),
        invited=ctx.shared["associations"],
        disabled={p2.pk: {"amendments"}},
        acting_user=coordinator,
    )
    org, user = contributors[0]
    services.submit_position(
        round=round_,
        measure=plan.measures.get(number=1),
        value="agree",
        argument="Priorité pour notre réseau.",
        acting_user=user,
        organisation=org,
    )


def build_bulk_plan(
    *, title: str, coordination, coordinator, orgs, authors, adopted_at=None
) -> tuple[Plan, ConsultationRound]:
    """A plan of 100 measures whose closed round received 2,000 contributions,
    with 100 indicators and 300 validated values, in implementation. Bulk
    inserts (no services, no audit, no notification), consistent with every
    check constraint. `orgs` and `authors` are parallel lists (author i is a
    member of organisation i)."""
    now = timezone.now()
    n_orgs = len(orgs)
    if not 1 <= n_orgs <= BULK_ORGS:
        raise ValueError(f"build_bulk_plan needs 1 to {BULK_ORGS} organisations")
    plan = Plan.objects.create(
        title=title, period_start=date(2027, 1, 1), period_end=date(2030, 12, 31), coordination=coordination
    )
    priorities = Priority.objects.bulk_create(
        [Priority(plan=plan, number=n + 1, title=f"Axe {n + 1} (volume national)") for n in range(BULK_PRIORITIES)]
    )
    Measure.objects.bulk_create(
        [
            Measure(
                plan=plan,
                priority=priorities[n % BULK_PRIORITIES],
                number=n + 1,
                title=f"Mesure de volume n° {n + 1}",
                description="Texte de la mesure. " * 20,
                lead=orgs[n % n_orgs],
                progress=n % 101,
                progress_updated_at=now,
            )
            for n in range(BULK_MEASURES)
        ]
    )
    measures = list(plan.measures.order_by("number"))
    version = PlanVersion.objects.create(
        plan=plan, number=1, changelog="Version consultée", snapshot=services.snapshot_of(plan), created_by=coordinator
    )
    round_ = ConsultationRound.objects.create(
        plan=plan,
        version=version,
        title="Consultation (volume national)",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        created_by=coordinator,
    )
    round_.invited.set(orgs)
    Position.objects.bulk_create(
        [
            Position(
                round=round_,
                organisation=orgs[o],
                measure=m,
                value=("agree", "mixed", "disagree")[(o + m.number) % 3],
                argument="Argument " * 10,
                author=authors[o],
            )
            for o in range(n_orgs)
            for m in measures
        ]
    )
    Comment.objects.bulk_create(
        [
            Comment(
                round=round_,
                measure=measures[i % BULK_MEASURES],
                organisation=orgs[i % n_orgs],
                author=authors[i % n_orgs],
                stance="neutral",
                body="Commentaire " * 15,
            )
            for i in range(BULK_CONTRIBUTIONS - BULK_AMENDMENTS - n_orgs * BULK_MEASURES)
        ]
    )
    Amendment.objects.bulk_create(
        [
            Amendment(
                round=round_,
                version=version,
                measure=measures[i % BULK_MEASURES],
                organisation=orgs[i % n_orgs],
                author=authors[i % n_orgs],
                field="title",
                proposed_text="Rédaction " * 12,
                rationale="Motif " * 12,
                decision="rejected",
                answer="Réponse " * 8,
            )
            for i in range(BULK_AMENDMENTS)
        ]
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(measure=m, name=f"Indicateur {m.number}", unit="nombre", baseline_value=10, target_value=100)
            for m in measures
        ]
    )
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator=ind,
                value=j * 10,
                date=date(2027 + j, 1, 1),
                entered_by=coordinator,
                validated_by=coordinator,
                validated_at=now,
            )
            for ind in indicators
            for j in range(3)
        ]
    )
    Plan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.IN_IMPLEMENTATION, adopted_version=version, adopted_at=adopted_at or now
    )
    plan.refresh_from_db()
    return plan, round_


def _national_plan(ctx: SeedContext, coordinator) -> None:
    memberships = (
        Membership.objects.active()
        .filter(organisation__type=OrganisationType.ASSOCIATION, organisation__is_active=True)
        .select_related("organisation", "user")
        .order_by("organisation_id", "pk")
    )
    orgs, authors, seen = [], [], set()
    for membership in memberships.iterator():
        if membership.organisation_id in seen:
            continue
        seen.add(membership.organisation_id)
        orgs.append(membership.organisation)
        authors.append(membership.user)
        if len(orgs) == BULK_ORGS:
            break
    if not orgs:
        ctx.log("  plans: no association with a member, national plan skipped")
        return
    coordination = (
        selectors.coordination_of(coordinator)
        or Organisation.objects.filter(type=OrganisationType.COORDINATION).first()
    )
    # Adopted after the demo plans: it is the plan /plan/ shows in a national-size database.
    build_bulk_plan(
        title=NATIONAL_PLAN_TITLE, coordination=coordination, coordinator=coordinator, orgs=orgs, authors=authors
    )
    ctx.log(f"  plans: national plan, {BULK_MEASURES} measures, 2,000 contributions (bulk)")


@register("plans", order=40)
def seed_plans(ctx: SeedContext) -> None:
    coordinator = _coordinator(ctx)
    # Each service call is its own transaction (service entry points are
    # durable: a seeder cannot wrap them in one); a plan, created first, marks
    # its part as done.
    contributors = _contributors(ctx)
    if not Plan.objects.filter(title=FIRST_PLAN_TITLE).exists():
        _first_plan(ctx, coordinator, contributors)
    if not Plan.objects.filter(title=DRAFT_PLAN_TITLE).exists():
        _draft_plan(ctx, coordinator, contributors)
    if ctx.national and not Plan.objects.filter(title=NATIONAL_PLAN_TITLE).exists():
        with transaction.atomic():
            _national_plan(ctx, coordinator)
    ctx.log(f"  {Plan.objects.count()} plans, {Measure.objects.count()} mesures")
