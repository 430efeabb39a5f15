"""The organisation's own cases for its software (issue 14): create, update,
change status, and the steps of the minors' chain (list, record, lift).

Every write is the case page's service (`maillage.cases.services`,
`maillage.referrals.pathways`): the same policy checks, validation, audit row
and timeline event, with the token's actor (its creator acting for the token's
organisation only). A case is named by its pseudonymous reference; a case the
organisation may not reach is a 404 whether it exists or not (R-PRIVACY).
Identity is written only by the case's holder, as on the pages, and never
returned here: it is read on the pages, where the read is journaled."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DomainValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from maillage.api.enums import Scope
from maillage.cases import selectors as case_selectors
from maillage.cases import services as case_services
from maillage.cases.enums import CaseStatus
from maillage.referrals import deadlines as referral_deadlines
from maillage.referrals import pathways
from maillage.referrals import selectors as referral_selectors

from . import serializers_cases as sc
from .problems import problem_response
from .views_token import CasesView as CaseListView
from .views_token import TokenView


def domain_errors(call, key_of: dict):
    """Run a service; its French messages come back under the API's field names
    (`__all__` as DRF's `non_field_errors`), answered as a problem detail."""
    try:
        return call()
    except DomainValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed = {}
        for key, errors in exc.error_dict.items():
            name = "non_field_errors" if key == "__all__" else key_of.get(key, key)
            renamed.setdefault(name, []).extend(errors)
        raise DomainValidationError(renamed) from exc


def case_row(case) -> dict:
    row = {
        "reference": case.reference,
        "statut": case.status,
        "statut_libelle": str(CaseStatus(case.status).label),
        "mineur": case.treated_as_minor,
        "ouvert_le": case.created_at,
        "mis_a_jour_le": case.updated_at,
    }
    for key, field in sc.FACT_KEYS.items():
        value = getattr(case, field)
        if key in sc.LIST_KEYS:
            # A code list not given at creation still holds the field's stored form ("").
            value = [c for c in value.split("|") if c] if isinstance(value, str) else list(value)
        row[key] = value
    return row


class _CaseView(TokenView):
    def access(self, reference: str):
        """The organisation's own case (every write is the holder's, as on the pages)."""
        pk = case_selectors.pk_for_reference(reference)
        access = case_selectors.case_access_for(self.actor(), self.organisation(), pk) if pk else None
        if access is None:
            raise Http404
        return access


class CasesView(CaseListView):
    """The list (GET, views_token) and the creation (POST)."""

    required_scopes = {"GET": Scope.CASES_READ, "POST": Scope.CASES_WRITE}

    @extend_schema(
        summary="Créer un dossier",
        description="Avec l'identité de la personne si elle est connue (chiffrée). Si l'identité correspond à "
        "un dossier existant de l'organisation, la réponse est 409 : renvoyez avec `confirmer_doublon: true` "
        "s'il s'agit bien d'un nouveau dossier.",
        request=sc.CaseCreateSerializer,
        responses={201: sc.CaseDetailSerializer, 409: OpenApiResponse(description="Doublon possible")},
    )
    def post(self, request):
        form = sc.CaseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        facts, identity = form.facts_and_identity()
        try:
            case = domain_errors(
                lambda: case_services.create_case(
                    organisation=self.organisation(),
                    acting_user=request.user,
                    facts=facts,
                    identity=identity or {},
                    confirm_duplicate=form.validated_data["confirmer_doublon"],
                ),
                sc.API_KEY_OF,
            )
        except case_services.DuplicateWarning as warning:
            # The page's confirmation step: the references are the organisation's own cases.
            message = _(
                "L'identité correspond à des dossiers de l'organisation (%(refs)s). S'il s'agit d'une autre "
                "personne ou d'un nouveau dossier, renvoyez la demande avec « confirmer_doublon » à vrai."
            ) % {"refs": ", ".join(warning.references)}
            return problem_response(409, message, errors={"confirmer_doublon": [message]})
        answer = Response(case_row(case), status=201)
        answer["Location"] = request.build_absolute_uri(f"/api/v1/dossiers/{case.reference}/")
        return answer


@extend_schema(tags=["Dossiers"])
class CaseView(_CaseView):
    required_scopes = {"GET": Scope.CASES_READ, "PATCH": Scope.CASES_WRITE}

    @extend_schema(summary="Un dossier de l'organisation (sans identité)", responses=sc.CaseDetailSerializer)
    def get(self, request, reference: str):
        return Response(case_row(self.access(reference).case))

    @extend_schema(
        summary="Modifier un dossier",
        description="Seuls les champs envoyés changent. L'identité (`identite`) ne se modifie que sur un dossier "
        "que l'organisation détient et qui n'est pas anonymisé.",
        request=sc.CaseFactsSerializer,
        responses=sc.CaseDetailSerializer,
    )
    def patch(self, request, reference: str):
        access = self.access(reference)
        form = sc.CaseFactsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        facts, identity = form.facts_and_identity()
        if identity is not None and not access.can_see_identity:
            # The page offers no identity fields then; here nothing is silently dropped.
            raise DomainValidationError(
                {"identite": _("L'identité de ce dossier ne peut plus être modifiée (dossier anonymisé).")}
            )
        case = domain_errors(
            lambda: case_services.update_case(
                case=access.case, acting_user=request.user, facts=facts, identity=identity
            ),
            sc.API_KEY_OF,
        )
        return Response(case_row(case))


@extend_schema(
    tags=["Dossiers"],
    summary="Changer le statut d'un dossier",
    description="Les transitions de la page du dossier : présumée victime, identifiée (autorité et date), "
    "non retenue, close (motif), rouvrir.",
    request=sc.CaseStatusSerializer,
    responses=sc.CaseDetailSerializer,
)
class CaseStatusView(_CaseView):
    required_scopes = {"POST": Scope.CASES_WRITE}

    def post(self, request, reference: str):
        access = self.access(reference)
        form = sc.CaseStatusSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        case = domain_errors(
            lambda: case_services.change_status(
                case=access.case,
                target=data["statut"],
                acting_user=request.user,
                authority=data["autorite"],
                on=data["le"],
                reference=data["reference_procedure"],
                reason=data["motif"],
            ),
            sc.STATUS_KEYS | {"status": "statut"},
        )
        return Response(case_row(case))


# --- the minors' chain ---------------------------------------------------------------------------


def step_row(step, organisation, now) -> dict:
    definition = referral_deadlines.STEP_BY_KIND[step.kind]
    if step.done_at is not None:
        state = "faite"
    elif step.waived_reason:
        state = "levee"
    else:
        state = "ouverte"
    return {
        "id": step.pk,
        "type": step.kind,
        "type_libelle": step.get_kind_display(),
        "organisation": step.owner_organisation.name,
        "a_nous": step.owner_organisation_id == organisation.pk,
        "source_legale": step.legal_source,
        "echeance": step.due_at,
        "statut": state,
        "en_retard": state == "ouverte" and step.due_at < now,
        "faite_le": step.done_at,
        "canal": step.channel,
        "destinataire": step.recipient_organisation.name if step.recipient_organisation_id else "",
        "obligatoire": definition.mandatory,
        "peut_etre_levee": definition.waivable,
        # Codes only (the CRIP's outcome, the parquet's decisions…); free text stays on the pages.
        "details": {
            k: v for k, v in (step.details or {}).items() if k not in ("margin_of_error", "documents_rebuttal")
        },
    }


class _ChainView(TokenView):
    def chain_case(self, reference: str):
        """The case whose chain the organisation reads: its holder, the CRIP or
        parquet owning one of its steps, a partner that accepted a referral."""
        pk = case_selectors.pk_for_reference(reference)
        case = referral_selectors.minor_chain_case(self.actor(), self.organisation(), pk) if pk else None
        if case is None:
            raise Http404
        return case

    def step(self, reference: str, pk: int):
        case = self.chain_case(reference)
        step = referral_selectors.minor_step_of(self.actor(), self.organisation(), case, pk)
        if step is None:
            raise Http404
        return step

    def answer(self, step):
        step = referral_selectors.minor_step_of(self.actor(), self.organisation(), step.case, step.pk)
        return Response(step_row(step, self.organisation(), timezone.now()))


@extend_schema(
    tags=["Dossiers"],
    summary="Étapes du parcours de protection d'un·e mineur·e",
    description="Les étapes obligatoires (règles §3.5), leur échéance, leur statut (ouverte, faite, levée) et "
    "l'organisation à qui elles reviennent.",
    responses=sc.StepSerializer(many=True),
)
class StepsView(_ChainView):
    required_scopes = {"GET": Scope.CASES_READ}

    def get(self, request, reference: str):
        case = self.chain_case(reference)
        now, organisation = timezone.now(), self.organisation()
        steps = referral_selectors.minor_steps_for(self.actor(), organisation, case)
        return Response([step_row(s, organisation, now) for s in steps])


@extend_schema(
    tags=["Dossiers"],
    summary="Enregistrer une étape faite",
    description="Comme la page de l'étape : la date (jamais dans le futur), le destinataire et le canal d'une "
    "transmission, la référence, les suites, et ce que le type d'étape exige (conclusion, représentants, "
    "issue de l'évaluation, décisions du parquet, évaluation de la minorité sans donnée de santé).",
    request=sc.StepRecordSerializer,
    responses=sc.StepSerializer,
)
class StepRecordView(_ChainView):
    required_scopes = {"POST": Scope.CASES_WRITE}

    def post(self, request, reference: str, pk: int):
        step = self.step(reference, pk)
        form = sc.StepRecordSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        slug = data.pop("destinataire", "")
        recipient = None
        if slug:
            to = step.definition.transmission_to
            candidates = referral_selectors.minor_recipient_candidates(step.case, to) if to else []
            recipient = next((o for o in candidates if o.slug == slug), None)
            if recipient is None:
                raise DomainValidationError(
                    {"destinataire": _("Aucune CRIP ni aucun parquet de l'annuaire ne porte cet identifiant.")}
                    if to
                    else {"destinataire": _("Cette étape n'est pas une transmission : pas de destinataire.")}
                )
        fields = {sc.STEP_KEYS[k]: v for k, v in data.items() if v not in (None, "")}
        domain_errors(
            lambda: pathways.complete_step(
                step=step, organisation=self.organisation(), acting_user=request.user, recipient=recipient, **fields
            ),
            sc.STEP_API_KEY_OF,
        )
        return self.answer(step)


@extend_schema(
    tags=["Dossiers"],
    summary="Lever une étape (motif documenté)",
    description="Le signalement au procureur et la transmission à la CRIP ne se lèvent jamais.",
    request=sc.StepWaiveSerializer,
    responses=sc.StepSerializer,
)
class StepWaiveView(_ChainView):
    required_scopes = {"POST": Scope.CASES_WRITE}

    def post(self, request, reference: str, pk: int):
        step = self.step(reference, pk)
        form = sc.StepWaiveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        domain_errors(
            lambda: pathways.waive_step(
                step=step,
                organisation=self.organisation(),
                acting_user=request.user,
                reason=form.validated_data["motif"],
            ),
            sc.STEP_API_KEY_OF,
        )
        return self.answer(step)
