"""Open data, no sign-in (licence Etalab 2.0): the public directory (in the
data·inclusion schema and in Maillage's shape), the adopted plan and its
validated indicators, the published statistics (after disclosure control)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.directory import datainclusion, viewers
from maillage.directory import selectors as directory_selectors
from maillage.organisations.enums import OrganisationType
from maillage.plans import selectors as plan_selectors
from maillage.statistics import selectors as stats_selectors

from . import serializers as s
from .pagination import OpenDataPage
from .renderers import CSVRenderer
from .throttling import AddressRateThrottle

LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"


class Page(OpenDataPage):
    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response["X-Licence"] = "etalab-2.0"
        return response


class OpenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            # Public data, the same for everyone: shared caches may keep it.
            response["Cache-Control"] = "public, max-age=300"
            response["X-Licence"] = "etalab-2.0"
        return response


class _Paginated(OpenView):
    """Pages over `items()` (a queryset or a list of keys) and turns only the
    page's items into rows: the cost of a page does not grow with the directory."""

    serializer_class = None
    pagination_class = Page

    def items(self):
        raise NotImplementedError

    def rows(self, page) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        paginator = Page()
        page = paginator.paginate_queryset(self.items(), request, view=self)
        return paginator.get_paginated_response(self.rows(page))


@extend_schema(
    tags=["Données ouvertes"],
    summary="Structures de l'annuaire (schéma data·inclusion)",
    responses=s.StructureSerializer(many=True),
)
class StructuresView(_Paginated):
    serializer_class = s.StructureSerializer

    def items(self):
        # Values of the columns the mapping reads, not instances with prefetches
        # (8.3 s for the whole directory before, docs/benchmarks.md).
        return datainclusion.public_structure_values()

    def rows(self, page):
        return [datainclusion.structure_from_values(row) for row in page]


@extend_schema(
    tags=["Données ouvertes"],
    summary="Services de l'annuaire (schéma data·inclusion)",
    responses=s.DIServiceSerializer(many=True),
)
class ServicesView(_Paginated):
    serializer_class = s.DIServiceSerializer

    def items(self):
        return datainclusion.public_service_pairs()

    def rows(self, page):
        return datainclusion.services_of_pairs(page)


@extend_schema(
    tags=["Données ouvertes"],
    summary="Profils publics de l'annuaire (format Maillage)",
    responses=s.ProfileSerializer(many=True),
)
class ProfilesView(_Paginated):
    serializer_class = s.ProfileSerializer

    def items(self):
        return directory_selectors.visible_profiles(viewer=viewers.ANONYMOUS)

    def rows(self, profiles):
        return [
            {
                "slug": p.organisation.slug,
                "nom": p.organisation.name,
                "sigle": p.organisation.acronym,
                "type": p.organisation.type,
                "type_libelle": str(OrganisationType(p.organisation.type).label),
                "commune": p.commune,
                "departement": p.departement,
                "national": p.is_national,
                "services": [x.label for x in p.services.all()],
                "formes_exploitation": [x.label for x in p.exploitation_forms.all()],
                "publics": [str(x.get_code_display()) for x in p.publics.all()],
                "accepte_orientations": p.accepts_referrals,
                "telephone": p.public_phone,
                "courriel": p.public_email,
                "site_web": p.website,
                "mis_a_jour": (p.last_verified_at or p.updated_at).date(),
            }
            for p in profiles
        ]


@extend_schema(
    tags=["Données ouvertes"], summary="Plan national adopté et indicateurs validés", responses=s.PlanSerializer
)
class PlanView(OpenView):
    renderer_classes = [JSONRenderer]

    def get(self, request):
        plan = plan_selectors.current_public_plan()
        if plan is None:
            raise Http404
        measures = []
        for m in plan_selectors.open_data_plan(plan):
            measures.append(
                {
                    "axe": m.priority.number,
                    "axe_intitule": m.priority.title,
                    "numero": m.number,
                    "intitule": m.title,
                    "pilote": m.lead.name if m.lead_id else None,
                    "echeance": m.deadline,
                    "statut": m.status.label if m.status_id else None,
                    "avancement": m.progress,
                    "indicateurs": [
                        {
                            "nom": i.name,
                            "unite": i.unit,
                            "valeur_reference": i.baseline_value,
                            "cible": i.target_value,
                            "date_cible": i.target_date,
                            "source": i.source,
                            "mesures_validees": [
                                {"date": v.date.isoformat(), "valeur": str(v.value), "departement": v.departement}
                                for v in i.validated_measurements
                            ],
                        }
                        for i in m.indicators.all()
                    ],
                }
            )
        data = {
            "intitule": plan.title,
            "debut": plan.period_start,
            "fin": plan.period_end,
            "adopte_le": plan.adopted_at,
            "statut": str(plan.get_status_display()),
            "licence": LICENCE,
            "mesures": measures,
        }
        return Response(s.PlanSerializer(data).data)


def _release_data(release) -> dict:
    return {
        "annee": release.campaign.year,
        "numero": release.number,
        "publie_le": release.published_at,
        "personnes_comptees": release.record_count,
        "seuil": release.threshold,
        "motif": release.reason,
        "tableaux": [t.payload for t in stats_selectors.public_tables(release)],
    }


@extend_schema(
    tags=["Données ouvertes"],
    summary="Statistiques publiées (après contrôle de la divulgation)",
    parameters=[
        OpenApiParameter(
            "annee",
            {"type": "integer", "minimum": 1990, "maximum": 2200},
            description=_("Année de collecte ; la plus récente sinon."),
        )
    ],
    responses=s.ReleaseSerializer,
)
class StatisticsView(OpenView):
    renderer_classes = [JSONRenderer]

    def get(self, request):
        year = request.query_params.get("annee")
        if year is not None and not (year.isdigit() and 1990 <= int(year) <= 2200):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"annee": _("Une année sur quatre chiffres est attendue.")})
        release = stats_selectors.latest_release(int(year) if year else None)
        if release is None:
            raise Http404
        return Response(s.ReleaseSerializer(_release_data(release)).data)
