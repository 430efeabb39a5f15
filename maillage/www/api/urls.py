from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import docs, problems, views_cases, views_open, views_returns, views_token


def _open(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("schema/", _open(SpectacularAPIView), name="api_schema"),
    path("docs/", docs.api_docs, name="api_docs"),
    path("v1/annuaire/structures/", _open(views_open.StructuresView), name="api_structures"),
    path("v1/annuaire/services/", _open(views_open.ServicesView), name="api_services"),
    path("v1/annuaire/profils/", _open(views_open.ProfilesView), name="api_profiles"),
    path("v1/plan/", _open(views_open.PlanView), name="api_plan"),
    path("v1/statistiques/", _open(views_open.StatisticsView), name="api_statistics"),
    # Token endpoints: LoginRequiredMiddleware knows only sessions; the token is
    # checked by the views (TokenAuthentication, HasScope), 401 without one.
    path("v1/orientations/recues/", _open(views_token.InboxView), name="api_inbox"),
    path("v1/orientations/envoyees/", _open(views_token.OutboxView), name="api_outbox"),
    path("v1/orientations/<int:pk>/", _open(views_token.ReferralView), name="api_referral"),
    path("v1/orientations/<int:pk>/accepter/", _open(views_token.AcceptView), name="api_referral_accept"),
    path("v1/orientations/<int:pk>/refuser/", _open(views_token.DeclineView), name="api_referral_decline"),
    path("v1/dossiers/", _open(views_cases.CasesView), name="api_cases"),
    path("v1/dossiers/<str:reference>/", _open(views_cases.CaseView), name="api_case"),
    path("v1/dossiers/<str:reference>/statut/", _open(views_cases.CaseStatusView), name="api_case_status"),
    path("v1/dossiers/<str:reference>/etapes/", _open(views_cases.StepsView), name="api_case_steps"),
    path("v1/dossiers/<str:reference>/etapes/<int:pk>/", _open(views_cases.StepRecordView), name="api_case_step"),
    path(
        "v1/dossiers/<str:reference>/etapes/<int:pk>/lever/",
        _open(views_cases.StepWaiveView),
        name="api_case_step_waive",
    ),
    path("v1/enquete-annuelle/<int:year>/retour/", _open(views_returns.ReturnView), name="api_return"),
    path("v1/a-traiter/", _open(views_token.QueueView), name="api_queue"),
    # Anything else under /api/ is a problem detail, never an HTML page.
    re_path(r"^.*$", problems.not_found),
]
