"""Recording a step of the minors' chain (issue 10.2, issue 11.4–11.5; rules.md §3.5).

No step is « done » by one click: the owner records when it was done (never in
the future), to whom (an organisation of the directory, or a name when the
recipient is not listed), how (the channel), the reference and what came of it.
A transmission through Maillage — the information préoccupante to a CRIP, a
report or a request to a parquet — creates the recipient's own step, which
appears in its work queue and which it records in turn: the CRIP's evaluation
(3 months, shorter under 2 years, R-CHILD-CRIP), the parquet's decisions (OPP,
investigation, juge des enfants) and the designation of an ad hoc administrator
(CPP art. 706-50).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cases import access as case_access
from maillage.cases.enums import AccessReason
from maillage.cases.models import Case
from maillage.cases.services import grant_access, source_of
from maillage.organisations.enums import OrganisationType
from maillage.organisations.selectors import case_workers_of

from .. import deadlines
from ..enums import (
    AgeEvaluationBasis,
    AuditAction,
    BestInterestsConclusion,
    CripOutcome,
    LegalRepresentation,
    MinorityConclusion,
    MinorStepKind,
    ParquetDecision,
    TransmissionChannel,
)
from ..journal import notify_users
from ..models import MinorStep
from .common import audit_pathway
from .minors import _create_step, open_minor_chain, require_step_owner

K = MinorStepKind
RECIPIENT_TYPES = {"crip": OrganisationType.CHILD_PROTECTION, "parquet": OrganisationType.PROSECUTOR}
# The step a transmission through Maillage creates for its recipient.
RECEIVED_STEP = {
    K.IP_CRIP: K.CRIP_EVALUATION,
    K.SIGNALEMENT_PARQUET: K.PARQUET_DECISION,
    K.CRIP_SIGNALEMENT: K.PARQUET_DECISION,
    K.AAH_REQUEST: K.AAH_DESIGNATION,
}
# What the recipient of a transmission through Maillage reads of the case
# (cases.enums.ACCESS_LEGAL_BASES): the law requires the information préoccupante
# (CASF L226-2-1, L226-3) and the report to the prosecutor (CASF L226-4, CPP
# art. 40) to identify the child, and the parquet designates an ad hoc
# administrator for a named child (CPP art. 706-50). Only that organisation,
# only `case_access.CHILD_TRANSMISSION_PARTS`.
GRANT_REASON = {
    K.IP_CRIP: AccessReason.CHILD_PROTECTION,
    K.SIGNALEMENT_PARQUET: AccessReason.PROSECUTOR_REPORT,
    K.CRIP_SIGNALEMENT: AccessReason.PROSECUTOR_REPORT,
    K.AAH_REQUEST: AccessReason.AD_HOC_ADMINISTRATOR,
}
HEALTH_DATA_REFUSAL = _(
    "Les données de santé, recueillies pendant le temps de répit, ne servent jamais à évaluer la minorité "
    "(CASF R221-11) : retirez-les de l'évaluation."
)


def child_under_two(case: Case, on: dt.date) -> bool:
    """R-CHILD-CRIP: the shorter deadline applies when the child may be under 2
    (the birth year or the estimated age say so; in doubt, the shorter one)."""
    if case.birth_year:
        return on.year - case.birth_year <= 2
    return case.estimated_age is not None and case.estimated_age < 2


def _when(done_on) -> dt.datetime:
    if done_on is None or done_on == "":
        raise ValidationError({"done_on": _("Indiquez la date à laquelle l'étape a été faite.")})
    if isinstance(done_on, dt.datetime):
        moment = done_on if timezone.is_aware(done_on) else timezone.make_aware(done_on)
    else:
        now = timezone.localtime()
        moment = now if done_on == now.date() else timezone.make_aware(dt.datetime.combine(done_on, dt.time(12)))
    if moment.date() > timezone.localdate():
        raise ValidationError({"done_on": _("La date ne peut pas être dans le futur.")})
    return moment


def _check_recipient(step: MinorStep, recipient, recipient_name: str, channel: str) -> None:
    definition = deadlines.STEP_BY_KIND[step.kind]
    if definition.transmission_to:
        if recipient is None and not recipient_name:
            raise ValidationError(
                {"recipient": _("Indiquez le destinataire : l'organisation de l'annuaire, ou son nom.")}
            )
        if not channel:
            raise ValidationError({"channel": _("Indiquez comment la transmission a été faite.")})
        if recipient is not None and recipient.type != RECIPIENT_TYPES[definition.transmission_to]:
            expected = _("une CRIP") if definition.transmission_to == "crip" else _("un parquet")
            raise ValidationError(
                {
                    "recipient": _("%(org)s ne reçoit pas cette transmission : choisissez %(expected)s.")
                    % {"org": recipient.name, "expected": expected}
                }
            )
    if channel and channel not in TransmissionChannel.values:
        raise ValidationError({"channel": _("Canal inconnu.")})
    if channel == TransmissionChannel.MAILLAGE:
        if recipient is None:
            raise ValidationError(
                {"channel": _("Une transmission dans Maillage exige un destinataire de l'annuaire.")}
            )
        if not case_workers_of(recipient).exists():
            raise ValidationError(
                {
                    "channel": _(
                        "%(org)s n'a pas de compte dans Maillage : indiquez le canal réellement utilisé "
                        "(courriel, téléphone, courrier, en personne)."
                    )
                    % {"org": recipient.name}
                }
            )


def _kind_details(step: MinorStep, *, note: str, fields: dict) -> dict:
    """What the step's kind records, validated with a French message each (nothing written otherwise)."""
    kind = step.kind
    if kind == K.BEST_INTERESTS:
        if fields.get("conclusion") not in BestInterestsConclusion.values:
            raise ValidationError({"conclusion": _("Indiquez la conclusion de l'évaluation de l'intérêt supérieur.")})
        return {}
    if kind == K.FAMILY_TRACING:
        # Warsaw 10.4 c: family tracing only after a best-interests assessment that allows it.
        bia = MinorStep.objects.filter(case=step.case, kind=K.BEST_INTERESTS, done_at__isnull=False).first()
        if bia is None or bia.conclusion == BestInterestsConclusion.FAMILY_CONTACT_NOT_OK:
            raise ValidationError(
                {
                    "__all__": _(
                        "La recherche de la famille ne peut intervenir qu'après une évaluation de l'intérêt "
                        "supérieur de l'enfant qui ne s'y oppose pas."
                    )
                }
            )
    if kind == K.LEGAL_REPRESENTATION:
        value = fields.get("representatives") or ""
        if value not in LegalRepresentation.values:
            raise ValidationError({"representatives": _("Indiquez la situation des représentants légaux.")})
        return {"representatives": value}
    if kind == K.CRIP_EVALUATION:
        outcome = fields.get("crip_outcome") or ""
        if outcome not in CripOutcome.values:
            raise ValidationError({"crip_outcome": _("Indiquez la conclusion de l'évaluation.")})
        return {"crip_outcome": outcome}
    if kind == K.PARQUET_DECISION:
        decisions = list(fields.get("decisions") or [])
        if not decisions or any(d not in ParquetDecision.values for d in decisions):
            raise ValidationError({"decisions": _("Indiquez la ou les décisions prises.")})
        return {"decisions": decisions}
    if kind == K.AAH_DESIGNATION and not note:
        raise ValidationError({"note": _("Indiquez l'administrateur ad hoc désigné (nom ou association).")})
    if kind == K.MINORITY_EVALUATION:
        return _minority_evaluation(step, fields)
    return {}


