"""Services of the protection pathways: Ac.Sé safe accommodation, the
minors' chain, return plans and cross-border exchanges.

Same contract as services.py: keyword-only, acting user and organisation,
policy check (PermissionDenied → 404), complete validation with French
messages before any write, audit row in the same transaction, notifications
after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.cases import policies as case_policies
from maillage.cases.models import Case
from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.organisations.enums import OrganisationType
from maillage.organisations.models import Membership, Organisation
from maillage.territories import reference as ref

from . import deadlines, policies, workflow
from .enums import (
    AcseStatus,
    BestInterestsConclusion,
    ConsentMethod,
    ExchangeChannel,
    ExchangePurpose,
    MinorStepKind,
    ReturnPlanStatus,
    SharedPart,
)
from .models import AcsePlacement, InternationalExchange, MinorStep, ReturnPlan
from .services import case_workers_of

A = AcseStatus
K = MinorStepKind
WAIVE_REASON_MIN_LENGTH = 20


def _audit(action: str, actor, target, *, case: Case, organisation=None, details: dict | None = None) -> None:
    audit.record(
        action=action,
        actor=actor,
        target=target,
        target_label=case.reference,
        organisation=case.organisation,
        acting_organisation=organisation,
        details=details,
    )


def _require_owner(acting_user, organisation, case: Case) -> None:
    if (
        policies.acting_membership(acting_user, organisation) is None
        or case.organisation_id != organisation.pk
        or not case_policies.can_edit(acting_user, case)
    ):
        raise PermissionDenied


def admins_of(organisation):
    from django.contrib.auth import get_user_model

    ids = Membership.objects.active().filter(organisation=organisation, is_admin=True).values("user_id")
    return get_user_model().objects.filter(pk__in=ids)


def _notify_users(users, *, title: str, link: str, key: str, organisation, reference: str) -> None:
    from django.conf import settings

    from maillage.notifications.services import notify, send_email

    for user in users:
        send_email(
            to=user.email,
            subject=title,
            template="referrals/emails/referral.txt",
            context={"title": title, "reference": reference, "url": f"{getattr(settings, 'SITE_BASE_URL', '')}{link}"},
            idempotency_key=f"{key}-{user.pk}",
        )
        transaction.on_commit(
            lambda user=user: notify(
                recipient=user, title=title, link=link, organisation=organisation, idempotency_key=f"{key}-{user.pk}"
            )
        )


# ---------------------------------------------------------------------------
# Ac.Sé (rules.md §3.4, R-ACSE)
# ---------------------------------------------------------------------------

# (from, to) -> who may fire it: coordination, host, referrer.
ACSE_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (A.REQUESTED, A.ASSESSMENT): frozenset({"coordination"}),
    (A.ASSESSMENT, A.PLACE_SEARCH): frozenset({"coordination"}),
    (A.PLACE_SEARCH, A.PLACE_FOUND): frozenset({"coordination"}),
    (A.PLACE_FOUND, A.TRANSFER): frozenset({"coordination"}),
    (A.TRANSFER, A.HOSTED): frozenset({"coordination", "host"}),
    (A.HOSTED, A.EXITED): frozenset({"coordination", "host"}),
    **{
        (s, A.REFUSED): frozenset({"coordination"}) for s in (A.REQUESTED, A.ASSESSMENT, A.PLACE_SEARCH, A.PLACE_FOUND)
    },
    **{
        (s, A.CANCELLED): frozenset({"coordination", "referrer"})
        for s in (A.REQUESTED, A.ASSESSMENT, A.PLACE_SEARCH, A.PLACE_FOUND, A.TRANSFER)
    },
}

ACSE_MINOR_REFUSAL = _lazy(
    "L'Ac.Sé accueille uniquement des personnes majeures. Pour une personne traitée comme mineure, "
    "saisissez la protection de l'enfance (CRIP/ASE) et le parquet : le placement se fait loin du lieu d'exploitation."
)


def acse_coordination() -> Organisation | None:
    return Organisation.objects.filter(type=OrganisationType.ACSE_COORDINATION, is_active=True).order_by("pk").first()


@transaction.atomic
def request_acse(
    *,
    case: Case,
    organisation,
    acting_user,
    consent_on: date | None,
    consent_method: str,
    danger_departements=(),
    coordination: Organisation | None = None,
    shared_parts=(),
) -> AcsePlacement:
    """`shared_parts`: what the person consented, with the request, to pass on
    to the host once a place is found (among `workflow.ACSE_HOST_PARTS` and the
    parts the requester sees). Nothing by default."""
    _require_owner(acting_user, organisation, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    if case.treated_as_minor:
        # R-ACSE / R-AGE: minors go to child protection, not Ac.Sé.
        raise ValidationError({"__all__": str(ACSE_MINOR_REFUSAL)})
    if consent_on is None:
        errors["consent_on"] = _(
            "L'Ac.Sé repose sur l'adhésion de la personne : indiquez la date de son consentement."
        )
    elif consent_on > timezone.localdate():
        errors["consent_on"] = _("La date du consentement ne peut pas être dans le futur.")
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("Indiquez comment le consentement a été recueilli.")
    deps = [d for d in danger_departements if d]
    if any(not ref.is_departement_code(d) for d in deps):
        errors["danger_departements"] = _("Département inconnu.")
    coordination = coordination or acse_coordination()
    if coordination is None or coordination.type != OrganisationType.ACSE_COORDINATION:
        errors["__all__"] = _("Aucune coordination Ac.Sé n'est enregistrée dans le réseau.")
    if AcsePlacement.objects.filter(case=case).exclude(status__in=[A.EXITED, A.REFUSED, A.CANCELLED]).exists():
        errors["__all__"] = _("Une demande Ac.Sé est déjà en cours pour ce dossier.")
    parts = list(dict.fromkeys(shared_parts or []))
    visible = case_policies.parts_for(acting_user, case)
    if any(p not in workflow.ACSE_HOST_PARTS or p not in visible for p in parts):
        # Warsaw art. 11: a shelter receives what it needs to welcome the person, nothing more.
        errors["shared_parts"] = _(
            "Le centre d'accueil ne peut recevoir que l'identité, les besoins et faits, la situation juridique et les notes partageables."
        )
    if errors:
        raise ValidationError(errors)
    placement = AcsePlacement.objects.create(
        case=case,
        referring_organisation=organisation,
        requested_by=acting_user,
        coordination=coordination,
        consent_on=consent_on,
        consent_method=consent_method,
        danger_departements=sorted(
            set(deps + ([case.exploitation_departement] if case.exploitation_departement else []))
        ),
        shared_parts=parts,
    )
    _audit("acse.requested", acting_user, placement, case=case, organisation=organisation, details={"parts": parts})
    _notify_users(
        case_workers_of(coordination),
        title=_("Nouvelle demande Ac.Sé (dossier %(ref)s)") % {"ref": case.reference},
        link=f"/orientations/acse/{placement.pk}/",
        key=f"acse-{placement.pk}-requested",
        organisation=coordination,
        reference=case.reference,
    )
    return placement


def _acse_role(acting_user, organisation, placement: AcsePlacement) -> str | None:
    if policies.acting_membership(acting_user, organisation) is None:
        return None
    if organisation.pk == placement.coordination_id:
        return "coordination"
    if placement.host_id and organisation.pk == placement.host_id:
        return "host"
    if organisation.pk == placement.referring_organisation_id:
        return "referrer"
    return None


def _validate_host(placement: AcsePlacement, host: Organisation | None) -> None:
    if (
        host is None
        or not host.is_active
        or host.pk in (placement.referring_organisation_id, placement.coordination_id)
    ):
        raise ValidationError({"host": _("Choisissez le centre partenaire qui accueille la personne.")})
    from maillage.directory.models import Profile

    host_dep = (
        Profile.objects.filter(organisation=host).values_list("departement", flat=True).first() or host.departement
    )
    if host_dep and host_dep in placement.danger_departements:
        # R-ACSE: the place must be away from the exploitation area / danger.
        raise ValidationError(
            {
                "host": _(
                    "Ce centre est situé dans un département où la personne est en danger : choisissez une place éloignée."
                )
            }
        )


def _audit_without_host(
    action: str,
    *,
    actor,
    target,
    placement: AcsePlacement,
    host: Organisation,
    acting_organisation,
    actor_is_host: bool,
    kind: str = AuditKind.WRITE,
    details: dict | None = None,
) -> None:
    """R-ACSE: the host's identity and location stay unknown to the case owner
    (the referring organisation), whose journal shows every row about its
    cases. So two rows: the owner's journal says what happened, without the
    host and, when the host's staff acted, without the person or the
    organisation; the host's own journal keeps who did it. Both rows carry the
    same request id, so the DPO can join them."""
    case = placement.case
    details = {**(details or {}), "placement": placement.pk}
    audit.record(
        action=action,
        actor=None if actor_is_host else actor,
        kind=kind,
        target=target,
        target_label=case.reference,
        organisation=case.organisation,
        acting_organisation=None if actor_is_host else acting_organisation,
        details={**details, "by": "acse_host" if actor_is_host else "acse"},
    )
    audit.record(
        action=action,
        actor=actor,
        kind=kind,
        target=target,
        target_label=case.reference,
        organisation=host,
        acting_organisation=acting_organisation,
        details={**details, "host": host.pk},
    )


def _open_host_access(placement: AcsePlacement, *, actor, organisation) -> None:
    _audit_without_host(
        "acse.host_access_granted",
        actor=actor,
        target=placement,
        placement=placement,
        host=placement.host,
        acting_organisation=organisation,
        actor_is_host=False,
        details={"parts": list(placement.shared_parts)},
    )
    stamp = int(placement.updated_at.timestamp())
    # Reference and link only: never the person, never the referring organisation's notes.
    _notify_users(
        case_workers_of(placement.host),
        title=_("Accueil Ac.Sé : le dossier %(ref)s est partagé avec votre organisation")
        % {"ref": placement.case.reference},
        link=f"/orientations/acse/{placement.pk}/",
        key=f"acse-{placement.pk}-host-{placement.host_id}-granted-{stamp}",
        organisation=placement.host,
        reference=placement.case.reference,
    )


def _close_host_access(
    placement: AcsePlacement, host: Organisation, *, actor, organisation, reason: str, actor_is_host: bool = False
) -> None:
    _audit_without_host(
        "acse.host_access_ended",
        actor=actor,
        target=placement,
        placement=placement,
        host=host,
        acting_organisation=organisation,
        actor_is_host=actor_is_host,
        details={"reason": reason},
    )
    stamp = int(placement.updated_at.timestamp())
    _notify_users(
        case_workers_of(host),
        title=_("Accueil Ac.Sé terminé : votre accès au dossier %(ref)s est fermé")
        % {"ref": placement.case.reference},
        link="/orientations/acse/",
        key=f"acse-{placement.pk}-host-{host.pk}-ended-{stamp}",
        organisation=host,
        reference=placement.case.reference,
    )


@transaction.atomic
def advance_acse(
    *,
    placement: AcsePlacement,
    organisation,
    acting_user,
    target: str,
    host: Organisation | None = None,
    assessment: str = "",
    reason: str = "",
    on: date | None = None,
) -> AcsePlacement:
    placement = AcsePlacement.objects.select_for_update().select_related("case").get(pk=placement.pk)
    role = _acse_role(acting_user, organisation, placement)
    if role is None:
        raise PermissionDenied
    allowed = ACSE_TRANSITIONS.get((placement.status, target))
    if allowed is None:
        raise ValidationError(
            {"status": _("Étape impossible depuis « %(s)s ».") % {"s": placement.get_status_display()}}
        )
    if role not in allowed:
        raise PermissionDenied
    had_access = placement.status in workflow.ACSE_HOST_ACCESS_STATUSES
    previous_host = placement.host
    now = timezone.now()
    fields = {"status": target, "updated_at": now}
    if target == A.PLACE_SEARCH and assessment.strip():
        fields["danger_assessment"] = assessment.strip()
    if target == A.PLACE_FOUND:
        _validate_host(placement, host)
        fields["host"] = host
    if target == A.HOSTED:
        fields["arrived_on"] = on or timezone.localdate()
    if target == A.EXITED:
        fields["exited_on"] = on or timezone.localdate()
    if target in (A.REFUSED, A.CANCELLED):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Indiquez le motif.")})
        if placement.host is not None and _names_host(reason, placement.host):
            # R-ACSE: the referring organisation reads this reason.
            raise ValidationError(
                {
                    "reason": _(
                        "L'organisation qui a demandé l'hébergement lit ce motif : n'y nommez pas le centre d'accueil, ni son sigle, ni sa commune."
                    )
                }
            )
        fields["closing_reason"] = reason.strip()[:300]
    for key, value in fields.items():
        setattr(placement, key, value)
    placement.save()
    # The journal names the step only: never the host (its location is confidential),
    # nor, when the host's staff acted, who acted (_audit_without_host).
    is_host = role == "host"
    if is_host:
        _audit_without_host(
            "acse.status_changed",
            actor=acting_user,
            target=placement,
            placement=placement,
            host=placement.host,
            acting_organisation=organisation,
            actor_is_host=True,
            details={"to": target},
        )
    else:
        _audit(
            "acse.status_changed",
            acting_user,
            placement,
            case=placement.case,
            organisation=organisation,
            details={"to": target},
        )
    has_access = target in workflow.ACSE_HOST_ACCESS_STATUSES
    if has_access and not had_access:
        _open_host_access(placement, actor=acting_user, organisation=organisation)
    elif had_access and not has_access:
        _close_host_access(
            placement,
            previous_host,
            actor=acting_user,
            organisation=organisation,
            reason=target,
            actor_is_host=is_host,
        )
    return placement


def _names_host(text: str, host: Organisation) -> bool:
    """Whether free text the referring organisation will read names the host:
    its name, acronym or commune, whatever the accents, case or plurals."""
    from maillage.directory import search
    from maillage.directory.models import Profile

    commune = Profile.objects.filter(organisation=host).values_list("commune", flat=True).first() or ""
    return any(search.contains_phrase(text, label) for label in (host.name, host.acronym, commune) if label)


@transaction.atomic
def change_acse_host(
    *, placement: AcsePlacement, organisation, acting_user, host: Organisation | None
) -> AcsePlacement:
    """The coordination moves the person to another centre (place lost, safety):
    the former host loses the access at once, the new one gets the same shared
    parts; the placement returns to « place trouvée » (a new transfer follows)."""
    placement = (
        AcsePlacement.objects.select_for_update(of=("self",)).select_related("case", "host").get(pk=placement.pk)
    )
    if _acse_role(acting_user, organisation, placement) != "coordination":
        raise PermissionDenied
    if placement.status not in workflow.ACSE_HOST_ACCESS_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "Le centre d'accueil ne peut être changé qu'entre la place trouvée et la sortie du dispositif."
                )
            }
        )
    if host is not None and host.pk == placement.host_id:
        raise ValidationError({"host": _("Choisissez un autre centre partenaire que le centre actuel.")})
    _validate_host(placement, host)
    previous_host = placement.host
    placement.host, placement.status, placement.arrived_on, placement.updated_at = (
        host,
        A.PLACE_FOUND,
        None,
        timezone.now(),
    )
    placement.save()
    _audit(
        "acse.status_changed",
        acting_user,
        placement,
        case=placement.case,
        organisation=organisation,
        details={"to": A.PLACE_FOUND, "host_changed": True},
    )
    _close_host_access(placement, previous_host, actor=acting_user, organisation=organisation, reason="host_changed")
    _open_host_access(placement, actor=acting_user, organisation=organisation)
    return placement


def record_acse_host_read(*, user, case: Case, action: str, details: dict | None = None) -> bool:
    """Called by maillage.cases.selectors for every read of identifying data:
    when the reader reads as the Ac.Sé host (not as the owner), the read is
    journaled like any other but without naming the host to the owner
    (`_audit_without_host`). Returns False when the read is an ordinary one."""
    from .selectors import acse_hosting_placement

    if case_policies.is_owner(user, case):
        return False
    placement = acse_hosting_placement(user, case)
    if placement is None:
        return False
    _audit_without_host(
        action,
        actor=user,
        target=case,
        placement=placement,
        host=placement.host,
        acting_organisation=placement.host,
        actor_is_host=True,
        kind=AuditKind.READ,
        details={**(details or {}), "as": "acse_host"},
    )
    return True


def wipe_free_text(*, case: Case) -> None:
    """Registered on maillage.cases.hooks.identity_wiped: erasure (GDPR art.
    17) and retention (art. 5.1 e) wipe the identity, and with it the free text
    this domain keeps about the person, which may name or describe them
    (R-PRIVACY). Written justifications the law or a rule requires stay (the
    reason for overriding consent, for lifting a step of the minors' chain,
    for a non-voluntary return, for refusing or cancelling an Ac.Sé request):
    they justify a decision and are asked to carry no identity."""
    from .models import Referral

    Referral.objects.filter(case=case).update(message="", decline_comment="")
    AcsePlacement.objects.filter(case=case).update(danger_assessment="")
    ReturnPlan.objects.filter(case=case).update(risk_assessment="")
    MinorStep.objects.filter(case=case).update(note="")
    InternationalExchange.objects.filter(case=case).update(answer_summary="")


# ---------------------------------------------------------------------------
# Minors' chain (rules.md §3.5)
# ---------------------------------------------------------------------------


def _create_step(case: Case, kind: str, *, start: datetime, sequence: int = 0) -> MinorStep:
    definition = deadlines.STEP_BY_KIND[kind]
    step, _created = MinorStep.objects.get_or_create(
        case=case,
        kind=kind,
        sequence=sequence,
        defaults={
            "owner_organisation": case.organisation,
            "legal_source": definition.source,
            "due_at": start + timedelta(hours=definition.hours()),
        },
    )
    return step


@transaction.atomic
def start_minor_chain(
    *, case: Case, acting_user=None, organisation=None, unaccompanied: bool = False, now: datetime | None = None
) -> list[MinorStep]:
    """Create the mandatory steps of a case treated as a minor (idempotent).
    `unaccompanied` adds the MNA steps (R-MNA, Warsaw 10.4 a)."""
    if acting_user is not None:
        _require_owner(acting_user, organisation, case)
    case = Case.objects.get(pk=case.pk)
    if not case.treated_as_minor:
        raise ValidationError({"__all__": _("La personne n'est pas traitée comme mineure : pas de parcours mineur.")})
    now = now or timezone.now()
    steps = [
        _create_step(case, d.kind, start=now)
        for d in deadlines.MINOR_STEPS
        if d.auto and (unaccompanied or not d.unaccompanied_only)
    ]
    _audit(
        "minors.chain_started",
        acting_user,
        case,
        case=case,
        organisation=organisation,
        details={"unaccompanied": unaccompanied},
    )
    return steps


def start_chain_for_new_minor(*, case: Case, acting_user) -> list[MinorStep]:
    """Hook called by the case services when a case becomes treated as a
    minor (maillage.cases.hooks). The MNA steps are added from the minors'
    page when the child is known to be unaccompanied."""
    return start_minor_chain(case=case, acting_user=acting_user, organisation=case.organisation)


def ensure_minor_chains(*, now: datetime | None = None) -> int:
    """Scheduled: every open case treated as a minor gets its chain (idempotent)."""
    started = 0
    for case in Case.objects.open().filter(treated_as_minor=True).exclude(minor_steps__isnull=False).iterator():
        start_minor_chain(case=case, now=now)
        started += 1
    return started


def _require_step_owner(step: MinorStep, organisation, acting_user) -> None:
    if (
        policies.acting_membership(acting_user, organisation) is None
        or step.owner_organisation_id != organisation.pk
        or not case_policies.can_edit(acting_user, step.case)
    ):
        raise PermissionDenied


@transaction.atomic
def complete_step(
    *,
    step: MinorStep,
    organisation,
    acting_user,
    conclusion: str = "",
    note: str = "",
    representatives_failing: bool = False,
) -> MinorStep:
    step = MinorStep.objects.select_for_update().select_related("case").get(pk=step.pk)
    _require_step_owner(step, organisation, acting_user)
    if step.done_at or step.waived_reason:
        raise ValidationError({"__all__": _("Cette étape est déjà close.")})
    if step.kind == K.BEST_INTERESTS and conclusion not in BestInterestsConclusion.values:
        raise ValidationError({"conclusion": _("Indiquez la conclusion de l'évaluation de l'intérêt supérieur.")})
    if step.kind == K.FAMILY_TRACING:
        # Warsaw 10.4 c: family tracing only after a best-interests assessment that allows it.
        bia = MinorStep.objects.filter(case=step.case, kind=K.BEST_INTERESTS, done_at__isnull=False).first()
        if bia is None or bia.conclusion == BestInterestsConclusion.FAMILY_CONTACT_NOT_OK:
            raise ValidationError(
                {
                    "__all__": _(
                        "La recherche de la famille ne peut intervenir qu'après une évaluation de l'intérêt supérieur de l'enfant qui ne s'y oppose pas."
                    )
                }
            )
    now = timezone.now()
    step.done_at, step.done_by, step.conclusion, step.note = (
        now,
        acting_user,
        conclusion if step.kind == K.BEST_INTERESTS else "",
        (note or "").strip()[:300],
    )
    step.save()
    if step.kind == K.LEGAL_REPRESENTATION and representatives_failing:
        # R-AAH: representatives absent, implicated or failing → ask the parquet for an AAH.
        _create_step(step.case, K.AAH_REQUEST, start=now)
    _audit(
        "minors.step_done",
        acting_user,
        step,
        case=step.case,
        organisation=organisation,
        details={"kind": step.kind, "conclusion": step.conclusion},
    )
    return step


@transaction.atomic
def renew_emergency_reception(*, case: Case, organisation, acting_user) -> MinorStep:
    """R-MNA: 5 days, renewable twice for the same duration; the prosecutor
    is informed at each step."""
    _require_owner(acting_user, organisation, case)
    current = (
        MinorStep.objects.select_for_update()
        .filter(case=case, kind=K.EMERGENCY_RECEPTION)
        .order_by("-sequence")
        .first()
    )
    if current is None:
        raise ValidationError({"__all__": _("Aucun accueil provisoire d'urgence n'est ouvert pour ce dossier.")})
    if current.sequence >= deadlines.EMERGENCY_RECEPTION_MAX_RENEWALS:
        raise ValidationError(
            {
                "__all__": _(
                    "L'accueil provisoire d'urgence ne peut être prolongé que deux fois (15 jours au plus, CASF L221-2-4 et R221-11)."
                )
            }
        )
    now = timezone.now()
    if current.done_at is None:
        current.done_at, current.done_by, current.note = now, acting_user, _("Prolongé")
        current.save()
    sequence = current.sequence + 1
    renewal = _create_step(case, K.EMERGENCY_RECEPTION, start=current.due_at, sequence=sequence)
    _create_step(case, K.PROSECUTOR_INFORMED, start=now, sequence=sequence)
    _audit(
        "minors.emergency_reception_renewed",
        acting_user,
        renewal,
        case=case,
        organisation=organisation,
        details={"renewal": sequence},
    )
    return renewal


@transaction.atomic
def waive_step(*, step: MinorStep, organisation, acting_user, reason: str) -> MinorStep:
    step = MinorStep.objects.select_for_update().select_related("case").get(pk=step.pk)
    _require_step_owner(step, organisation, acting_user)
    if len((reason or "").strip()) < WAIVE_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Documentez pourquoi cette étape est levée (%(n)s caractères au moins).")
                % {"n": WAIVE_REASON_MIN_LENGTH}
            }
        )
    step.waived_reason = reason.strip()[:300]
    step.save(update_fields=["waived_reason"])
    _audit(
        "minors.step_waived",
        acting_user,
        step,
        case=step.case,
        organisation=organisation,
        details={"kind": step.kind, "reason": step.waived_reason},
    )
    return step


def open_mandatory_steps(case: Case):
    kinds = [d.kind for d in deadlines.MINOR_STEPS if d.mandatory]
    return MinorStep.objects.filter(case=case, kind__in=kinds, done_at__isnull=True, waived_reason="")


def check_minor_closure(case: Case) -> None:
    """Called by maillage.cases.services.change_status before closing: a
    minor's case cannot be closed while a mandatory step is open, unless each
    open step was lifted with a documented reason (waive_step)."""
    if not case.treated_as_minor:
        return
    labels = dict(MinorStepKind.choices)
    open_steps = list(open_mandatory_steps(case).values_list("kind", flat=True))
    if open_steps:
        raise ValidationError(
            {
                "reason": _(
                    "Le dossier d'un·e mineur·e ne peut pas être clos tant que des étapes obligatoires sont ouvertes : %(steps)s. Terminez-les ou documentez pourquoi elles sont levées."
                )
                % {"steps": ", ".join(str(labels[k]) for k in dict.fromkeys(open_steps))}
            }
        )


@dataclass
class EscalationReport:
    escalated: int = 0
    chains_started: int = 0
    exchanges_escalated: int = 0


def escalate_overdue_steps(*, now: datetime | None = None) -> EscalationReport:
    """Scheduled and idempotent: overdue open steps are escalated once to the
    administrators of the owning organisation (conditional update)."""
    now = now or timezone.now()
    report = EscalationReport(chains_started=ensure_minor_chains(now=now))
    rows = MinorStep.objects.filter(
        done_at__isnull=True, waived_reason="", escalated_at__isnull=True, due_at__lt=now
    ).values_list("pk", flat=True)
    labels = dict(MinorStepKind.choices)
    for pk in list(rows):
        with transaction.atomic():
            if (
                MinorStep.objects.filter(pk=pk, escalated_at__isnull=True, done_at__isnull=True).update(
                    escalated_at=now
                )
                != 1
            ):
                continue
            step = MinorStep.objects.select_related("case", "owner_organisation").get(pk=pk)
            title = _("Étape en retard du parcours mineur : %(step)s (dossier %(ref)s)") % {
                "step": labels[step.kind],
                "ref": step.case.reference,
            }
            _notify_users(
                admins_of(step.owner_organisation),
                title=title,
                link=f"/orientations/mineurs/{step.case_id}/",
                key=f"minor-step-{pk}-escalated",
                organisation=step.owner_organisation,
                reference=step.case.reference,
            )
            audit.record(
                action="minors.step_escalated",
                actor=None,
                target=step,
                target_label=step.case.reference,
                organisation=step.owner_organisation,
                details={"kind": step.kind},
            )
            report.escalated += 1
    report.exchanges_escalated = escalate_overdue_exchanges(now=now)
    return report


# ---------------------------------------------------------------------------
# Return (Warsaw art. 16, R-RETURN)
# ---------------------------------------------------------------------------


@transaction.atomic
def create_return_plan(
    *,
    case: Case,
    organisation,
    acting_user,
    destination_country: str,
    voluntary: bool,
    non_voluntary_justification: str = "",
    risk_assessment: str = "",
    receiving_structures: str = "",
) -> ReturnPlan:
    _require_owner(acting_user, organisation, case)
    errors = {}
    if not ref.is_country_code(destination_country):
        errors["destination_country"] = _("Choisissez le pays de retour.")
    if not voluntary and len((non_voluntary_justification or "").strip()) < WAIVE_REASON_MIN_LENGTH:
        errors["non_voluntary_justification"] = _(
            "Le retour doit de préférence être volontaire (art. 16.2) : justifiez l'exception."
        )
    if errors:
        raise ValidationError(errors)
    plan = ReturnPlan.objects.create(
        case=case,
        organisation=organisation,
        destination_country=destination_country,
        voluntary=voluntary,
        non_voluntary_justification=(non_voluntary_justification or "").strip()[:500],
        risk_assessment=(risk_assessment or "").strip(),
        receiving_structures=(receiving_structures or "").strip(),
        created_by=acting_user,
    )
    _audit(
        "return.plan_created",
        acting_user,
        plan,
        case=case,
        organisation=organisation,
        details={"voluntary": voluntary},
    )
    return plan


@transaction.atomic
def approve_return_plan(*, plan: ReturnPlan, organisation, acting_user) -> ReturnPlan:
    plan = ReturnPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    _require_owner(acting_user, organisation, plan.case)
    errors = {}
    if plan.status != ReturnPlanStatus.DRAFT:
        errors["__all__"] = _("Ce plan de retour n'est plus en préparation.")
    if not plan.risk_assessment.strip():
        errors["risk_assessment"] = _(
            "Une évaluation des risques et de la sécurité est nécessaire avant de valider le retour (art. 16.2)."
        )
    if not plan.receiving_structures.strip():
        errors["receiving_structures"] = _(
            "Indiquez les contacts des structures d'accueil dans le pays de retour (art. 16.6)."
        )
    if plan.case.treated_as_minor:
        # Warsaw art. 16.7: no return of a child without a best-interests assessment in favour of it.
        favourable = MinorStep.objects.filter(
            case=plan.case,
            kind=K.BEST_INTERESTS,
            done_at__isnull=False,
            conclusion=BestInterestsConclusion.RETURN_IN_INTEREST,
        ).exists()
        if not favourable:
            errors["__all__"] = _(
                "Un·e mineur·e ne peut pas être renvoyé·e sans une évaluation de l'intérêt supérieur terminée qui conclut que le retour est dans son intérêt (Convention de Varsovie art. 16.7)."
            )
    if errors:
        raise ValidationError(errors)
    plan.status, plan.approved_at, plan.approved_by = ReturnPlanStatus.APPROVED, timezone.now(), acting_user
    plan.save()
    _audit("return.plan_approved", acting_user, plan, case=plan.case, organisation=organisation)
    return plan


# ---------------------------------------------------------------------------
# Cross-border exchanges (Warsaw arts. 32–34, R-INTL-URGENT)
# ---------------------------------------------------------------------------


@transaction.atomic
def record_exchange(
    *,
    case: Case,
    organisation,
    acting_user,
    counterpart: Organisation,
    purpose: str,
    channel: str,
    legal_basis: str,
    shared_parts: list[str],
    conditions: str = "",
) -> InternationalExchange:
    _require_owner(acting_user, organisation, case)
    errors = {}
    if (
        counterpart is None
        or not counterpart.is_active
        or counterpart.type != OrganisationType.FOREIGN_COUNTERPART
        or counterpart.country == "FR"
    ):
        errors["counterpart"] = _("Choisissez un homologue étranger de l'annuaire.")
    if purpose not in ExchangePurpose.values:
        errors["purpose"] = _("Choisissez l'objet de l'échange (arts. 33 et 34).")
    if channel not in ExchangeChannel.values:
        errors["channel"] = _("Choisissez le canal de transmission.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _(
            "Indiquez la base légale de la transmission : aucun échange international sans base légale."
        )
    parts = list(dict.fromkeys(shared_parts or []))
    visible = case_policies.parts_for(acting_user, case)
    if any(p not in SharedPart.values or p not in visible for p in parts):
        errors["shared_parts"] = _("Vous ne pouvez transmettre que des parties du dossier que vous voyez.")
    # Warsaw art. 34.4 « with due respect to art. 11 »: a child's identity leaves only for a danger or a missing-child search.
    if (
        case.treated_as_minor
        and SharedPart.IDENTITY in parts
        and purpose not in (ExchangePurpose.DANGER_33_1, ExchangePurpose.MISSING_CHILD_33_2)
    ):
        errors["shared_parts"] = _(
            "L'identité d'un·e mineur·e ne se transmet à l'étranger qu'en cas de danger immédiat ou de recherche d'enfant disparu (arts. 11, 33)."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    days = deadlines.EXCHANGE_ANSWER_DAYS.get(purpose, 0)
    urgent = purpose == ExchangePurpose.DANGER_33_1
    exchange = InternationalExchange.objects.create(
        case=case,
        organisation=organisation,
        counterpart=counterpart,
        created_by=acting_user,
        purpose=purpose,
        channel=channel,
        legal_basis=legal_basis.strip()[:300],
        shared_parts=parts,
        conditions=(conditions or "").strip()[:500],
        urgent=urgent,
        sent_at=now,
        answer_due_on=(timezone.localdate() + timedelta(days=days)) if days else None,
        escalated_at=now if urgent else None,
    )
    _audit(
        "international.exchange_recorded",
        acting_user,
        exchange,
        case=case,
        organisation=organisation,
        details={
            "purpose": purpose,
            "channel": channel,
            "country": counterpart.country,
            "parts": parts,
            "urgent": urgent,
        },
    )
    if urgent:
        # R-INTL-URGENT (art. 33.1): escalated at once to the organisation's administrators.
        _notify_users(
            admins_of(organisation),
            title=_("URGENT : danger immédiat signalé à l'étranger (dossier %(ref)s)") % {"ref": case.reference},
            link=f"/dossiers/{case.pk}/",
            key=f"exchange-{exchange.pk}-urgent",
            organisation=organisation,
            reference=case.reference,
        )
    return exchange


ANSWER_SUMMARY_MAX = 1000


@transaction.atomic
def record_exchange_answer(
    *, exchange: InternationalExchange, organisation, acting_user, answered_on: date | None, summary: str
) -> InternationalExchange:
    """Warsaw art. 34.1: the foreign counterpart's answer, recorded once by the
    case workers of the organisation that holds the case now: after a
    transfer the new owner follows the person, and the exchange keeps the
    organisation that sent it as history. The summary carries no identity."""
    # Lock the row first (two workers recording the same answer at once, only
    # one wins), then check ownership on the case as it is now, not as the
    # caller's copy remembers it (a transfer may have moved it).
    exchange = (
        InternationalExchange.objects.select_for_update(of=("self",))
        .select_related("case", "counterpart")
        .get(pk=exchange.pk)
    )
    _require_owner(acting_user, organisation, exchange.case)
    errors = {}
    if exchange.answered_at is not None:
        errors["__all__"] = _("La réponse de cet homologue a déjà été enregistrée le %(date)s.") % {
            "date": exchange.answered_on.strftime("%d/%m/%Y")
        }
    sent_on = timezone.localdate(exchange.sent_at)
    if answered_on is None:
        errors["answered_on"] = _("Indiquez la date de réception de la réponse.")
    elif answered_on < sent_on:
        errors["answered_on"] = _("La réponse ne peut pas être antérieure à l'envoi de l'échange (%(date)s).") % {
            "date": sent_on.strftime("%d/%m/%Y")
        }
    elif answered_on > timezone.localdate():
        errors["answered_on"] = _("La date de réception de la réponse ne peut pas être dans le futur.")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Résumez la réponse reçue (sans identité).")
    elif len(summary) > ANSWER_SUMMARY_MAX:
        errors["summary"] = _("Le résumé ne peut pas dépasser %(n)d caractères.") % {"n": ANSWER_SUMMARY_MAX}
    if errors:
        raise ValidationError(errors)
    exchange.answered_on, exchange.answer_summary, exchange.answered_by, exchange.answered_at = (
        answered_on,
        summary,
        acting_user,
        timezone.now(),
    )
    exchange.save(update_fields=["answered_on", "answer_summary", "answered_by", "answered_at"])
    # The summary itself stays out of the audit trail (it is free text); the audit says who, when, how late.
    late_days = (
        (answered_on - exchange.answer_due_on).days
        if exchange.answer_due_on and answered_on > exchange.answer_due_on
        else 0
    )
    _audit(
        "international.exchange_answered",
        acting_user,
        exchange,
        case=exchange.case,
        organisation=organisation,
        details={
            "purpose": exchange.purpose,
            "country": exchange.counterpart.country,
            "answered_on": answered_on.isoformat(),
            "late_days": late_days,
        },
    )
    return exchange


def escalate_overdue_exchanges(*, now: datetime | None = None) -> int:
    """Unanswered exchanges past their answer due date are escalated once to the
    administrators of the organisation holding the case now (the sender, or
    the new owner after a transfer: the former owner no longer follows the
    person). Conditional update, idempotent. Urgent exchanges were escalated
    when sent and are not escalated again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = InternationalExchange.objects.filter(
        answered_at__isnull=True, escalated_at__isnull=True, answer_due_on__lt=today
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(rows):
        with transaction.atomic():
            if (
                InternationalExchange.objects.filter(
                    pk=pk, answered_at__isnull=True, escalated_at__isnull=True
                ).update(escalated_at=now)
                != 1
            ):
                continue
            exchange = InternationalExchange.objects.select_related("case__organisation", "counterpart").get(pk=pk)
            holder = exchange.case.organisation
            title = _("Échange international sans réponse après l'échéance : %(counterpart)s (dossier %(ref)s)") % {
                "counterpart": exchange.counterpart.name,
                "ref": exchange.case.reference,
            }
            _notify_users(
                admins_of(holder),
                title=title,
                link=f"/orientations/mineurs/{exchange.case_id}/",
                key=f"exchange-{pk}-overdue",
                organisation=holder,
                reference=exchange.case.reference,
            )
            audit.record(
                action="international.exchange_escalated",
                actor=None,
                target=exchange,
                target_label=exchange.case.reference,
                organisation=holder,
                details={"purpose": exchange.purpose, "due_on": exchange.answer_due_on.isoformat()},
            )
            count += 1
    return count
