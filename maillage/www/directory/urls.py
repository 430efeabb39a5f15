from django.urls import path

from . import views

urlpatterns = [
    path("", views.directory_list, name="directory_list"),
    path("couverture/", views.coverage, name="directory_coverage"),
    path("couverture/export.csv", views.coverage_csv, name="directory_coverage_csv"),
    path("export.<str:fmt>", views.export, name="directory_export"),
    path("importer/", views.import_view, name="directory_import"),
    path("<slug:slug>/", views.profile_detail, name="directory_profile"),
    path("<slug:slug>/modifier/", views.profile_edit, name="directory_profile_edit"),
    path("<slug:slug>/verifier/", views.profile_verify, name="directory_profile_verify"),
]
