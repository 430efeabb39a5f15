from django.urls import path

from . import views

urlpatterns = [
    path("", views.directory_list, name="directory_list"),
    path("couverture/", views.coverage, name="directory_coverage"),
    path("couverture/export.csv", views.coverage_csv, name="directory_coverage_csv"),
    path("export.<str:fmt>", views.export, name="directory_export"),
    path("importer/", views.import_view, name="directory_import"),
    path("reseaux/", views.network_list, name="directory_networks"),
    path("reseaux/nouveau/", views.network_create, name="directory_network_create"),
    path("reseaux/<slug:slug>/", views.network_detail, name="directory_network"),
    path("reseaux/<slug:slug>/modifier/", views.network_edit, name="directory_network_edit"),
    path("reseaux/<slug:slug>/membres/ajouter/", views.network_member_add, name="directory_network_member_add"),
    path(
        "reseaux/<slug:slug>/membres/<int:organisation_id>/retirer/",
        views.network_member_remove,
        name="directory_network_member_remove",
    ),
    path(
        "reseaux/<slug:slug>/membres/<int:organisation_id>/coordination/",
        views.network_member_coordinator,
        name="directory_network_member_coordinator",
    ),
    path("<slug:slug>/", views.profile_detail, name="directory_profile"),
    path("<slug:slug>/modifier/", views.profile_edit, name="directory_profile_edit"),
    path("<slug:slug>/verifier/", views.profile_verify, name="directory_profile_verify"),
]
