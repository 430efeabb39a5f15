"""Consultation rounds on a frozen version: positions, comments and
amendments of the invited organisations, the coordination's answers, its
internal notes and the hearings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.audit import record
from maillage.core.transactions import step
from maillage.notifications.services import notify

from .. import selectors
from ..enums import MAX_COMMENT_DEPTH, AuditAction, Decision, PlanStatus
from ..models import (
    Amendment,
    Comment,
    ConsultationRound,
    Hearing,
    InternalNote,
    Measure,
    Plan,
    PlanVersion,
    Position,
    PrioritySetting,
)
from .common import require_coordinator
from .lifecycle import move_plan


@transaction.atomic(durable=True)
def open_round(
    *, plan: Plan, title: str, opens_at, closes_at, invited, acting_user, disabled: dict | None = None
) -> ConsultationRound:
    """Open a round on the latest frozen version. `disabled` maps a priority id
    to the set of switched-off contributions ({"positions", "comments", "amendments"})."""
    require_coordinator(acting_user)
    if closes_at <= opens_at:
        raise ValidationError(_("La clôture doit suivre l'ouverture."))
    version = plan.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(
            _("Figez d'abord une version du projet : la consultation porte sur une version numérotée.")
        )
    if plan.status == PlanStatus.DRAFT:
        move_plan(plan=plan, to=PlanStatus.CONSULTATION, acting_user=acting_user)
        plan.refresh_from_db()
    elif plan.status != PlanStatus.CONSULTATION:
        raise ValidationError(_("Un plan adopté ne peut plus être soumis à consultation."))
    round_ = ConsultationRound.objects.create(
        plan=plan, version=version, title=title, opens_at=opens_at, closes_at=closes_at, created_by=acting_user
    )
    round_.invited.set(invited)
    set_priority_switches(round_=round_, disabled=disabled or {})
    record(
        action=AuditAction.ROUND_OPENED,
        actor=acting_user,
        target=round_,
        organisation=plan.coordination,
        details={"version": version.number, "invited": len(list(invited))},
    )
    invite_members(round_=round_, memberships=selectors.round_participants(round_))
    return round_


@step
def set_priority_switches(*, round_: ConsultationRound, disabled: dict) -> None:
    """One switch row per axe of the plan (created or updated)."""
    for priority in round_.plan.priorities.all():
        off = disabled.get(priority.pk, set())
        PrioritySetting.objects.update_or_create(
            round=round_,
            priority=priority,
            defaults={
                "positions_enabled": "positions" not in off,
                "comments_enabled": "comments" not in off,
                "amendments_enabled": "amendments" not in off,
            },
        )


@step
def invite_members(*, round_: ConsultationRound, memberships) -> None:
    """The invitation notice to each active member of an invited organisation
    (idempotent: a member already told is not told twice)."""
    for membership in memberships:
        notify(
            recipient=membership.user,
            title=_("Consultation sur le plan : %(t)s") % {"t": round_.title},
            body=_("Votre organisation est invitée à donner ses positions du %(o)s au %(d)s.")
            % {
                "o": timezone.localtime(round_.opens_at).strftime("%d/%m/%Y"),
                "d": timezone.localtime(round_.closes_at).strftime("%d/%m/%Y"),
            },
            link=reverse("plans:round", args=[round_.pk]),
            organisation=membership.organisation,
            idempotency_key=f"plans-round-{round_.pk}-{membership.user_id}",
        )


@transaction.atomic(durable=True)
def update_round(
    *, round: ConsultationRound, title: str, opens_at, closes_at, invited, acting_user, disabled: dict | None = None
) -> ConsultationRound:
    """Edit a scheduled round (title, dates, invited organisations, switches
    per axe) until it opens; once open, the invited organisations contribute
    on its terms, which no longer change."""
    require_coordinator(acting_user)
    round_ = ConsultationRound.objects.select_for_update().get(pk=round.pk)
    if timezone.now() >= round_.opens_at:
        raise ValidationError(
            _(
                "La consultation est ouverte depuis le %(d)s : elle ne peut plus être modifiée, les organisations "
                "invitées contribuent déjà sur ces bases. Une consultation se modifie tant qu'elle n'est pas ouverte."
            )
            % {"d": timezone.localtime(round_.opens_at).strftime("%d/%m/%Y à %H:%M")}
        )
    if closes_at <= opens_at:
        raise ValidationError(_("La clôture doit suivre l'ouverture."))
    before = set(round_.invited.values_list("pk", flat=True))
    round_.title, round_.opens_at, round_.closes_at = title, opens_at, closes_at
    round_.save(update_fields=["title", "opens_at", "closes_at"])
    round_.invited.set(invited)
    set_priority_switches(round_=round_, disabled=disabled or {})
    after = set(round_.invited.values_list("pk", flat=True))
    record(
        action=AuditAction.ROUND_UPDATED,
        actor=acting_user,
        target=round_,
        organisation=round_.plan.coordination,
        details={"added": len(after - before), "removed": len(before - after)},
    )
    # Newly invited organisations hear of it; the others already have the link.
    invite_members(round_=round_, memberships=selectors.round_participants(round_).exclude(organisation__in=before))
    return round_


def _contribution_context(round_: ConsultationRound, measure: Measure, acting_user, *, kind: str, organisation=None):
    """Common checks of every contribution; returns the contributing organisation."""
    org = selectors.contributing_organisation(acting_user, round_, preferred=organisation)
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
                "La consultation est close depuis le %(d)s : les contributions ne peuvent plus être ajoutées ni "
                "modifiées."
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


@transaction.atomic(durable=True)
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
        action=AuditAction.POSITION_CREATED if created else AuditAction.POSITION_UPDATED,
        actor=acting_user,
        target=position,
        target_label=f"{measure}",
        organisation=round.plan.coordination,
        acting_organisation=org,
        details={"value": value},
    )
    return position


@transaction.atomic(durable=True)
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
        action=AuditAction.COMMENT_CREATED,
        actor=acting_user,
        target=comment,
        target_label=f"{measure}",
        organisation=round.plan.coordination,
        acting_organisation=org,
    )
    return comment


@transaction.atomic(durable=True)
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
                "Cet amendement vise la version %(v)s du plan ; la consultation porte sur la version %(r)s. Rechargez "
                "la page et rédigez-le sur le texte soumis à consultation."
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
        action=AuditAction.AMENDMENT_CREATED,
        actor=acting_user,
        target=amendment,
        target_label=f"{measure}",
        organisation=round.plan.coordination,
        acting_organisation=org,
    )
    return amendment


@transaction.atomic(durable=True)
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
        action=AuditAction.AMENDMENT_WITHDRAWN,
        actor=acting_user,
        target=amendment,
        organisation=amendment.round.plan.coordination,
        acting_organisation=org,
    )
    return amendment


@transaction.atomic(durable=True)
def answer_amendment(
    *, amendment: Amendment, recommendation: str, decision: str, answer: str, acting_user
) -> Amendment:
    """The coordination's recommendation and decision, recorded apart (OpenSlides)."""
    require_coordinator(acting_user)
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
        action=AuditAction.AMENDMENT_ANSWERED,
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


@transaction.atomic(durable=True)
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
    require_coordinator(acting_user)
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
        action=AuditAction.NOTE_CREATED,
        actor=acting_user,
        target=note,
        target_label=str(round),
        organisation=round.plan.coordination,
        details={"measure": measure.pk if measure else None, "amendment": amendment.pk if amendment else None},
    )
    return note


@transaction.atomic(durable=True)
def record_hearing(
    *, round: ConsultationRound, organisation, date, participants: str, summary: str, acting_user
) -> Hearing:
    require_coordinator(acting_user)
    if not selectors.hearing_organisations(round).filter(pk=organisation.pk).exists():
        raise ValidationError(
            _(
                "« %(o)s » n'est ni invitée à cette consultation ni coordinatrice d'un réseau dont un membre est "
                "invité : elle ne peut pas y être entendue."
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
        action=AuditAction.HEARING_CREATED,
        actor=acting_user,
        target=hearing,
        target_label=str(organisation),
        organisation=round.plan.coordination,
    )
    return hearing
