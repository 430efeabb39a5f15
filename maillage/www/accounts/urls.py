from django.urls import path

from . import views

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profil/", views.profile, name="account_profile"),
    # Replaces allauth's address management (this file is included before
    # allauth.urls): see views.email_address.
    path("email/", views.email_address, name="account_email"),
]
