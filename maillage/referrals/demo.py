"""Fictional demo referrals and pathways (seed_demo, order 35, after cases).

Demo size: referrals in every state from Passerelle Paris (to CRIP 93, the
Tilleuls shelter, Escale Marseille, the Paris prosecutor), an Ac.Sé
placement hosted in a partner shelter, minors' chains with steps on time and
overdue, a few international exchanges, an anonymous notification.
`--size national` adds 150,000 referrals with bulk_create (no services, no
notifications: the benchmark needs volume, not e-mails).
Idempotent: each part checks whether it already ran.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from maillage.cases import bulk as case_bulk
from maillage.cases.enums import AccessReason
from maillage.cases.models import Case
from maillage.demo.registry import SeedContext, register
from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.models import Membership, Organisation

from . import pathways, services, workflow
from .enums import AcseStatus, AcseUrgency, ConsentBasis, ConsentMethod, DeclineReason, ReferralKind, ReferralStatus
from .models import AcsePlacement, InternationalExchange, MinorStep, Referral

NATIONAL_REFERRALS = 150_000
SERVICES = [
    "secure_accommodation",
    "emergency_accommodation",
    "psychological_support",
    "legal_aid",
    "medical_care",
    "social_support",
    "residence_procedures",
    "interpretation",
]
CONSENT = {
    "consent_basis": ConsentBasis.CONSENT,
    "consent_on": datetime.date(2026, 1, 5),
    "consent_method": ConsentMethod.ORAL_INTERPRETER,
    "consent_scope": "Orientation vers la structure, besoins et faits partagés",
}


def _worker(organisation, *, admin: bool | None = None):
    qs = (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.CASE_WORKER)
        .select_related("user")
        .order_by("-is_admin", "pk")
    )
    if admin is not None:
        qs = qs.filter(is_admin=admin)
    membership = qs.first()
    return membership.user if membership else None


@register("referrals", order=35)
def seed(ctx: SeedContext) -> None:
    orgs = {
        o.slug: o
        for o in Organisation.objects.filter(
            slug__in=[
                "asso-passerelle-75",
                "crip-93",
                "chrs-les-tilleuls-33",
                "asso-escale-13",
                "parquet-paris",
                "acse-coordination",
                "naptip-nigeria",
                "anitp-roumanie",
            ]
        )
    }
    passerelle = orgs.get("asso-passerelle-75")
    sender = _worker(passerelle) if passerelle else None
    if passerelle is None or sender is None:
        ctx.log("referrals: demo organisations missing, skipped")
        return
    if not Referral.objects.filter(sender_organisation=passerelle).exists():
        _seed_referrals(ctx, orgs, passerelle, sender)
    if not AcsePlacement.objects.exists():
        _seed_acse(ctx, orgs, passerelle, sender)
    if not MinorStep.objects.filter(case__organisation=passerelle).exists():
        _seed_minors(ctx, passerelle, sender)
    if not MinorStep.objects.filter(kind="crip_evaluation").exists():
        _seed_minor_transmissions(ctx, orgs, passerelle, sender)
    if not InternationalExchange.objects.exists():
        _seed_exchanges(ctx, orgs, passerelle, sender)
    if not InternationalExchange.objects.filter(direction="incoming").exists():
        _seed_incoming_exchanges(ctx, orgs, passerelle, sender)
    if ctx.national:
        _seed_national(ctx)


def _cases(passerelle, *, minor: bool, count: int, skip: int = 0):
    return list(
        Case.objects.open().filter(organisation=passerelle, treated_as_minor=minor).order_by("pk")[skip : skip + count]
    )


def _seed_referrals(ctx, orgs, passerelle, sender) -> None:
    adults = _cases(passerelle, minor=False, count=12)
    minors = _cases(passerelle, minor=True, count=2)
    targets = [o for o in (orgs.get("chrs-les-tilleuls-33"), orgs.get("asso-escale-13")) if o]
    if not adults or not targets:
        return
    created = 0
    plan = [
        (ReferralStatus.DRAFT, "legal_aid"),
        (ReferralStatus.SENT, "secure_accommodation"),
        ("overdue", "psychological_support"),
        (ReferralStatus.ACCEPTED, "secure_accommodation"),
        (ReferralStatus.DECLINED, "emergency_accommodation"),
        (ReferralStatus.WITHDRAWN, "legal_aid"),
        (ReferralStatus.EXPIRED, "social_support"),
        (ReferralStatus.COMPLETED, "psychological_support"),
    ]
    for i, (state, service) in enumerate(plan):
        if i >= len(adults):
            break
        recipient = targets[i % len(targets)]
        worker = _worker(recipient)
        if worker is None:
            continue
        referral = services.create_referral(
            case=adults[i],
            organisation=passerelle,
            acting_user=sender,
            recipient=recipient,
            service=service,
            shared_parts=["facts", "notes_shareable"],
            send=state != ReferralStatus.DRAFT,
            **CONSENT,
        )
        if state in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
            referral = services.accept_referral(referral=referral, organisation=recipient, acting_user=worker)
        if state == ReferralStatus.COMPLETED:
            services.complete_referral(referral=referral, organisation=recipient, acting_user=worker)
        if state == ReferralStatus.DECLINED:
            services.decline_referral(
                referral=referral, organisation=recipient, acting_user=worker, reason=DeclineReason.NO_CAPACITY
            )
        if state == ReferralStatus.WITHDRAWN:
            services.withdraw_referral(referral=referral, organisation=passerelle, acting_user=sender)
        if state in ("overdue", ReferralStatus.EXPIRED):
            past = timezone.now() - datetime.timedelta(days=12)
            Referral.objects.filter(pk=referral.pk).update(
                sent_at=past, answer_due_at=past + datetime.timedelta(days=10)
            )
        if state == ReferralStatus.EXPIRED:
            services.expire_and_remind()
        created += 1
    # A transfer, and a minor referred to the CRIP without consent (R-CHILD-CRIP).
    if len(adults) > 9 and targets:
        services.create_referral(
            case=adults[9],
            organisation=passerelle,
            acting_user=sender,
            recipient=targets[0],
            service="social_support",
            kind=ReferralKind.TRANSFER,
            shared_parts=["identity", "facts"],
            send=True,
            **CONSENT,
        )
        created += 1
    crip = orgs.get("crip-93")
    if crip and minors:
        services.create_referral(
            case=minors[0],
            organisation=passerelle,
            acting_user=sender,
            recipient=crip,
            service="social_support",
            shared_parts=["facts", "screening"],
            consent_basis=ConsentBasis.MINOR_CHILD_PROTECTION,
            send=True,
        )
        created += 1
    services.record_anonymous_notification(
        organisation=passerelle,
        acting_user=sender,
        reason="refused_referral",
        sex="F",
        age_band="25-34",
        nationality="NG",
        exploitation_forms=["PROX"],
        exploitation_departement="75",
    )
    ctx.log(f"referrals: {created} demo referrals, 1 anonymous notification")


def _seed_acse(ctx, orgs, passerelle, sender) -> None:
    """Every Ac.Sé queue has something waiting (issue 10): a request the
    coordination must assess and place, an arrival announced to the demo
    shelter (the association's request at « Place trouvée », issue 16), and a
    person already hosted."""
    from maillage.directory import services as directory_services

    coordination, host = orgs.get("acse-coordination"), orgs.get("chrs-les-tilleuls-33")
    coordinator_worker, host_worker = (
        (_worker(coordination) if coordination else None),
        (_worker(host) if host else None),
    )
    adults = _cases(passerelle, minor=False, count=3, skip=12)
    if not (coordination and host and coordinator_worker and host_worker and len(adults) == 3):
        return
    # The shelter declares its free places in the directory, as it would.
    directory_services.update_profile(organisation=host, data={"capacity_places": 4}, acting_user=host_worker)
    requests = [
        (
            adults[0],
            AcseUrgency.DAYS,
            "Exploitée dans la prostitution en Seine-Saint-Denis, suivie depuis janvier (fictif).",
            "Menaces répétées du réseau, qui la recherche dans le département (fictif).",
        ),
        (
            adults[1],
            AcseUrgency.DAYS,
            "Servitude domestique chez un particulier à Paris ; a quitté le domicile avec notre aide (fictif).",
            "L'employeur et sa famille la cherchent dans le quartier et à la gare (fictif).",
        ),
        (
            adults[2],
            AcseUrgency.IMMEDIATE,
            "Exploitée sur un chantier, a porté plainte hier ; hébergée une nuit à l'hôtel (fictif).",
            "Menaces de mort des recruteurs depuis la plainte, qui connaissent son hôtel (fictif).",
        ),
    ]
    placements = []
    for case, urgency, situation, danger in requests:
        placements.append(
            pathways.request_acse(
                case=case,
                organisation=passerelle,
                acting_user=sender,
                consent_on=datetime.date(2026, 1, 10),
                consent_method=ConsentMethod.WRITTEN,
                danger_departements=["93"],
                situation=situation,
                danger_reason=danger,
                urgency=urgency,
                urgency_note="Ne peut pas rester où elle est plus de quelques jours (fictif)."
                if urgency != AcseUrgency.IMMEDIATE
                else "Doit quitter l'hôtel ce soir (fictif).",
                coordination=coordination,
                shared_parts=["identity", "facts"],
            )
        )
    assessment = "Danger local avéré, éloignement nécessaire (fictif)."
    hosted, announced, _waiting = placements
    for placement in (hosted, announced):
        pathways.place_acse(
            placement=placement,
            organisation=coordination,
            acting_user=coordinator_worker,
            host=host,
            assessment=assessment,
        )
    pathways.advance_acse(placement=hosted, organisation=host, acting_user=host_worker, target=AcseStatus.HOSTED)
    ctx.log("referrals: 3 Ac.Sé requests (1 to place, 1 arrival announced, 1 hosted)")


def _seed_minors(ctx, passerelle, sender) -> None:
    minors = _cases(passerelle, minor=True, count=3)
    now = timezone.now()
    for i, case in enumerate(minors):
        start = now - datetime.timedelta(days=3) if i == 0 else now  # the first one has overdue steps
        steps = pathways.start_minor_chain(case=case, unaccompanied=i != 1, now=start)
        if i == 2:
            for step, recipient in zip(steps[:2], ("Parquet de Paris", "CRIP de Paris"), strict=True):
                pathways.complete_step(
                    step=step,
                    organisation=passerelle,
                    acting_user=sender,
                    done_on=timezone.localdate(),
                    recipient_name=recipient,
                    channel="email",
                    reference="Courriel du jour",
                )
    ctx.log(f"referrals: minors' chains on {len(minors)} cases (one overdue)")


def _seed_minor_transmissions(ctx, orgs, passerelle, sender) -> None:
    """Journey (a), issue 10.2: a girl found in Seine-Saint-Denis, followed by
    Passerelle Paris, whose information préoccupante reached the CRIP 93 and
    whose report reached the Parquet de Paris (the département where she is
    cared for) through Maillage: one item waits in each of their queues."""
    from maillage.cases import services as case_services
    from maillage.cases.enums import AgeStatus

    crip, parquet = orgs.get("crip-93"), orgs.get("parquet-paris")
    if not (crip and parquet):
        return
    today = timezone.localdate()
    case = case_services.create_case(
        organisation=passerelle,
        acting_user=sender,
        facts={
            "age_status": AgeStatus.DECLARED_MINOR_UNVERIFIED,
            "sex": "F",
            "birth_year": today.year - 15,
            "nationalities": ["NG"],
            "languages": ["en"],
            "exploitation_forms": ["PROX"],
            "exploitation_country": "FR",
            "exploitation_departement": "93",
            "cross_border": "cross_border",
        },
        identity={"last_name": "Demo", "first_name": "Joy", "birth_date": f"{today.year - 15}-03-14"},
        confirm_duplicate=True,
    )
    steps = {s.kind: s for s in MinorStep.objects.filter(case=case)}
    for kind, recipient, note in (
        ("ip_crip", crip, "Repérée par notre maraude à Saint-Denis, hébergée en urgence à Paris (fictif)."),
        (
            "signalement_parquet",
            parquet,
            "Indices de proxénétisme sur mineure ; signalement au titre de l'art. 40 CPP.",
        ),
    ):
        pathways.complete_step(
            step=steps[kind],
            organisation=passerelle,
            acting_user=sender,
            done_on=today,
            recipient=recipient,
            channel="maillage",
            note=note,
            grave_danger=kind == "signalement_parquet",
        )
    ctx.log(f"referrals: {case.reference} (93) transmitted to the CRIP 93 and the Parquet de Paris")


def _seed_exchanges(ctx, orgs, passerelle, sender) -> None:
    naptip, anitp = orgs.get("naptip-nigeria"), orgs.get("anitp-roumanie")
    adults = _cases(passerelle, minor=False, count=2, skip=13)
    if not (naptip and anitp and len(adults) == 2):
        return
    pathways.record_exchange(
        case=adults[0],
        organisation=passerelle,
        acting_user=sender,
        counterpart=naptip,
        purpose="rights_34_4",
        channel="consulate",
        legal_basis="Convention de Varsovie art. 34.4",
        shared_parts=["facts"],
        conditions="Usage limité à l'instruction du titre de séjour",
    )
    pathways.record_exchange(
        case=adults[1],
        organisation=passerelle,
        acting_user=sender,
        counterpart=anitp,
        purpose="danger_33_1",
        channel="interpol",
        legal_basis="Convention de Varsovie art. 33.1",
        shared_parts=["identity", "facts"],
        # Art. 34.3: an identity leaves only with its conditions of use (issue 11).
        use_conditions=["purpose_only", "no_onward"],
    )
    ctx.log("referrals: 2 international exchanges (one urgent)")


def _seed_incoming_exchanges(ctx, orgs, passerelle, sender) -> None:
    """Issue 11 (arts 33, 34.4): a request from abroad to answer today and an
    urgent missing-child alert, waiting in the association's queue."""
    naptip, anitp = orgs.get("naptip-nigeria"), orgs.get("anitp-roumanie")
    liaison = Organisation.objects.filter(slug="ocrteh").first()
    adults = _cases(passerelle, minor=False, count=1, skip=15)
    minors = _cases(passerelle, minor=True, count=1, skip=4)
    if not (naptip and anitp and adults):
        return
    pathways.record_incoming_exchange(
        case=adults[0],
        organisation=passerelle,
        acting_user=sender,
        counterpart=naptip,
        purpose="rights_34_4",
        channel="consulate",
        summary="Demande d'information sur le délai de réflexion et le titre de séjour (arts 13 et 14).",
    )
    if minors and liaison is not None:
        pathways.record_incoming_exchange(
            case=minors[0],
            organisation=passerelle,
            acting_user=sender,
            counterpart=anitp,
            purpose="missing_child_33_2",
            channel="interpol",
            summary="Signalement de disparition d'un enfant : recherche en cours en Roumanie.",
            liaison=liaison,
        )
    ctx.log("referrals: requests received from abroad (one urgent)")


def _seed_national(ctx) -> None:
    """150,000 referrals between the national-size organisations, with
    bulk_create: consistent with every check constraint, no notification."""
    target = NATIONAL_REFERRALS * ctx.scale
    existing = Referral.objects.count()
    if existing >= target:
        return
    last_pk = Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = ctx.rng
    case_rows = list(Case.objects.values_list("pk", "organisation_id").order_by("pk")[: 60_000 * ctx.scale])
    org_ids = list(
        Organisation.objects.filter(is_active=True)
        .exclude(type__in=[OrganisationType.COORDINATION, OrganisationType.FOREIGN_COUNTERPART])
        .values_list("pk", flat=True)
    )
    users = dict(Membership.objects.active().filter(role=Role.CASE_WORKER).values_list("organisation_id", "user_id"))
    fallback_user = next(iter(users.values()), None)
    if not case_rows or len(org_ids) < 2 or fallback_user is None:
        return
    # The benchmark's inbox: the organisation with the demo account receives a big share.
    crip = Organisation.objects.filter(slug="crip-93").values_list("pk", flat=True).first()
    now = timezone.now()
    statuses = [
        (ReferralStatus.SENT, 20),
        (ReferralStatus.ACCEPTED, 30),
        (ReferralStatus.DECLINED, 15),
        (ReferralStatus.WITHDRAWN, 5),
        (ReferralStatus.EXPIRED, 10),
        (ReferralStatus.COMPLETED, 20),
    ]
    population = [s for s, w in statuses for _ in range(w)]
    batch, total = [], existing
    while total < target:
        case_id, owner = rng.choice(case_rows)
        recipient = crip if crip and rng.random() < 0.05 else rng.choice(org_ids)
        if recipient == owner:
            continue
        status = rng.choice(population)
        created = now - datetime.timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
        sent = created + datetime.timedelta(hours=1)
        due = sent + datetime.timedelta(days=10)
        if status == ReferralStatus.SENT and rng.random() < 0.5:
            created, sent, due = (
                now - datetime.timedelta(days=3),
                now - datetime.timedelta(days=3),
                now + datetime.timedelta(days=7),
            )
        decided = (
            sent + datetime.timedelta(days=rng.randint(0, 9), hours=rng.randint(1, 20))
            if status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED)
            else None
        )
        batch.append(
            Referral(
                case_id=case_id,
                sender_organisation_id=owner,
                sender_user_id=users.get(owner, fallback_user),
                recipient_organisation_id=recipient,
                service=rng.choice(SERVICES),
                shared_parts=["facts"],
                status=status,
                consent_basis=ConsentBasis.CONSENT,
                consent_on=created.date(),
                consent_method=ConsentMethod.ORAL,
                consent_scope="Orientation (données de démonstration)",
                created_at=created,
                sent_at=sent,
                answer_due_at=due,
                decided_at=decided,
                decline_reason=DeclineReason.NO_CAPACITY if status == ReferralStatus.DECLINED else "",
                withdrawn_at=sent if status == ReferralStatus.WITHDRAWN else None,
                expired_at=due if status == ReferralStatus.EXPIRED else None,
                completed_at=decided if status == ReferralStatus.COMPLETED else None,
            )
        )
        total += 1
        if len(batch) >= 5000:
            Referral.objects.bulk_create(batch)
            batch = []
    if batch:
        Referral.objects.bulk_create(batch)
    # The recipients of the accepted referrals read the case through the case file's grants.
    grants = case_bulk.grant_access_in_bulk(
        grants=[
            {
                "case_id": case_id,
                "organisation_id": recipient_id,
                "parts": parts,
                "reason": AccessReason.REFERRAL,
                "source": f"{Referral._meta.label_lower}:{pk}",
                "granted_at": decided_at,
            }
            for pk, case_id, recipient_id, parts, decided_at in Referral.objects.filter(
                pk__gt=last_pk, status__in=workflow.GRANTING_STATUSES, kind=ReferralKind.REFERRAL
            ).values_list("pk", "case_id", "recipient_organisation_id", "shared_parts", "decided_at")
        ]
    )
    ctx.log(f"referrals: {total - existing} national referrals (bulk), {grants} access grants")


