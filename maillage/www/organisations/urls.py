from django.urls import path

from . import views, views_tokens

urlpatterns = [
    path("changer/", views.switch, name="organisation_switch"),
    path("<slug:slug>/membres/", views.members, name="organisation_members"),
    path("<slug:slug>/inviter/", views.invite, name="organisation_invite"),
    path("<slug:slug>/membres/<int:membership_id>/retirer/", views.remove_member, name="organisation_remove_member"),
    path("<slug:slug>/membres/<int:membership_id>/role/", views.change_role, name="organisation_change_role"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/annuler/",
        views.revoke_invitation,
        name="organisation_revoke_invitation",
    ),
    path("<slug:slug>/journal/", views.access_log, name="organisation_access_log"),
    path("<slug:slug>/jetons-api/", views_tokens.tokens, name="organisation_api_tokens"),
    path(
        "<slug:slug>/jetons-api/<int:token_id>/revoquer/",
        views_tokens.revoke_token,
        name="organisation_revoke_api_token",
    ),
]
