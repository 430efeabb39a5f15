from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.public, name="public"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/<int:pk>/", views.plan_detail, name="detail"),
    path("gestion/<int:pk>/transition/", views.transition, name="transition"),
    path("gestion/<int:pk>/figer/", views.freeze, name="freeze"),
    path("gestion/<int:pk>/axes/ajouter/", views.priority_create, name="priority_create"),
    path("gestion/<int:pk>/mesures/ajouter/", views.measure_edit, name="measure_create"),
    path("gestion/<int:pk>/mesures/<int:measure_id>/", views.measure_edit, name="measure_edit"),
    path("gestion/<int:pk>/mesures/<int:measure_id>/supprimer/", views.measure_delete, name="measure_delete"),
    path("gestion/<int:pk>/mesures/<int:measure_id>/suivi/", views.measure_followup, name="measure_followup"),
    path("gestion/<int:pk>/suivi/<slug:kind>/<int:item_id>/", views.followup_item_edit, name="followup_item_edit"),
    path(
        "gestion/<int:pk>/suivi/<slug:kind>/<int:item_id>/supprimer/",
        views.followup_item_delete,
        name="followup_item_delete",
    ),
    path("jalons/<int:milestone_id>/atteint/", views.milestone_reached, name="milestone_reached"),
    path(
        "gestion/<int:pk>/valeurs/<int:measurement_id>/valider/",
        views.measurement_validate,
        name="measurement_validate",
    ),
    path("indicateurs/<int:indicator_id>/valeur/", views.measurement_add, name="measurement_add"),
    path(
        "consultations/<int:round_id>/amendements/<int:amendment_id>/retirer/",
        views.amendment_withdraw,
        name="amendment_withdraw",
    ),
    path("gestion/<int:pk>/versions/comparer/", views.compare, name="compare"),
    path("gestion/<int:pk>/consultations/ouvrir/", views.round_create, name="round_create"),
    path("gestion/<int:pk>/comptes-rendus/", views.reports_pending, name="reports_pending"),
    path("gestion/<int:pk>/comptes-rendus/<int:report_id>/valider/", views.report_validate, name="report_validate"),
    path("gestion/<int:pk>/avancement.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path("gestion/<int:pk>/avancement/importer/", views.progress_import, name="progress_import"),
    path("consultations/", views.rounds, name="rounds"),
    path("consultations/<int:round_id>/", views.round_detail, name="round"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/", views.round_measure, name="round_measure"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/position/", views.position, name="position"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/commentaire/", views.comment, name="comment"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/amendement/", views.amendment, name="amendment"),
    path(
        "consultations/<int:round_id>/amendements/<int:amendment_id>/repondre/",
        views.amendment_answer,
        name="amendment_answer",
    ),
    path("consultations/<int:round_id>/notes/", views.internal_note, name="note"),
    path("consultations/<int:round_id>/auditions/", views.hearing, name="hearing"),
    path("consultations/<int:round_id>/synthese/", views.synthesis, name="synthesis"),
    path("consultations/<int:round_id>/synthese.pdf", views.synthesis_pdf, name="synthesis_pdf"),
    path("consultations/<int:round_id>/synthese.csv", views.synthesis_csv, name="synthesis_csv"),
    path("suivi/", views.reporting, name="reporting"),
    path("suivi/mesures/<int:measure_id>/", views.report, name="report"),
]
