"""Every write of the plans domain.

Each function is keyword-only, runs in one transaction, checks the policy and
writes its audit row in that same transaction (style.md, Zulip actions).
Refusals are `ValidationError`s carrying a French message the views show as
is: a contribution after closing is a normal event, not an error page.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.audit import record
from maillage.notifications.services import notify
from maillage.organisations.models import Membership
from maillage.organisations.selectors import active_memberships

from . import policies
from .enums import MAX_COMMENT_DEPTH, PLAN_TRANSITIONS, Decision, PlanStatus
from .models import (
    Amendment,
    Comment,
    ConsultationRound,
    Hearing,
    Indicator,
    InternalNote,
    Measure,
    Measurement,
    Milestone,
    Plan,
    PlanVersion,
    Position,
    Priority,
    PrioritySetting,
    ProgressReport,
    SubAction,
)
from .rollup import weighted_progress
from .selectors import hearing_organisations


def _require_coordinator(user) -> None:
    if not policies.can_manage_plans(user):
        raise PermissionDenied


def _coordination_of(user):
    membership = active_memberships(user).filter(role="coordinator", organisation__type="coordination").first()
    return membership.organisation if membership else None


def _check_percent(value, label=None) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("L'avancement doit être un nombre entier entre 0 et 100.")) from None
    if not 0 <= value <= 100:
        raise ValidationError(
            _("L'avancement doit être compris entre 0 et 100 %% (valeur reçue : %(value)s).") % {"value": value}
        )
    return value


# --- Structure -----------------------------------------------------------------


@transaction.atomic
def create_plan(*, title: str, period_start, period_end, acting_user) -> Plan:
    _require_coordinator(acting_user)
    if period_end < period_start:
        raise ValidationError(_("La fin de la période doit suivre son début."))
    plan = Plan.objects.create(
        title=title, period_start=period_start, period_end=period_end, coordination=_coordination_of(acting_user)
    )
    record(action="plans.plan.create", actor=acting_user, target=plan, organisation=plan.coordination)
    return plan


def _require_draft(plan: Plan) -> None:
    # Read the status from the database: the caller's instance may be stale.
    if Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first() != PlanStatus.DRAFT:
        raise ValidationError(_("Le texte du plan ne peut être modifié qu'à l'état de projet."))


@transaction.atomic
def add_priority(*, plan: Plan, number: int, title: str, description: str = "", acting_user) -> Priority:
    _require_coordinator(acting_user)
    _require_draft(plan)
    if plan.priorities.filter(number=number).exists():
        raise ValidationError(_("Un axe porte déjà le numéro %(n)s.") % {"n": number})
    priority = Priority.objects.create(plan=plan, number=number, title=title, description=description)
    record(action="plans.priority.create", actor=acting_user, target=priority, organisation=plan.coordination)
    return priority


@transaction.atomic
def save_measure(
    *, plan: Plan, measure: Measure | None = None, acting_user, co_leads=(), partners=(), **fields
) -> Measure:
    """Create or update a measure of a draft plan."""
    _require_coordinator(acting_user)
    _require_draft(plan)
    if fields.get("priority") is not None and fields["priority"].plan_id != plan.pk:
        raise ValidationError(_("Cet axe n'appartient pas à ce plan."))
    number = fields.get("number")
    clash = plan.measures.filter(number=number)
    if measure is not None:
        clash = clash.exclude(pk=measure.pk)
    if number is not None and clash.exists():
        raise ValidationError(_("Une mesure porte déjà le numéro %(n)s.") % {"n": number})
    creating = measure is None
    measure = measure or Measure(plan=plan)
    for key, value in fields.items():
        setattr(measure, key, value)
    measure.save()
    measure.co_leads.set(co_leads)
    measure.partners.set(partners)
    record(
        action="plans.measure.create" if creating else "plans.measure.update",
        actor=acting_user,
        target=measure,
        organisation=plan.coordination,
    )
    return measure


def measure_dependents(measure: Measure) -> dict[str, int]:
    """What deleting this measure would touch: its follow-up (deleted with it)
    and the consultation contributions it received (which forbid deleting it)."""
    return {
        "sub_actions": measure.sub_actions.count(),
        "milestones": measure.milestones.count(),
        "indicators": measure.indicators.count(),
        "measurements": Measurement.objects.filter(indicator__measure=measure).count(),
        "reports": measure.reports.count(),
        "contributions": (
            measure.positions.count()
            + measure.comments.count()
            + measure.amendments.count()
            + InternalNote.objects.filter(Q(measure=measure) | Q(amendment__measure=measure)).count()
        ),
    }


def measure_deletion_refusal(*, plan: Plan, measure: Measure, dependents: dict[str, int]) -> str | None:
    """The French reason why this measure cannot be deleted, or None (also shown
    on the confirmation page, so the refusal is explained before any click)."""
    if plan.status != PlanStatus.DRAFT:
        return _(
            "Une mesure ne peut être supprimée que tant que le plan est à l'état de projet (statut actuel : « %(s)s »)."
        ) % {"s": plan.get_status_display()}
    if dependents["contributions"]:
        return _(
            "La mesure %(n)s a reçu %(c)s contribution(s) lors d'une consultation (positions, commentaires, amendements ou notes) : "
            "elle ne peut pas être supprimée, car ces contributions et les réponses de la coordination doivent rester consultables. "
            "Reformulez-la plutôt."
        ) % {"n": measure.number, "c": dependents["contributions"]}
    return None


@transaction.atomic
def delete_measure(*, measure: Measure, acting_user) -> Plan:
    """Delete a measure of a draft plan, e.g. a proposal forwarded from a working
    group that the coordination drops rather than rewords.

    - Draft only (like every edit of the text), read from the locked plan row.
    - Refused when the measure received contributions in a consultation round
      (positions, comments, amendments, internal notes): they and the answers
      to them stay readable on the round's pages; reword the measure instead.
    - Its follow-up (sub-actions, milestones, indicators and their values,
      progress reports) goes with it.
    - Frozen versions are snapshots and keep it; the remaining measures are not
      renumbered (numbers are references people cite)."""
    _require_coordinator(acting_user)
    plan = Plan.objects.select_for_update().get(pk=measure.plan_id)
    measure = Measure.objects.select_for_update(of=("self",)).select_related("priority").get(pk=measure.pk)
    dependents = measure_dependents(measure)
    refusal = measure_deletion_refusal(plan=plan, measure=measure, dependents=dependents)
    if refusal:
        raise ValidationError(refusal)
    details = {
        "measure": measure.pk,
        "number": measure.number,
        "title": measure.title,
        "priority_number": measure.priority.number,
        "origin_decision": measure.origin_decision_id,
        "in_versions": [v.number for v in plan.versions.order_by("number") if measure.pk in v.measure_ids()],
        **{f"{key}_deleted": n for key, n in dependents.items() if key != "contributions"},
    }
    if measure.origin_decision_id:
        from .forwarding import note_forwarded_measure_deleted

        note_forwarded_measure_deleted(measure=measure, acting_user=acting_user)
    measure.delete()
    record(
        action="plans.measure.delete", actor=acting_user, target=plan, organisation=plan.coordination, details=details
    )
    return plan


def recompute_progress(measure: Measure) -> int:
    """Roll the measure's progress up from its sub-actions; with none, take the
    default progress of its workflow status (Decidim)."""
    value = weighted_progress(measure.sub_actions.values_list("progress", "weight"))
    if value is None and measure.status is not None:
        value = measure.status.default_progress
    if value is not None:
        measure.progress = value
        measure.progress_updated_at = timezone.now()
        measure.save(update_fields=["progress", "progress_updated_at"])
    return measure.progress


@transaction.atomic
def set_sub_action_progress(*, sub_action: SubAction, progress, acting_user) -> SubAction:
    measure = sub_action.measure
    if not (policies.can_manage_plans(acting_user) or policies.can_report_on(acting_user, measure)):
        raise PermissionDenied
    _require_not_closed(measure.plan_id)
    sub_action.progress = _check_percent(progress)
    sub_action.save(update_fields=["progress"])
    recompute_progress(measure)
    record(
        action="plans.subaction.progress",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={"sub_action": sub_action.pk, "progress": sub_action.progress},
    )
    return sub_action


@transaction.atomic
def add_sub_action(*, measure: Measure, title: str, weight: int | None = None, acting_user) -> SubAction:
    _require_coordinator(acting_user)
    _require_not_closed(measure.plan_id)
    _check_weight(weight)
    sub_action = SubAction.objects.create(measure=measure, title=title, weight=weight)
    recompute_progress(measure)
    record(
        action="plans.subaction.create",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={"sub_action": sub_action.pk},
    )
    return sub_action


@transaction.atomic
def add_milestone(*, measure: Measure, title: str, due_date, acting_user) -> Milestone:
    _require_coordinator(acting_user)
    _require_not_closed(measure.plan_id)
    milestone = Milestone.objects.create(measure=measure, title=title, due_date=due_date)
    record(
        action="plans.milestone.create",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={"milestone": milestone.pk},
    )
    return milestone


@transaction.atomic
def add_indicator(*, measure: Measure, acting_user, **fields) -> Indicator:
    _require_coordinator(acting_user)
    _require_not_closed(measure.plan_id)
    indicator = Indicator.objects.create(measure=measure, **fields)
    record(
        action="plans.indicator.create", actor=acting_user, target=indicator, organisation=measure.plan.coordination
    )
    return indicator


@transaction.atomic
def record_measurement(*, indicator: Indicator, value, date, departement: str = "", acting_user) -> Measurement:
    """Entered by the responsible bodies (or the coordination); public once validated."""
    measure = indicator.measure
    if not (policies.can_manage_plans(acting_user) or policies.can_report_on(acting_user, measure)):
        raise PermissionDenied
    _require_not_closed(measure.plan_id)
    measurement = Measurement.objects.create(
        indicator=indicator, value=value, date=date, departement=departement, entered_by=acting_user
    )
    record(
        action="plans.measurement.create",
        actor=acting_user,
        target=measurement,
        organisation=measure.plan.coordination,
    )
    return measurement


@transaction.atomic
def validate_measurement(*, measurement: Measurement, acting_user) -> Measurement:
    _require_coordinator(acting_user)
    _require_not_closed(measurement.indicator.measure.plan_id)
    if measurement.validated_at is not None:
        raise ValidationError(_("Cette valeur a déjà été validée."))
    measurement.validated_by = acting_user
    measurement.validated_at = timezone.now()
    measurement.save(update_fields=["validated_by", "validated_at"])
    record(
        action="plans.measurement.validate",
        actor=acting_user,
        target=measurement,
        organisation=measurement.indicator.measure.plan.coordination,
    )
    return measurement


# --- Editing the follow-up (sub-actions, milestones, indicators) -------------------


def _require_not_closed(plan_id: int) -> None:
    """The follow-up of a closed plan is history: it is no longer edited."""
    if Plan.objects.filter(pk=plan_id).values_list("status", flat=True).first() == PlanStatus.CLOSED:
        raise ValidationError(
            _("Le plan est clos : son suivi (actions, jalons, indicateurs) ne peut plus être modifié.")
        )


def _check_weight(weight) -> int | None:
    if weight is not None and weight <= 0:
        raise ValidationError(_("Le poids d'une action doit être un entier positif."))
    return weight


@transaction.atomic
def update_sub_action(*, sub_action: SubAction, title: str, weight: int | None = None, acting_user) -> SubAction:
    _require_coordinator(acting_user)
    sub_action = (
        SubAction.objects.select_for_update(of=("self",))
        .select_related("measure__plan", "measure__status")
        .get(pk=sub_action.pk)
    )
    measure = sub_action.measure
    _require_not_closed(measure.plan_id)
    if not title.strip():
        raise ValidationError(_("Donnez un intitulé à l'action."))
    before = {"title": sub_action.title, "weight": sub_action.weight}
    sub_action.title, sub_action.weight = title, _check_weight(weight)
    sub_action.save(update_fields=["title", "weight"])
    progress = recompute_progress(measure)
    record(
        action="plans.subaction.update",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={
            "sub_action": sub_action.pk,
            "before": before,
            "after": {"title": title, "weight": sub_action.weight},
            "measure_progress": progress,
        },
    )
    return sub_action


@transaction.atomic
def delete_sub_action(*, sub_action: SubAction, acting_user) -> Measure:
    """Delete a sub-action and roll the measure's progress up again from the others."""
    _require_coordinator(acting_user)
    sub_action = (
        SubAction.objects.select_for_update(of=("self",))
        .select_related("measure__plan", "measure__status")
        .get(pk=sub_action.pk)
    )
    measure = sub_action.measure
    _require_not_closed(measure.plan_id)
    details = {
        "sub_action": sub_action.pk,
        "title": sub_action.title,
        "weight": sub_action.weight,
        "progress": sub_action.progress,
    }
    sub_action.delete()
    details["measure_progress"] = recompute_progress(measure)
    record(
        action="plans.subaction.delete",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details=details,
    )
    return measure


