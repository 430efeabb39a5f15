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
]
