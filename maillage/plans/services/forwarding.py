"""The decision → plan bridge (plans side of the coordination extension point).

`maillage.coordination.services.forward_decision_to_plan` calls the forwarder
registered here (from `PlansConfig.ready()`), inside its own transaction (the
forwarder is a service step), after checking that the person manages the
working group; it stores the returned reference in `Decision.forwarded_to` and
audits the forwarding on its side. When the coordination later deletes a
measure proposed this way, the decision's line is updated by coordination's
own step (`note_forwarded_measure_deleted`, called from delete_measure).

What forwarding creates, in this order:

1. when the decision names a measure (« mesure 12 », « mesure n° 12 ») that is
   in the version under an *open* consultation round: an **amendment** to that
   measure's description in that round;
2. otherwise, in the most recent plan **in draft**: a **proposed measure**
   (last axe, next number after those of the draft and of its frozen
   versions) whose text is the decision;
3. otherwise, a French refusal that the coordination page shows as a notice.

Either keeps its origin (`origin_decision`, hence the meeting and the working
group) and the plan pages show it with a link back. Only the coordination
body's coordinators write into the plan (policies.can_manage_plans); a group
pilot who is not one gets a French refusal, never an error page.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.coordination.services import FORWARDED_TO_MAX, PLAN_FORWARDERS, register_plan_forwarder
from maillage.core.audit import record
from maillage.core.transactions import step

from .. import policies
from ..enums import AmendedField, AuditAction, PlanStatus
from ..models import Amendment, ConsultationRound, Measure, Plan

REFERENCE_MAX = FORWARDED_TO_MAX  # the length of Decision.forwarded_to
MEASURE_REFERENCE = re.compile(r"\bmesure\s+(?:n\s*[°o]\s*)?(\d{1,3})\b", re.IGNORECASE)


def origin_label(decision) -> str:
    """« Décision du 12/03/2027 – réunion « … » du groupe « … » » (plain text)."""
    parts = [_("Décision du %(d)s") % {"d": timezone.localtime(decision.created_at).strftime("%d/%m/%Y")}]
    meeting = decision.meeting
    group = decision.group or (meeting.group if meeting else None)
    if meeting is not None:
        parts.append(
            _("réunion « %(t)s » du %(d)s")
            % {"t": meeting.title, "d": timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y")}
        )
    if group is not None:
        parts.append(_("groupe de travail « %(g)s »") % {"g": group.name})
    return " – ".join(parts)


def _referenced_numbers(statement: str) -> list[int]:
    return [int(n) for n in MEASURE_REFERENCE.findall(statement)]


def _open_round_target(decision):
    """(round, measure) for the first open round whose consulted version contains
    a measure the decision names; None otherwise."""
    numbers = _referenced_numbers(decision.statement)
    if not numbers:
        return None
    now = timezone.now()
    rounds = ConsultationRound.objects.filter(
        plan__status=PlanStatus.CONSULTATION, opens_at__lte=now, closes_at__gt=now
    ).select_related("version", "plan")
    for round_ in rounds.order_by("-opens_at", "-pk"):
        in_version = {m["number"]: m["id"] for m in round_.version.snapshot.get("measures", [])}
        for number in numbers:
            if number in in_version:
                measure = Measure.objects.filter(pk=in_version[number], plan=round_.plan).first()
                if measure is not None:
                    return round_, measure
    return None


def _has_open_round() -> bool:
    now = timezone.now()
    return ConsultationRound.objects.filter(
        plan__status=PlanStatus.CONSULTATION, opens_at__lte=now, closes_at__gt=now
    ).exists()


def _next_free_number(plan: Plan) -> int:
    """After the highest number of the draft *and* of its frozen versions: a
    deleted measure's number, once cited in a version, is not handed out again."""
    current = plan.measures.aggregate(n=Max("number"))["n"] or 0
    frozen = max(
        (m["number"] for v in plan.versions.only("snapshot") for m in v.snapshot.get("measures", [])), default=0
    )
    return max(current, frozen) + 1


@step
def forward_decision(*, decision, acting_user) -> str:
    if not policies.can_manage_plans(acting_user):
        raise ValidationError(
            _(
                "Seuls les coordinateurs de l'instance de coordination peuvent transmettre une décision au plan "
                "d'action national."
            )
        )
    if not decision.statement.strip():
        raise ValidationError(_("Cette décision n'a pas d'énoncé à transmettre."))
    origin = origin_label(decision)
    target = _open_round_target(decision)
    if target is not None:
        round_, measure = target
        plan = round_.plan
        amendment = Amendment.objects.create(
            round=round_,
            version=round_.version,
            measure=measure,
            organisation=plan.coordination,
            author=acting_user,
            field=AmendedField.DESCRIPTION,
            proposed_text=decision.statement,
            rationale=_("Transmis depuis la coordination : %(o)s.") % {"o": origin},
            origin_decision=decision,
        )
        record(
            action=AuditAction.AMENDMENT_FROM_DECISION,
            actor=acting_user,
            target=amendment,
            target_label=str(measure),
            organisation=plan.coordination,
            details={"decision": decision.pk, "meeting": decision.meeting_id, "round": round_.pk},
        )
        reference = _("Plan « %(p)s » : amendement n° %(a)s à la mesure %(m)s (consultation « %(r)s »)") % {
            "p": plan.title,
            "a": amendment.pk,
            "m": measure.number,
            "r": round_.title,
        }
        return reference[:REFERENCE_MAX]

    plan = Plan.objects.select_for_update().filter(status=PlanStatus.DRAFT).order_by("-created_at", "-pk").first()
    if plan is None:
        if _has_open_round():
            raise ValidationError(
                _(
                    "Une consultation est ouverte : la décision ne peut y entrer que comme amendement d'une mesure "
                    "soumise à consultation. Citez la mesure visée dans l'énoncé (« mesure 3 »)."
                )
            )
        raise ValidationError(
            _(
                "Aucun plan d'action en projet ni aucune consultation ouverte ne peut recevoir cette décision pour le "
                "moment."
            )
        )
    priority = plan.priorities.order_by("-number").first()
    if priority is None:
        raise ValidationError(
            _(
                "Le projet de plan « %(p)s » n'a encore aucun axe : ajoutez-en un avant de lui transmettre des "
                "décisions."
            )
            % {"p": plan.title}
        )
    number = _next_free_number(plan)
    first_line = decision.statement.strip().splitlines()[0]
    measure = Measure.objects.create(
        plan=plan,
        priority=priority,
        number=number,
        title=_("Proposition : %(t)s") % {"t": first_line[:280]},
        description=f"{decision.statement.strip()}\n\n{origin}",
        origin_decision=decision,
    )
    record(
        action=AuditAction.MEASURE_FROM_DECISION,
        actor=acting_user,
        target=measure,
        organisation=plan.coordination,
        details={"decision": decision.pk, "meeting": decision.meeting_id, "plan": plan.pk},
    )
    return (_("Plan « %(p)s » : mesure proposée n° %(n)s") % {"p": plan.title, "n": number})[:REFERENCE_MAX]


def register() -> None:
    if forward_decision not in PLAN_FORWARDERS:
        register_plan_forwarder(forward_decision)
