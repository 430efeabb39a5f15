from django.urls import path

from .views import answers, followup, plans, rounds

app_name = "plans"

urlpatterns = [
    path("", plans.public, name="public"),
    path("gestion/", plans.manage, name="manage"),
    path("gestion/<int:pk>/", plans.plan_detail, name="detail"),
    path("gestion/<int:pk>/transition/", plans.transition, name="transition"),
    path("gestion/<int:pk>/figer/", plans.freeze, name="freeze"),
    path("gestion/<int:pk>/axes/ajouter/", plans.priority_create, name="priority_create"),
    path("gestion/<int:pk>/mesures/ajouter/", plans.measure_edit, name="measure_create"),
    path("gestion/<int:pk>/mesures/<int:measure_id>/", plans.measure_edit, name="measure_edit"),
    path("gestion/<int:pk>/mesures/<int:measure_id>/supprimer/", plans.measure_delete, name="measure_delete"),
    path("gestion/<int:pk>/mesures/<int:measure_id>/suivi/", followup.measure_followup, name="measure_followup"),
    path("gestion/<int:pk>/suivi/<slug:kind>/<int:item_id>/", followup.followup_item_edit, name="followup_item_edit"),
    path(
        "gestion/<int:pk>/suivi/<slug:kind>/<int:item_id>/supprimer/",
        followup.followup_item_delete,
        name="followup_item_delete",
    ),
    path("jalons/<int:milestone_id>/atteint/", followup.milestone_reached, name="milestone_reached"),
    path(
        "gestion/<int:pk>/valeurs/<int:measurement_id>/valider/",
        followup.measurement_validate,
        name="measurement_validate",
    ),
    path("indicateurs/<int:indicator_id>/valeur/", followup.measurement_add, name="measurement_add"),
    path(
        "consultations/<int:round_id>/amendements/<int:amendment_id>/retirer/",
        rounds.amendment_withdraw,
        name="amendment_withdraw",
    ),
    path("gestion/<int:pk>/versions/comparer/", plans.compare, name="compare"),
    path("gestion/<int:pk>/consultations/ouvrir/", rounds.round_create, name="round_create"),
    path("gestion/<int:pk>/comptes-rendus/", followup.reports_pending, name="reports_pending"),
    path("gestion/<int:pk>/comptes-rendus/<int:report_id>/valider/", followup.report_validate, name="report_validate"),
    path("gestion/<int:pk>/avancement.xlsx", followup.progress_xlsx, name="progress_xlsx"),
    path("gestion/<int:pk>/avancement.pdf", followup.progress_pdf, name="progress_pdf"),
    path("gestion/<int:pk>/avancement/importer/", followup.progress_import, name="progress_import"),
    path("consultations/", rounds.rounds, name="rounds"),
    path("consultations/<int:round_id>/", rounds.round_detail, name="round"),
    path("consultations/<int:round_id>/modifier/", rounds.round_edit, name="round_edit"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/", rounds.round_measure, name="round_measure"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/position/", rounds.position, name="position"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/commentaire/", rounds.comment, name="comment"),
    path("consultations/<int:round_id>/mesures/<int:measure_id>/amendement/", rounds.amendment, name="amendment"),
    path(
        "consultations/<int:round_id>/amendements/<int:amendment_id>/repondre/",
        answers.amendment_answer,
        name="amendment_answer",
    ),
    path("consultations/<int:round_id>/notes/", answers.internal_note, name="note"),
    path("consultations/<int:round_id>/auditions/", answers.hearing, name="hearing"),
    path("consultations/<int:round_id>/synthese/", answers.synthesis, name="synthesis"),
    path("consultations/<int:round_id>/synthese/publier/", answers.synthesis_publish, name="synthesis_publish"),
    path("consultations/<int:round_id>/synthese.pdf", answers.synthesis_pdf, name="synthesis_pdf"),
    path("consultations/<int:round_id>/synthese.csv", answers.synthesis_csv, name="synthesis_csv"),
    path("suivi/", followup.reporting, name="reporting"),
    path("suivi/mesures/<int:measure_id>/", followup.report, name="report"),
]
