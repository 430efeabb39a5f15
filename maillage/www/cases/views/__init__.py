"""Case pages. Thin: every read goes through maillage.cases.selectors (already
restricted querysets; anything else is a 404), every write through
maillage.cases.services, with the web toolkit (maillage.www.common). The
actor — the person's active memberships — is read once per request
(`actor_for_request`) and every policy question of the page is asked of it.
One module per subject."""

from .case import case_create, case_detail, case_edit, case_list, case_status
from .notes import document_add, document_download, note_add, task_add, task_done
from .privacy import non_removal_attestation, privacy, subject_access_export
from .records import record_add, reflection_edit, reflection_offer_answer
from .screening import prequalification, screening_detail, screening_new

__all__ = [
    "case_create",
    "case_detail",
    "case_edit",
    "case_list",
    "case_status",
    "document_add",
    "document_download",
    "non_removal_attestation",
    "note_add",
    "prequalification",
    "privacy",
    "record_add",
    "reflection_edit",
    "reflection_offer_answer",
    "screening_detail",
    "screening_new",
    "subject_access_export",
    "task_add",
    "task_done",
]
