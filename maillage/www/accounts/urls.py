from django.urls import path

from . import views

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profil/", views.profile, name="account_profile"),
]
