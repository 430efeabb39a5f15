from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("dossier/<int:case_pk>/", views.case_referrals, name="for_case"),
    path("dossier/<int:case_pk>/nouvelle/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
    path("signalement-anonyme/", views.anonymous_notification, name="anonymous"),
    path("mineurs/<int:case_pk>/", views.minors, name="minors"),
    path("mineurs/<int:case_pk>/etape/<int:step_pk>/", views.record_minor_step, name="minor_step"),
    path("dossier/<int:case_pk>/acse/", views.acse_request, name="acse_request"),
    path("acse/", views.acse_list, name="acse_list"),
    path("acse/<int:pk>/", views.acse_detail, name="acse_detail"),
    path("coordination/", views.coordination, name="coordination"),
]