def _minority_evaluation(step: MinorStep, fields: dict) -> dict:
    """R-MNA, C. civ. arts 47 and 388: after the respite; the conclusions state
    their margin of error; an art. 388 examination never decides alone; foreign
    civil-status documents are presumed valid; health data is never used."""
    respite = MinorStep.objects.filter(case=step.case, kind=K.RESPITE).first()
    if respite is not None and respite.is_open:
        raise ValidationError(
            {"__all__": _("L'évaluation de la minorité vient après le temps de répit : enregistrez-le d'abord.")}
        )
    bases = list(fields.get("age_bases") or [])
    if any("health" in b or "sante" in b for b in bases):
        raise ValidationError({"age_bases": HEALTH_DATA_REFUSAL})
    if not bases or any(b not in AgeEvaluationBasis.values for b in bases):
        raise ValidationError({"age_bases": _("Indiquez sur quels éléments l'évaluation repose.")})
    if bases == [AgeEvaluationBasis.BONE_EXAM_388]:
        raise ValidationError(
            {
                "age_bases": _(
                    "Les conclusions d'un examen radiologique ne peuvent à elles seules déterminer si la personne "
                    "est mineure (C. civ. art. 388) : l'évaluation repose aussi sur les entretiens et les documents."
                )
            }
        )
    conclusion = fields.get("age_conclusion") or ""
    if conclusion not in MinorityConclusion.values:
        raise ValidationError({"age_conclusion": _("Indiquez la conclusion de l'évaluation.")})
    margin = (fields.get("margin_of_error") or "").strip()
    if not margin:
        raise ValidationError(
            {"margin_of_error": _("Les conclusions doivent préciser leur marge d'erreur (C. civ. art. 388).")}
        )
    rebuttal = (fields.get("documents_rebuttal") or "").strip()
    if (
        conclusion == MinorityConclusion.ADULT
        and AgeEvaluationBasis.CIVIL_STATUS_DOCUMENTS in bases
        and fields.get("documents_say_minor")
        and not rebuttal
    ):
        raise ValidationError(
            {
                "documents_rebuttal": _(
                    "Les actes d'état civil étrangers font foi (C. civ. art. 47) : indiquez ce qui établit qu'ils "
                    "sont irréguliers, falsifiés ou ne correspondent pas à la réalité."
                )
            }
        )
    return {
        "age_conclusion": conclusion,
        "age_bases": bases,
        "margin_of_error": margin[:200],
        "documents_say_minor": bool(fields.get("documents_say_minor")),
        "documents_rebuttal": rebuttal[:500],
    }


