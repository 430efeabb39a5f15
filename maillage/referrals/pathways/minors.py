"""The minors' chain (rules.md §3.5; R-CHILD-CRIP, R-MNA, R-AAH; Warsaw art.
10.4): the mandatory child-protection steps of a case treated as a minor, each
with its owner organisation, due date and legal source (`deadlines.MINOR_STEPS`),
escalated once when overdue; a minor's case does not close while one is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cases.models import Case
from maillage.core import audit, transactions
from maillage.organisations.actor import as_actor

from .. import deadlines, policies
from ..enums import AuditAction, MinorStepKind
from ..journal import admins_of, notify_users
from ..models import MinorStep
from .common import WAIVE_REASON_MIN_LENGTH, audit_pathway, require_owner
from .exchanges import escalate_overdue_exchanges

K = MinorStepKind


def chain_crip(case: Case):
    """The CRIP that received the child's information préoccupante in Maillage
    (the owner of its evaluation), or None while it has not been reached."""
    step = (
        MinorStep.objects.filter(case=case, kind=K.CRIP_EVALUATION)
        .select_related("owner_organisation")
        .order_by("-created_at")
        .first()
    )
    return step.owner_organisation if step else None


def _owner_for(case: Case, definition, owner=None):
    """Issue 10.2: each step belongs to the actor the law gives it to. A CRIP
    step is followed by the case's holder until a CRIP is reached in Maillage."""
    if owner is not None:
        return owner
    if definition.owner == "crip":
        return chain_crip(case) or case.organisation
    return case.organisation


def _create_step(
    case: Case, kind: str, *, start: datetime, sequence: int = 0, owner=None, due_at=None, **fields
) -> MinorStep:
    definition = deadlines.STEP_BY_KIND[kind]
    step, _created = MinorStep.objects.get_or_create(
        case=case,
        kind=kind,
        sequence=sequence,
        defaults={
            "owner_organisation": _owner_for(case, definition, owner),
            "legal_source": definition.source,
            "due_at": due_at or start + timedelta(hours=definition.hours()),
            **fields,
        },
    )
    return step


@transactions.step
def open_minor_chain(
    *, case: Case, acting_user=None, organisation=None, unaccompanied: bool = False, now: datetime | None = None
) -> list[MinorStep]:
    """Create the mandatory steps of a case treated as a minor (idempotent),
    inside the caller's transaction. `unaccompanied` adds the MNA steps
    (R-MNA, Warsaw 10.4 a)."""
    case = Case.objects.get(pk=case.pk)
    if not case.treated_as_minor:
        raise ValidationError({"__all__": _("La personne n'est pas traitée comme mineure : pas de parcours mineur.")})
    now = now or timezone.now()
    steps = [
        _create_step(case, d.kind, start=now)
        for d in deadlines.MINOR_STEPS
        if d.auto and (unaccompanied or not d.unaccompanied_only)
    ]
    audit_pathway(
        AuditAction.MINORS_CHAIN_STARTED,
        acting_user,
        case,
        case=case,
        organisation=organisation,
        details={"unaccompanied": unaccompanied},
    )
    return steps


@transaction.atomic(durable=True)
def start_minor_chain(
    *, case: Case, acting_user=None, organisation=None, unaccompanied: bool = False, now: datetime | None = None
) -> list[MinorStep]:
    """The owner starts the chain from the minors' page (with the MNA steps when
    the child is unaccompanied); the scheduled sweep starts it with no acting user."""
    if acting_user is not None:
        require_owner(as_actor(acting_user), organisation, case)
    return open_minor_chain(
        case=case, acting_user=acting_user, organisation=organisation, unaccompanied=unaccompanied, now=now
    )


def start_chain_for_new_minor(*, case: Case, acting_user) -> list[MinorStep]:
    """Hook called by the case services, inside their transaction, when a case
    becomes treated as a minor (maillage.cases.hooks). The MNA steps are added
    from the minors' page when the child is known to be unaccompanied."""
    require_owner(as_actor(acting_user), case.organisation, case)
    return open_minor_chain(case=case, acting_user=acting_user, organisation=case.organisation)


def ensure_minor_chains(*, now: datetime | None = None) -> int:
    """Scheduled: every open case treated as a minor gets its chain (idempotent,
    one transaction per case)."""
    started = 0
    for case in Case.objects.open().filter(treated_as_minor=True).exclude(minor_steps__isnull=False).iterator():
        start_minor_chain(case=case, now=now)
        started += 1
    return started


def unwaivable_message(step: MinorStep) -> str:
    return _(
        "« %(step)s » ne peut jamais être levée : c'est une obligation légale (%(source)s). "
        "Enregistrez-la quand elle est faite."
    ) % {"step": step.get_kind_display(), "source": step.legal_source}


