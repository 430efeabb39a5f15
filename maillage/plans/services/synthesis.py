"""The coordination's written synthesis of a consultation round (issue 10,
item 10): an overall text and, measure by measure, what is retained, partly
retained or not, and why. Saved as a draft as often as needed, published
once to the invited organisations (an in-app notice to each of their active
members, and a section of the round's page), then frozen: what was answered
to the consulted network is not rewritten afterwards."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.audit import record
from maillage.core.transactions import step
from maillage.notifications.services import notify

from .. import selectors
from ..enums import AuditAction, MeasureOutcome
from ..models import ConsultationRound, Synthesis, SynthesisItem
from .common import require_coordinator

NEEDS_REASON = (MeasureOutcome.PARTIALLY, MeasureOutcome.NOT_RETAINED)


def _check_items(round_: ConsultationRound, items: dict) -> dict[int, tuple[str, str]]:
    """`items` maps a measure id of the consulted version to (outcome, reason)."""
    numbers = selectors.consulted_measure_numbers(round_)
    checked = {}
    for measure_id, (outcome, reason) in items.items():
        if measure_id not in numbers:
            raise ValidationError(_("Cette mesure ne fait pas partie de la version soumise à consultation."))
        if outcome and outcome not in MeasureOutcome.values:
            raise ValidationError(_("Suite donnée inconnue pour la mesure %(n)s.") % {"n": numbers[measure_id]})
        reason = (reason or "").strip()
        if outcome in NEEDS_REASON and not reason:
            raise ValidationError(
                _(
                    "Mesure %(n)s : dites pourquoi elle n'est pas retenue, ou seulement en partie ; les organisations "
                    "consultées liront ces motifs."
                )
                % {"n": numbers[measure_id]}
            )
        checked[measure_id] = (outcome or "", reason)
    return checked


@step
def write_synthesis_items(*, synthesis: Synthesis, items: dict[int, tuple[str, str]]) -> None:
    """Upsert the per-measure lines of a synthesis (inside the caller's transaction)."""
    existing = {item.measure_id: item for item in synthesis.items.all()}
    for measure_id, (outcome, reason) in items.items():
        item = existing.get(measure_id)
        if item is None:
            SynthesisItem.objects.create(synthesis=synthesis, measure_id=measure_id, outcome=outcome, reason=reason)
        elif (item.outcome, item.reason) != (outcome, reason):
            item.outcome, item.reason = outcome, reason
            item.save(update_fields=["outcome", "reason"])


def _locked(round_: ConsultationRound) -> Synthesis | None:
    return Synthesis.objects.select_for_update().filter(round=round_).first()


@transaction.atomic(durable=True)
def save_synthesis(*, round: ConsultationRound, overall: str, items: dict, acting_user) -> Synthesis:
    """Save the draft (possible while the round is open: the coordination
    writes as contributions arrive)."""
    require_coordinator(acting_user)
    synthesis = _locked(round)
    if synthesis is not None and synthesis.is_published:
        raise ValidationError(
            _("La synthèse a été publiée le %(d)s aux organisations consultées : elle ne peut plus être modifiée.")
            % {"d": timezone.localtime(synthesis.published_at).strftime("%d/%m/%Y")}
        )
    checked = _check_items(round, items)
    now = timezone.now()
    if synthesis is None:
        synthesis = Synthesis.objects.create(
            round=round, overall=overall.strip(), updated_by=acting_user, updated_at=now
        )
    else:
        synthesis.overall, synthesis.updated_by, synthesis.updated_at = overall.strip(), acting_user, now
        synthesis.save(update_fields=["overall", "updated_by", "updated_at"])
    write_synthesis_items(synthesis=synthesis, items=checked)
    record(
        action=AuditAction.SYNTHESIS_SAVED,
        actor=acting_user,
        target=synthesis,
        target_label=str(round),
        organisation=round.plan.coordination,
        details={"measures": len(checked)},
    )
    return synthesis


@transaction.atomic(durable=True)
def publish_synthesis(*, round: ConsultationRound, acting_user) -> Synthesis:
    """Publish to the invited organisations, once the round is closed and
    every consulted measure has its outcome."""
    require_coordinator(acting_user)
    if timezone.now() < round.closes_at:
        raise ValidationError(
            _(
                "La consultation est ouverte jusqu'au %(d)s : la synthèse se publie après la clôture, quand toutes "
                "les contributions sont arrivées. Vous pouvez en enregistrer le brouillon d'ici là."
            )
            % {"d": timezone.localtime(round.closes_at).strftime("%d/%m/%Y à %H:%M")}
        )
    synthesis = _locked(round)
    if synthesis is None or not synthesis.overall:
        raise ValidationError(_("Rédigez d'abord la synthèse générale et enregistrez-la."))
    if synthesis.is_published:
        raise ValidationError(_("Cette synthèse est déjà publiée."))
    decided = {i.measure_id for i in synthesis.items.all() if i.outcome}
    missing = sorted(n for pk, n in selectors.consulted_measure_numbers(round).items() if pk not in decided)
    if missing:
        raise ValidationError(
            _("Indiquez la suite donnée à chaque mesure avant de publier ; il manque : mesure(s) %(list)s.")
            % {"list": ", ".join(str(n) for n in missing)}
        )
    synthesis.published_at = timezone.now()
    synthesis.published_by = acting_user
    synthesis.save(update_fields=["published_at", "published_by"])
    record(
        action=AuditAction.SYNTHESIS_PUBLISHED,
        actor=acting_user,
        target=synthesis,
        target_label=str(round),
        organisation=round.plan.coordination,
    )
    for membership in selectors.round_participants(round):
        notify(
            recipient=membership.user,
            title=_("Synthèse publiée : %(t)s") % {"t": round.title},
            body=_("La coordination a publié ce qu'elle retient de la consultation, mesure par mesure."),
            link=reverse("plans:round", args=[round.pk]) + "#synthese",
            organisation=membership.organisation,
            idempotency_key=f"plans-synthesis-{synthesis.pk}-{membership.user_id}",
        )
    return synthesis