@transaction.atomic
def update_milestone(*, milestone: Milestone, title: str, due_date, acting_user) -> Milestone:
    _require_coordinator(acting_user)
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=milestone.pk)
    _require_not_closed(milestone.measure.plan_id)
    if not title.strip():
        raise ValidationError(_("Donnez un intitulé au jalon."))
    before = {"title": milestone.title, "due_date": milestone.due_date.isoformat()}
    milestone.title, milestone.due_date = title, due_date
    milestone.save(update_fields=["title", "due_date"])
    record(
        action="plans.milestone.update",
        actor=acting_user,
        target=milestone.measure,
        organisation=milestone.measure.plan.coordination,
        details={
            "milestone": milestone.pk,
            "before": before,
            "after": {"title": title, "due_date": due_date.isoformat()},
        },
    )
    return milestone


@transaction.atomic
def delete_milestone(*, milestone: Milestone, acting_user) -> Measure:
    _require_coordinator(acting_user)
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=milestone.pk)
    measure = milestone.measure
    _require_not_closed(measure.plan_id)
    details = {"milestone": milestone.pk, "title": milestone.title, "due_date": milestone.due_date.isoformat()}
    milestone.delete()
    record(
        action="plans.milestone.delete",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details=details,
    )
    return measure


@transaction.atomic
def set_milestone_reached(*, milestone: Milestone, reached_on, acting_user) -> Milestone:
    """Mark a milestone reached on a date (or not reached, with None).

    Like sub-action progress, this is follow-up information: the coordination
    and the members of the measure's lead or co-lead organisations may record it."""
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=milestone.pk)
    measure = milestone.measure
    if not (policies.can_manage_plans(acting_user) or policies.can_report_on(acting_user, measure)):
        raise PermissionDenied
    _require_not_closed(measure.plan_id)
    if reached_on is not None and reached_on > timezone.localdate():
        raise ValidationError(_("La date à laquelle le jalon a été atteint ne peut pas être dans le futur."))
    previous = milestone.reached_on
    milestone.reached_on = reached_on
    milestone.save(update_fields=["reached_on"])
    record(
        action="plans.milestone.reached" if reached_on else "plans.milestone.unreached",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={
            "milestone": milestone.pk,
            "before": previous.isoformat() if previous else None,
            "reached_on": reached_on.isoformat() if reached_on else None,
        },
    )
    return milestone


INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "source",
    "method",
)


def _jsonable(value):
    return value if value is None or isinstance(value, (str, int)) else str(value)


@transaction.atomic
def update_indicator(*, indicator: Indicator, acting_user, **fields) -> Indicator:
    _require_coordinator(acting_user)
    indicator = Indicator.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=indicator.pk)
    _require_not_closed(indicator.measure.plan_id)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown indicator fields: {sorted(unknown)}")
    if not (fields.get("name", indicator.name) or "").strip():
        raise ValidationError(_("Donnez un nom à l'indicateur."))
    changes = {}
    for key, value in fields.items():
        if getattr(indicator, key) != value:
            changes[key] = {"before": _jsonable(getattr(indicator, key)), "after": _jsonable(value)}
            setattr(indicator, key, value)
    indicator.save()
    record(
        action="plans.indicator.update",
        actor=acting_user,
        target=indicator,
        organisation=indicator.measure.plan.coordination,
        details={"changes": changes},
    )
    return indicator


@transaction.atomic
def delete_indicator(*, indicator: Indicator, acting_user) -> Measure:
    """Refused once a value has been validated: published figures stay traceable.
    Values still awaiting validation are deleted with the indicator."""
    _require_coordinator(acting_user)
    indicator = Indicator.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=indicator.pk)
    measure = indicator.measure
    _require_not_closed(measure.plan_id)
    validated = indicator.measurements.filter(validated_at__isnull=False).count()
    if validated:
        raise ValidationError(
            _(
                "L'indicateur « %(name)s » a %(n)s valeur(s) validée(s) et publiée(s) : il ne peut pas être supprimé. Modifiez-le plutôt (nom, méthode, cible)."
            )
            % {"name": indicator.name, "n": validated}
        )
    details = {
        "indicator": indicator.pk,
        "indicator_label": indicator.name,
        "pending_values_deleted": indicator.measurements.count(),
    }
    indicator.delete()
    record(
        action="plans.indicator.delete",
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details=details,
    )
    return measure