@register("referrals: a person to hear for the police unit (work queue)", order=36)
def seed_police_queue(ctx: SeedContext) -> None:
    """Issue 10: the demo police unit's « À traiter » holds a person referred to
    be heard (an adult who agreed to file a complaint); marked done by the
    referral itself, so a second run creates nothing."""
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=["asso-passerelle-75", "brigade-mineurs-paris"])}
    passerelle, unit = orgs.get("asso-passerelle-75"), orgs.get("brigade-mineurs-paris")
    sender = _worker(passerelle) if passerelle else None
    if unit is None or sender is None or Referral.objects.filter(recipient_organisation=unit).exists():
        return
    pending = set(
        Referral.objects.filter(
            sender_organisation=passerelle, status__in=[ReferralStatus.DRAFT, ReferralStatus.SENT]
        ).values_list("case_id", flat=True)
    )
    case = next((c for c in _cases(passerelle, minor=False, count=30) if c.pk not in pending), None)
    if case is None:
        return
    services.create_referral(
        case=case,
        organisation=passerelle,
        acting_user=sender,
        recipient=unit,
        # The transmission the law addresses to the police (CPP art. 15-3 and 17),
        # so the unit's queue reads « Personne à entendre ou plainte à recevoir ».
        service="hearing_complaint",
        shared_parts=["facts"],
        message="La personne souhaite déposer plainte ; elle parle anglais, interprète nécessaire.",
        send=True,
        **{**CONSENT, "consent_scope": "Audition par la brigade, besoins et faits partagés"},
    )
    ctx.log("referrals: 1 person to hear referred to the police unit")
