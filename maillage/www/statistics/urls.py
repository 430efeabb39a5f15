from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.public, name="public"),
    path("donnees-ouvertes.csv", views.public_csv, name="public_csv"),
    path("rapport.pdf", views.public_pdf, name="public_pdf"),
    path("campagnes/", views.campaigns, name="campaigns"),
    path("campagnes/<int:year>/", views.campaign, name="campaign"),
    path("retours/", views.returns, name="returns"),
    path("retours/<int:year>/", views.return_page, name="return"),
    path("retours/<int:year>/modele.xlsx", views.return_template, name="template"),
    path("retours/<int:year>/personnes/<int:line>/supprimer/", views.record_delete, name="record_delete"),
    path("publications/", views.releases, name="releases"),
    path("publications/<int:year>/<int:number>/", views.release, name="release"),
    path("publications/<int:year>/<int:number>/tableaux.<str:fmt>", views.release_export, name="release_export"),
    path("publications/<int:year>/<int:number>/rapport.pdf", views.release_pdf, name="release_pdf"),
]