def _follow_up(step: MinorStep, *, organisation, acting_user, when: dt.datetime) -> list[MinorStep]:
    """What the record triggers: the recipient's step when sent through Maillage,
    the MNA steps, an ad hoc administrator, the CRIP's report to the prosecutor."""
    created: list[MinorStep] = []
    case = step.case
    received = RECEIVED_STEP.get(step.kind)
    if step.channel == TransmissionChannel.MAILLAGE and received:
        now = timezone.now()
        due_at = None
        if received == K.CRIP_EVALUATION:
            due_at = deadlines.crip_evaluation_due(now, under_two=child_under_two(case, now.date()))
        sequence = MinorStep.objects.filter(case=case, kind=received).count()
        new = _create_step(
            case,
            received,
            start=now,
            sequence=sequence,
            owner=step.recipient_organisation,
            due_at=due_at,
            source_step=step,
            grave_danger=step.grave_danger,
        )
        created.append(new)
        # The recipient reads who the child is and the facts, by the transmission's
        # legal basis, in the same transaction as the step (decision 0008).
        grant_access(
            case=case,
            organisation=step.recipient_organisation,
            parts=case_access.CHILD_TRANSMISSION_PARTS,
            reason=GRANT_REASON[step.kind],
            source=source_of(step),
            granted_by=acting_user,
        )
        if received == K.CRIP_EVALUATION:
            # The CRIP is reached: the steps the law gives it move to it (issue 10.2).
            crip_kinds = [d.kind for d in deadlines.MINOR_STEPS if d.owner == "crip"]
            MinorStep.objects.filter(
                case=case,
                kind__in=crip_kinds,
                owner_organisation=case.organisation,
                done_at__isnull=True,
                waived_reason="",
            ).exclude(pk=new.pk).update(owner_organisation=step.recipient_organisation)
        notify_users(
            case_workers_of(step.recipient_organisation),
            title=_("%(step)s — dossier %(ref)s (de %(from)s)")
            % {"step": new.get_kind_display(), "ref": case.reference, "from": organisation.name},
            link=f"/orientations/mineurs/{case.pk}/",
            key=f"minor-step-{new.pk}-received",
            organisation=step.recipient_organisation,
            reference=case.reference,
        )
    details = step.details or {}
    if step.kind == K.LEGAL_REPRESENTATION:
        value = details.get("representatives")
        if value == LegalRepresentation.NONE_IN_FRANCE:
            # R-MNA: the MNA steps whenever no legal representative is in France.
            created += open_minor_chain(
                case=case, acting_user=acting_user, organisation=organisation, unaccompanied=True
            )
        if value in (LegalRepresentation.NONE_IN_FRANCE, LegalRepresentation.IMPLICATED, LegalRepresentation.FAILING):
            # R-AAH (CPP 706-50): representatives absent, implicated or failing → ask the parquet for an AAH.
            created.append(_create_step(case, K.AAH_REQUEST, start=when))
    if step.kind == K.CRIP_EVALUATION and details.get("crip_outcome") in (
        CripOutcome.JUDICIAL,
        CripOutcome.GRAVE_DANGER,
    ):
        # CASF L226-4: the CRIP informs the prosecutor without delay.
        sequence = MinorStep.objects.filter(case=case, kind=K.CRIP_SIGNALEMENT).count()
        created.append(
            _create_step(
                case,
                K.CRIP_SIGNALEMENT,
                start=timezone.now(),
                sequence=sequence,
                owner=step.owner_organisation,
                grave_danger=details.get("crip_outcome") == CripOutcome.GRAVE_DANGER,
            )
        )
    return created


