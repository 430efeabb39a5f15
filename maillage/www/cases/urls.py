from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("nouveau/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/modifier/", views.case_edit, name="edit"),
    path("<int:pk>/statut/", views.case_status, name="status"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/taches/", views.task_add, name="task_add"),
    path("<int:pk>/taches/<int:task_id>/terminer/", views.task_done, name="task_done"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document_download"),
    path("<int:pk>/reperage/", views.screening_new, name="screening_new"),
    path("<int:pk>/reperage/<int:screening_id>/", views.screening_detail, name="screening"),
    path("<int:pk>/pre-qualification/", views.prequalification, name="prequalification"),
    path("<int:pk>/ajouter/<slug:kind>/", views.record_add, name="record_add"),
    path("<int:pk>/reflexion/<int:period_id>/", views.reflection_edit, name="reflection_edit"),
    path(
        "<int:pk>/reflexion/proposition/<int:offer_id>/",
        views.reflection_offer_answer,
        name="reflection_offer_answer",
    ),
    path("<int:pk>/donnees/export/", views.subject_access_export, name="export"),
    path("<int:pk>/donnees/", views.privacy, name="privacy"),
    path("<int:pk>/non-eloignement/", views.non_removal_attestation, name="non_removal_attestation"),
]