# --- Lifecycle and versions ----------------------------------------------------------


def snapshot_of(plan: Plan) -> dict:
    measures = plan.measures.select_related("priority", "lead").order_by("number")
    return {
        "title": plan.title,
        "priorities": [{"id": p.pk, "number": p.number, "title": p.title} for p in plan.priorities.order_by("number")],
        "measures": [
            {
                "id": m.pk,
                "number": m.number,
                "priority_number": m.priority.number,
                "title": m.title,
                "description": m.description,
                "lead": m.lead.display_name if m.lead else "",
                "deadline": m.deadline.isoformat() if m.deadline else "",
            }
            for m in measures
        ],
    }


@transaction.atomic
def freeze_version(*, plan: Plan, changelog: str, acting_user, _allow_any_status: bool = False) -> PlanVersion:
    _require_coordinator(acting_user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not _allow_any_status:
        _require_draft(plan)
    last = plan.versions.order_by("-number").first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=(last.number + 1) if last else 1,
        changelog=changelog,
        snapshot=snapshot_of(plan),
        created_by=acting_user,
    )
    record(
        action="plans.version.freeze",
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details={"version": version.number},
    )
    return version


@transaction.atomic
def transition_plan(*, plan: Plan, to: str, acting_user, changelog: str = "") -> Plan:
    _require_coordinator(acting_user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if to not in PLAN_TRANSITIONS.get(plan.status, set()):
        raise ValidationError(
            _("Le plan ne peut pas passer de « %(a)s » à « %(b)s ».")
            % {"a": PlanStatus(plan.status).label, "b": PlanStatus(to).label if to in PlanStatus.values else to}
        )
    if to == PlanStatus.CONSULTATION and not plan.versions.exists():
        raise ValidationError(
            _("Figez d'abord une version du projet : la consultation porte sur une version numérotée.")
        )
    if to == PlanStatus.ADOPTED:
        if plan.rounds.filter(closes_at__gt=timezone.now()).exists():
            raise ValidationError(
                _("Une consultation est encore ouverte ou à venir : attendez sa clôture avant l'adoption.")
            )
        # Adoption freezes the adopted text as its own numbered version.
        version = freeze_version(
            plan=plan, changelog=changelog or _("Version adoptée"), acting_user=acting_user, _allow_any_status=True
        )
        plan.adopted_version = version
        plan.adopted_at = timezone.now()
        if plan.next_reporting_date is None:
            plan.next_reporting_date = timezone.localdate() + timedelta(days=plan.reporting_interval_days)
    previous = plan.status
    plan.status = to
    plan.save()
    record(
        action="plans.plan.transition",
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details={"from": previous, "to": to},
    )
    return plan


# --- Consultation ------------------------------------------------------------------


@transaction.atomic
def open_round(
    *, plan: Plan, title: str, opens_at, closes_at, invited, acting_user, disabled: dict | None = None
) -> ConsultationRound:
    """Open a round on the latest frozen version. `disabled` maps a priority id
    to the set of switched-off contributions ({"positions", "comments", "amendments"})."""
    _require_coordinator(acting_user)
    if closes_at <= opens_at:
        raise ValidationError(_("La clôture doit suivre l'ouverture."))
    version = plan.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(
            _("Figez d'abord une version du projet : la consultation porte sur une version numérotée.")
        )
    if plan.status == PlanStatus.DRAFT:
        transition_plan(plan=plan, to=PlanStatus.CONSULTATION, acting_user=acting_user)
        plan.refresh_from_db()
    elif plan.status != PlanStatus.CONSULTATION:
        raise ValidationError(_("Un plan adopté ne peut plus être soumis à consultation."))
    round_ = ConsultationRound.objects.create(
        plan=plan, version=version, title=title, opens_at=opens_at, closes_at=closes_at, created_by=acting_user
    )
    round_.invited.set(invited)
    disabled = disabled or {}
    for priority in plan.priorities.all():
        off = disabled.get(priority.pk, set())
        PrioritySetting.objects.create(
            round=round_,
            priority=priority,
            positions_enabled="positions" not in off,
            comments_enabled="comments" not in off,
            amendments_enabled="amendments" not in off,
        )
    record(
        action="plans.round.open",
        actor=acting_user,
        target=round_,
        organisation=plan.coordination,
        details={"version": version.number, "invited": len(list(invited))},
    )
    for membership in Membership.objects.active().filter(organisation__in=round_.invited.all()).select_related("user"):
        notify(
            recipient=membership.user,
            title=_("Consultation sur le plan : %(t)s") % {"t": round_.title},
            body=_("Votre organisation est invitée à donner ses positions jusqu'au %(d)s.")
            % {"d": timezone.localtime(closes_at).strftime("%d/%m/%Y")},
            link=reverse("plans:round", args=[round_.pk]),
            organisation=membership.organisation,
            idempotency_key=f"plans-round-{round_.pk}-{membership.user_id}",
        )
    return round_


def _contribution_context(round_: ConsultationRound, measure: Measure, acting_user, *, kind: str, organisation=None):
    """Common checks of every contribution; returns the contributing organisation."""
    org = policies.contributing_organisation(acting_user, round_, preferred=organisation)
    if org is None:
        raise PermissionDenied
    now = timezone.now()
    if now < round_.opens_at:
        raise ValidationError(
            _("La consultation n'est pas encore ouverte : les contributions seront possibles à partir du %(d)s.")
            % {"d": timezone.localtime(round_.opens_at).strftime("%d/%m/%Y à %H:%M")}
        )
    if now >= round_.closes_at:
        raise ValidationError(
            _(
                "La consultation est close depuis le %(d)s : les contributions ne peuvent plus être ajoutées ni modifiées."
            )
            % {"d": timezone.localtime(round_.closes_at).strftime("%d/%m/%Y à %H:%M")}
        )
    if measure.plan_id != round_.plan_id or measure.pk not in round_.version.measure_ids():
        raise ValidationError(_("Cette mesure ne fait pas partie de la version soumise à consultation."))
    setting = round_.priority_settings.filter(priority_id=measure.priority_id).first()
    if setting is not None and not getattr(setting, f"{kind}_enabled"):
        labels = {
            "positions": _("Les positions"),
            "comments": _("Les commentaires"),
            "amendments": _("Les amendements"),
        }
        raise ValidationError(_("%(what)s ne sont pas ouverts sur cet axe.") % {"what": labels[kind]})
    return org


@transaction.atomic
def submit_position(
    *, round: ConsultationRound, measure: Measure, value: str, argument: str, acting_user, organisation=None
) -> Position:
    """One position per organisation and measure: a second submission updates the first."""
    org = _contribution_context(round, measure, acting_user, kind="positions", organisation=organisation)
    position, created = Position.objects.update_or_create(
        round=round,
        organisation=org,
        measure=measure,
        defaults={"value": value, "argument": argument, "author": acting_user},
    )
    record(
        action="plans.position.create" if created else "plans.position.update",
        actor=acting_user,
        target=position,
        target_label=f"{measure}",
        organisation=round.plan.coordination,
        acting_organisation=org,
        details={"value": value},
    )
    return position


@transaction.atomic
def add_comment(
    *,
    round: ConsultationRound,
    measure: Measure,
    body: str,
    stance: str,
    acting_user,
    parent: Comment | None = None,
    organisation=None,
) -> Comment:
    org = _contribution_context(round, measure, acting_user, kind="comments", organisation=organisation)
    depth = 1
    if parent is not None:
        if parent.round_id != round.pk or parent.measure_id != measure.pk:
            raise ValidationError(_("La réponse doit porter sur la même mesure."))
        depth = parent.depth + 1
        if depth > MAX_COMMENT_DEPTH:
            raise ValidationError(
                _("Les fils de discussion sont limités à %(n)s niveaux : répondez au commentaire précédent.")
                % {"n": MAX_COMMENT_DEPTH}
            )
    comment = Comment.objects.create(
        round=round,
        measure=measure,
        organisation=org,
        author=acting_user,
        parent=parent,
        depth=depth,
        stance=stance,
        body=body,
    )
    record(
        action="plans.comment.create",
        actor=acting_user,
        target=comment,
        target_label=f"{measure}",
        organisation=round.plan.coordination,
        acting_organisation=org,
    )
    return comment


@transaction.atomic
def propose_amendment(
    *,
    round: ConsultationRound,
    measure: Measure,
    version: PlanVersion,
    field: str,
    proposed_text: str,
    rationale: str,
    sources: str = "",
    acting_user,
    organisation=None,
) -> Amendment:
    if version.pk != round.version_id:
        raise ValidationError(
            _(
                "Cet amendement vise la version %(v)s du plan ; la consultation porte sur la version %(r)s. Rechargez la page et rédigez-le sur le texte soumis à consultation."
            )
            % {"v": version.number, "r": round.version.number}
        )
    org = _contribution_context(round, measure, acting_user, kind="amendments", organisation=organisation)
    amendment = Amendment.objects.create(
        round=round,
        version=version,
        measure=measure,
        organisation=org,
        author=acting_user,
        field=field,
        proposed_text=proposed_text,
        rationale=rationale,
        sources=sources,
    )
    record(
        action="plans.amendment.create",
        actor=acting_user,
        target=amendment,
        target_label=f"{measure}",
        organisation=round.plan.coordination,
        acting_organisation=org,
    )
    return amendment


@transaction.atomic
def withdraw_amendment(*, amendment: Amendment, acting_user) -> Amendment:
    org = _contribution_context(
        amendment.round, amendment.measure, acting_user, kind="amendments", organisation=amendment.organisation
    )
    if org.pk != amendment.organisation_id:
        raise PermissionDenied
    if amendment.decision != Decision.PENDING:
        raise ValidationError(_("Cet amendement a déjà reçu une décision."))
    amendment.decision = Decision.WITHDRAWN
    amendment.save(update_fields=["decision"])
    record(
        action="plans.amendment.withdraw",
        actor=acting_user,
        target=amendment,
        organisation=amendment.round.plan.coordination,
        acting_organisation=org,
    )
    return amendment


@transaction.atomic
def answer_amendment(
    *, amendment: Amendment, recommendation: str, decision: str, answer: str, acting_user
) -> Amendment:
    """The coordination's recommendation and decision, recorded apart (OpenSlides)."""
    _require_coordinator(acting_user)
    if decision not in (Decision.PENDING,) and not answer.strip():
        raise ValidationError(_("Une décision s'accompagne d'une réponse motivée que la contribution verra."))
    if amendment.decision == Decision.WITHDRAWN:
        raise ValidationError(_("Cet amendement a été retiré par son auteur."))
    amendment.recommendation = recommendation
    amendment.decision = decision
    amendment.answer = answer
    amendment.answered_by = acting_user
    amendment.answered_at = timezone.now()
    amendment.save()
    record(
        action="plans.amendment.answer",
        actor=acting_user,
        target=amendment,
        organisation=amendment.round.plan.coordination,
        details={"recommendation": recommendation, "decision": decision},
    )
    if decision != Decision.PENDING:
        notify(
            recipient=amendment.author,
            title=_("Réponse à votre amendement sur la mesure %(n)s") % {"n": amendment.measure.number},
            body=answer[:500],
            link=reverse("plans:round_measure", args=[amendment.round_id, amendment.measure_id]),
            organisation=amendment.organisation,
            idempotency_key=f"plans-amendment-{amendment.pk}-{decision}",
        )
    return amendment


@transaction.atomic
def add_internal_note(
    *,
    round: ConsultationRound,
    body: str,
    acting_user,
    measure: Measure | None = None,
    amendment: Amendment | None = None,
) -> InternalNote:
    """An internal note of the coordination (OpenSlides' internal comment
    section): on the round, on one of its measures, or on one of its
    amendments (then also filed under the amendment's measure), so that it
    sits beside the shared discussion it is about. Never shown to the
    consulted organisations nor exported."""
    _require_coordinator(acting_user)
    if amendment is not None:
        if amendment.round_id != round.pk:
            raise ValidationError(_("Cet amendement n'appartient pas à cette consultation."))
        measure = amendment.measure
    if measure is not None and (measure.plan_id != round.plan_id or measure.pk not in round.version.measure_ids()):
        raise ValidationError(_("Cette mesure ne fait pas partie de la version soumise à consultation."))
    if not body.strip():
        raise ValidationError(_("La note est vide."))
    note = InternalNote.objects.create(
        round=round, body=body, author=acting_user, measure=measure, amendment=amendment
    )
    record(
        action="plans.note.create",
        actor=acting_user,
        target=note,
        target_label=str(round),
        organisation=round.plan.coordination,
        details={"measure": measure.pk if measure else None, "amendment": amendment.pk if amendment else None},
    )
    return note


@transaction.atomic
def record_hearing(
    *, round: ConsultationRound, organisation, date, participants: str, summary: str, acting_user
) -> Hearing:
    _require_coordinator(acting_user)
    if not hearing_organisations(round).filter(pk=organisation.pk).exists():
        raise ValidationError(
            _(
                "« %(o)s » n'est ni invitée à cette consultation ni coordinatrice d'un réseau dont un membre est invité : elle ne peut pas y être entendue."
            )
            % {"o": organisation}
        )
    hearing = Hearing.objects.create(
        round=round,
        organisation=organisation,
        date=date,
        participants=participants,
        summary=summary,
        recorded_by=acting_user,
    )
    record(
        action="plans.hearing.create",
        actor=acting_user,
        target=hearing,
        target_label=str(organisation),
        organisation=round.plan.coordination,
    )
    return hearing


# --- Implementation ------------------------------------------------------------------


@transaction.atomic
def submit_progress_report(
    *,
    measure: Measure,
    status,
    progress,
    health: str,
    completion: str,
    comment: str = "",
    evidence: str = "",
    acting_user,
) -> ProgressReport:
    if not policies.can_report_on(acting_user, measure):
        raise PermissionDenied
    report = ProgressReport.objects.create(
        measure=measure,
        organisation=policies.reporting_organisation(acting_user, measure),
        status=status,
        progress=_check_percent(progress),
        health=health,
        completion=completion,
        comment=comment,
        evidence=evidence,
        submitted_by=acting_user,
    )
    record(
        action="plans.report.submit",
        actor=acting_user,
        target=report,
        target_label=str(measure),
        organisation=measure.plan.coordination,
        acting_organisation=report.organisation,
    )
    return report


def _apply(measure: Measure, *, status, progress: int, health: str, completion: str) -> None:
    measure.status = status
    measure.progress = progress
    measure.health = health
    measure.completion = completion
    measure.progress_updated_at = timezone.now()
    measure.save(update_fields=["status", "progress", "health", "completion", "progress_updated_at"])


@transaction.atomic
def validate_progress_report(*, report: ProgressReport, acting_user) -> ProgressReport:
    _require_coordinator(acting_user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    # A report still pending when the plan closed no longer changes its history.
    _require_not_closed(report.measure.plan_id)
    if report.validated_at is not None:
        raise ValidationError(_("Ce compte rendu a déjà été validé."))
    report.validated_by = acting_user
    report.validated_at = timezone.now()
    report.save(update_fields=["validated_by", "validated_at"])
    _apply(
        report.measure,
        status=report.status,
        progress=report.progress,
        health=report.health,
        completion=report.completion,
    )
    record(
        action="plans.report.validate",
        actor=acting_user,
        target=report,
        target_label=str(report.measure),
        organisation=report.measure.plan.coordination,
    )
    notify(
        recipient=report.submitted_by,
        title=_("Compte rendu validé : mesure %(n)s") % {"n": report.measure.number},
        link=reverse("plans:reporting"),
        organisation=report.organisation,
        idempotency_key=f"plans-report-validated-{report.pk}",
    )
    return report


@transaction.atomic
def apply_progress_rows(*, plan: Plan, rows: list[dict], acting_user) -> int:
    """Apply already-checked rows of an imported progress file, all or nothing
    (refused once the plan is closed: its follow-up is history)."""
    _require_coordinator(acting_user)
    _require_not_closed(plan.pk)
    measures = {m.number: m for m in plan.measures.select_for_update()}
    for row in rows:
        _apply(
            measures[row["number"]],
            status=row["status"],
            progress=row["progress"],
            health=row["health"],
            completion=row["completion"],
        )
    record(
        action="plans.progress.import",
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details={"rows": len(rows)},
    )
    return len(rows)


def send_reporting_reminders(*, today=None) -> int:
    """Remind responsible bodies before each reporting date (DORA-style scheduled
    reminders). Idempotent per plan, date, measure and person."""
    from .enums import REMINDER_DAYS_BEFORE

    today = today or timezone.localdate()
    sent = 0
    plans = Plan.objects.filter(
        status__in=(PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION), next_reporting_date__isnull=False
    )
    for plan in plans:
        if plan.next_reporting_date < today:
            # The date passed: move the schedule on so the next reminder comes.
            with transaction.atomic():
                while plan.next_reporting_date < today:
                    plan.next_reporting_date += timedelta(days=plan.reporting_interval_days)
                plan.save(update_fields=["next_reporting_date"])
        if (plan.next_reporting_date - today).days > REMINDER_DAYS_BEFORE:
            continue
        for measure in plan.measures.select_related("lead").prefetch_related("co_leads"):
            orgs = [measure.lead, *measure.co_leads.all()] if measure.lead else list(measure.co_leads.all())
            for membership in Membership.objects.active().filter(organisation__in=orgs).select_related("user"):
                with transaction.atomic():
                    created = notify(
                        recipient=membership.user,
                        title=_("Compte rendu attendu : mesure %(n)s du plan") % {"n": measure.number},
                        body=_("Merci de rendre compte de l'avancement avant le %(d)s.")
                        % {"d": plan.next_reporting_date.strftime("%d/%m/%Y")},
                        link=reverse("plans:report", args=[measure.pk]),
                        organisation=membership.organisation,
                        idempotency_key=f"plans-reminder-{plan.pk}-{plan.next_reporting_date.isoformat()}-{measure.pk}-{membership.user_id}",
                    )
                sent += created is not None
    return sent