@transaction.atomic(durable=True)
def complete_step(
    *,
    step: MinorStep,
    organisation,
    acting_user,
    done_on=None,
    recipient=None,
    recipient_name: str = "",
    channel: str = "",
    reference: str = "",
    note: str = "",
    grave_danger: bool = False,
    conclusion: str = "",
    **kind_fields,
) -> MinorStep:
    """The owner records a step: who (the acting user), when (`done_on`, a date
    or a datetime, not in the future), to whom (`recipient`, an Organisation, or
    `recipient_name`), how (`channel`), the `reference` and what came of it
    (`note`). `kind_fields` carry what the kind records: `representatives`,
    `crip_outcome`, `decisions`, `age_conclusion`, `age_bases`,
    `margin_of_error`, `documents_say_minor`, `documents_rebuttal` (never health data)."""
    step = MinorStep.objects.select_for_update().select_related("case", "owner_organisation").get(pk=step.pk)
    require_step_owner(step, organisation, acting_user)
    if not step.is_open:
        raise ValidationError({"__all__": _("Cette étape est déjà close.")})
    if any("health" in key or "sante" in key for key in kind_fields):
        raise ValidationError({"__all__": HEALTH_DATA_REFUSAL})
    when = _when(done_on)
    recipient_name = (recipient_name or "").strip()[:200]
    note = (note or "").strip()[:1000]
    _check_recipient(step, recipient, recipient_name, channel)
    details = _kind_details(step, note=note, fields={"conclusion": conclusion, **kind_fields})
    step.done_at, step.done_by, step.recorded_at = when, acting_user, timezone.now()
    step.recipient_organisation = recipient
    step.recipient_name = "" if recipient is not None else recipient_name
    step.channel, step.reference, step.note = channel, (reference or "").strip()[:80], note
    step.conclusion = conclusion if step.kind == K.BEST_INTERESTS else ""
    step.details = details
    step.grave_danger = step.grave_danger or bool(grave_danger)
    step.save()
    created = _follow_up(step, organisation=organisation, acting_user=acting_user, when=when)
    audit_pathway(
        AuditAction.MINORS_STEP_DONE,
        acting_user,
        step,
        case=step.case,
        organisation=organisation,
        details={
            "kind": step.kind,
            "conclusion": step.conclusion,
            "channel": step.channel,
            "recipient_organisation": step.recipient_organisation_id,
            **{
                k: v
                for k, v in details.items()
                if k in ("representatives", "crip_outcome", "decisions", "age_conclusion")
            },
        },
    )
    for new in created:
        if new.source_step_id == step.pk:
            audit_pathway(
                AuditAction.MINORS_TRANSMITTED,
                acting_user,
                new,
                case=step.case,
                organisation=organisation,
                details={
                    "kind": new.kind,
                    "to": new.owner_organisation_id,
                    "due_at": new.due_at.isoformat(),
                    # The access the transmission gave, with its legal basis (cases.access).
                    "access": {
                        "parts": list(case_access.CHILD_TRANSMISSION_PARTS),
                        "reason": GRANT_REASON[step.kind],
                    },
                },
            )
    return step
