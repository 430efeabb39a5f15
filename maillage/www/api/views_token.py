"""Organisations' software, signed in with an API token (maillage.api).

Every endpoint reads through the same selectors and policies as the pages,
with the token's actor (its creator's membership in the token's organisation
only), and writes through the same services, which journal the call like a
page would. Another organisation's object is a 404, like on the pages."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.api.enums import Scope
from maillage.cases import selectors as case_selectors
from maillage.cases.enums import CaseStatus
from maillage.core import queues
from maillage.referrals import selectors as referral_selectors
from maillage.referrals import services as referral_services
from maillage.referrals.enums import ReferralStatus

from . import serializers as s
from .authentication import TokenAuthentication
from .pagination import Page
from .permissions import HasScope
from .throttling import TokenRateThrottle


class TokenView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    required_scopes: dict[str, str] = {}
    # The query parameters the operation documents (its filters); the page's
    # `page` and `taille` when it is paginated. Any other is refused (issue 14:
    # nothing the caller sends is silently ignored).
    filters: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = set(self.filters) | ({"page", "taille"} if getattr(self, "pagination_class", None) else set())
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError({name[:40]: _("Paramètre inconnu.") for name in unknown})

    def actor(self):
        return self.request.api_actor

    def organisation(self):
        return self.request.api_token.organisation


def _check_choice(request, name: str, allowed) -> None:
    """An unknown filter value is refused (never silently ignored)."""
    value = request.query_params.get(name)
    if value is not None and value not in allowed:
        raise ValidationError({name: _("Valeur inconnue : %(v)s.") % {"v": value[:40]}})


def _referral_row(r, labels: dict[str, str]) -> dict:
    return {
        "id": r.pk,
        "dossier": r.case.reference,
        "type": r.kind,
        "statut": r.status,
        "statut_libelle": str(ReferralStatus(r.status).label),
        "service": r.service,
        "service_libelle": labels.get(r.service, r.service),
        "emetteur": r.sender_organisation.name,
        "destinataire": r.recipient_organisation.name,
        "mineur": r.case.treated_as_minor,
        "creee_le": r.created_at,
        "envoyee_le": r.sent_at,
        "reponse_attendue_le": r.answer_due_at,
        "decidee_le": r.decided_at,
    }


BOX_PARAMS = [
    OpenApiParameter(
        "groupe", str, enum=list(referral_selectors.GROUPS), description="Filtre (en attente, en retard…)"
    )
]


class _BoxView(TokenView):
    box = "recues"
    required_scopes = {"GET": Scope.REFERRALS_READ}
    pagination_class = Page
    filters = ("groupe",)

    def get(self, request):
        _check_choice(request, "groupe", referral_selectors.GROUPS)
        box = referral_selectors.box_for(
            self.actor(), self.organisation(), box=self.box, group=request.query_params.get("groupe", "")
        )
        paginator = Page()
        page = paginator.paginate_queryset(box.referrals, request, view=self)
        labels = referral_selectors.service_labels()
        return paginator.get_paginated_response([_referral_row(r, labels) for r in page])


@extend_schema(
    tags=["Orientations"],
    summary="Orientations reçues",
    parameters=BOX_PARAMS,
    responses=s.ReferralSerializer(many=True),
)
class InboxView(_BoxView):
    box = "recues"


@extend_schema(
    tags=["Orientations"],
    summary="Orientations envoyées",
    parameters=BOX_PARAMS,
    responses=s.ReferralSerializer(many=True),
)
class OutboxView(_BoxView):
    box = "envoyees"


def _detail(actor, organisation, pk) -> dict:
    referral = referral_selectors.referral_for(actor, organisation, pk)
    if referral is None:
        raise Http404
    row = _referral_row(referral, referral_selectors.service_labels())
    # The parts the case shares through this referral (never their content here:
    # identity is read on the pages, where the read is journaled).
    row["parties_partagees"] = list(referral.shared_parts or [])
    row["historique"] = [
        {"le": e.at.isoformat(), "de": e.from_status, "vers": e.to_status}
        for e in referral_selectors.history_of(referral)
    ]
    return row


@extend_schema(tags=["Orientations"], summary="Une orientation", responses=s.ReferralDetailSerializer)
class ReferralView(TokenView):
    required_scopes = {"GET": Scope.REFERRALS_READ}

    def get(self, request, pk: int):
        return Response(_detail(self.actor(), self.organisation(), pk))


class _DecisionView(TokenView):
    required_scopes = {"POST": Scope.REFERRALS_ACT}

    def referral(self, pk):
        referral = referral_selectors.referral_for(self.actor(), self.organisation(), pk)
        if referral is None:
            raise Http404
        return referral


@extend_schema(
    tags=["Orientations"],
    summary="Accepter une orientation reçue",
    request=s.EmptySerializer,
    responses=s.ReferralDetailSerializer,
)
class AcceptView(_DecisionView):
    def post(self, request, pk: int):
        s.EmptySerializer(data=request.data or {}).is_valid(raise_exception=True)
        referral = self.referral(pk)
        referral_services.accept_referral(
            referral=referral, organisation=self.organisation(), acting_user=request.user
        )
        return Response(_detail(self.actor(), self.organisation(), pk))


@extend_schema(
    tags=["Orientations"],
    summary="Refuser une orientation reçue",
    request=s.DeclineSerializer,
    responses=s.ReferralDetailSerializer,
)
class DeclineView(_DecisionView):
    def post(self, request, pk: int):
        form = s.DeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        referral = self.referral(pk)
        referral_services.decline_referral(
            referral=referral,
            organisation=self.organisation(),
            acting_user=request.user,
            reason=form.validated_data["motif"],
            comment=form.validated_data["precisions"],
        )
        return Response(_detail(self.actor(), self.organisation(), pk))


@extend_schema(tags=["Dossiers"])
class CasesView(TokenView):
    """The list; `views_cases.CasesView` adds the creation (POST)."""

    required_scopes = {"GET": Scope.CASES_READ}
    pagination_class = Page
    filters = ("statut",)

    @extend_schema(
        summary="Dossiers de l'organisation (sans identité)",
        parameters=[OpenApiParameter("statut", str, enum=list(CaseStatus.values))],
        responses=s.CaseSerializer(many=True),
    )
    def get(self, request):
        _check_choice(request, "statut", CaseStatus.values)
        organisation = self.organisation()
        cases = case_selectors.case_list(self.actor(), organisation, status=request.query_params.get("statut", ""))
        paginator = Page()
        page = paginator.paginate_queryset(cases, request, view=self)
        rows = [
            {
                "reference": c.reference,
                "statut": c.status,
                "statut_libelle": str(CaseStatus(c.status).label),
                "mineur": c.treated_as_minor,
                "partage": c.organisation_id != organisation.pk,
                "ouvert_le": c.created_at,
                "mis_a_jour_le": c.updated_at,
            }
            for c in page
        ]
        return paginator.get_paginated_response(rows)


@extend_schema(
    tags=["À traiter"],
    summary="Ce qui attend l'organisation, le plus urgent d'abord",
    responses=s.WorkItemSerializer(many=True),
)
class QueueView(TokenView):
    required_scopes = {"GET": Scope.QUEUES_READ}

    def get(self, request):
        now = timezone.now()
        found = queues.queues_for(self.actor(), self.organisation(), limit=50)
        items = queues.most_urgent(found, limit=200)
        return Response(
            [
                {
                    "file": item.provider,
                    "quoi": item.label,
                    "sujet": item.subject,
                    "lien": request.build_absolute_uri(item.url),
                    "recu_le": item.received_at,
                    "echeance": item.due_at,
                    "urgent": item.urgent,
                    "en_retard": item.is_overdue(now),
                    "precisions": item.detail,
                }
                for item in items
            ]
        )