def require_step_owner(step: MinorStep, organisation, acting_user) -> None:
    """Bad input (issue 10.2): an organisation that reads the chain but does not
    own the step gets a French refusal; any other gets a 404."""
    actor = as_actor(acting_user)
    if policies.can_act_on_step(actor, organisation, step):
        return
    if policies.can_view_minor_chain(actor, organisation, step.case):
        raise ValidationError(
            {
                "__all__": _(
                    "« %(step)s » revient à %(owner)s : seule cette organisation peut l'enregistrer ou la lever."
                )
                % {"step": step.get_kind_display(), "owner": step.owner_organisation.name}
            }
        )
    raise PermissionDenied


@transaction.atomic(durable=True)
def renew_emergency_reception(*, case: Case, organisation, acting_user) -> MinorStep:
    """R-MNA: 5 days, renewable twice for the same duration; the prosecutor
    is informed at each step."""
    current = (
        MinorStep.objects.select_for_update()
        .select_related("case")
        .filter(case=case, kind=K.EMERGENCY_RECEPTION)
        .order_by("-sequence")
        .first()
    )
    if current is None:
        require_owner(as_actor(acting_user), organisation, case)
        raise ValidationError({"__all__": _("Aucun accueil provisoire d'urgence n'est ouvert pour ce dossier.")})
    # CASF L221-2-4: the emergency reception is the département's: its owner renews it.
    require_step_owner(current, organisation, acting_user)
    if current.sequence >= deadlines.EMERGENCY_RECEPTION_MAX_RENEWALS:
        raise ValidationError(
            {
                "__all__": _(
                    "L'accueil provisoire d'urgence ne peut être prolongé que deux fois "
                    "(15 jours au plus, CASF L221-2-4 et R221-11)."
                )
            }
        )
    now = timezone.now()
    if current.done_at is None:
        current.done_at, current.done_by, current.recorded_at, current.note = now, acting_user, now, _("Prolongé")
        current.save()
    sequence = current.sequence + 1
    renewal = _create_step(
        case, K.EMERGENCY_RECEPTION, start=current.due_at, sequence=sequence, owner=current.owner_organisation
    )
    # R-MNA: the prosecutor is informed of each extension (never waived).
    _create_step(case, K.PROSECUTOR_INFORMED, start=now, sequence=sequence, owner=current.owner_organisation)
    audit_pathway(
        AuditAction.MINORS_EMERGENCY_RECEPTION_RENEWED,
        acting_user,
        renewal,
        case=case,
        organisation=organisation,
        details={"renewal": sequence},
    )
    return renewal


@transaction.atomic(durable=True)
def waive_step(*, step: MinorStep, organisation, acting_user, reason: str) -> MinorStep:
    step = MinorStep.objects.select_for_update().select_related("case", "owner_organisation").get(pk=step.pk)
    require_step_owner(step, organisation, acting_user)
    if not step.is_open:
        raise ValidationError({"__all__": _("Cette étape est déjà close.")})
    if not deadlines.STEP_BY_KIND[step.kind].waivable:
        # Issue 11.6, R-CHILD-CRIP: whoever owns it, this step is a legal duty.
        raise ValidationError({"reason": unwaivable_message(step)})
    if len((reason or "").strip()) < WAIVE_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Documentez pourquoi cette étape est levée (%(n)s caractères au moins).")
                % {"n": WAIVE_REASON_MIN_LENGTH}
            }
        )
    step.waived_reason = reason.strip()[:300]
    step.save(update_fields=["waived_reason"])
    audit_pathway(
        AuditAction.MINORS_STEP_WAIVED,
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


def check_minor_closure(*, case: Case) -> None:
    """Registered on `cases.hooks.register_closure_check`, called by
    `cases.services.change_status` before closing: a minor's case cannot be
    closed while a mandatory step is open, unless each open step was lifted
    with a documented reason (waive_step)."""
    if not case.treated_as_minor:
        return
    labels = dict(MinorStepKind.choices)
    open_steps = list(open_mandatory_steps(case).values_list("kind", flat=True))
    if open_steps:
        raise ValidationError(
            {
                "reason": _(
                    "Le dossier d'un·e mineur·e ne peut pas être clos tant que des étapes obligatoires sont "
                    "ouvertes : %(steps)s. Terminez-les ou documentez pourquoi elles sont levées."
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
        with transaction.atomic(durable=True):
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
            notify_users(
                admins_of(step.owner_organisation),
                title=title,
                link=f"/orientations/mineurs/{step.case_id}/",
                key=f"minor-step-{pk}-escalated",
                organisation=step.owner_organisation,
                reference=step.case.reference,
            )
            audit.record(
                action=AuditAction.MINORS_STEP_ESCALATED,
                actor=None,
                target=step,
                target_label=step.case.reference,
                organisation=step.owner_organisation,
                details={"kind": step.kind},
            )
            report.escalated += 1
    report.exchanges_escalated = escalate_overdue_exchanges(now=now)
    return report
