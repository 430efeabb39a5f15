"""Every write to a case goes through here, one module per subject:

- `case`: reference, creation, edition, status workflow, reasonable grounds;
- `privacy`: subject access export, erasure, legal hold, retention;
- `screenings`: ILO/EC screening and the indicator set of a case;
- `reasonable_grounds`: non-removal alert, reflection period proposed and answered;
- `permits`: residence permits, their ground, conditions and dates (permit_rules);
- `legal_aid`: legal assistance, aide juridictionnelle, lawyer, compensation (art. 15);
- `records`: rights, assistance, reflection period, permits, protection, proceedings;
- `notes`, `tasks`, `documents`;
- `access`: who holds and who reads the case (transfer, access grants).

Each entry point is keyword-only, takes the acting user, checks the policy
(PermissionDenied otherwise), validates the whole input before writing
anything (ValidationError with French messages keyed by field: nothing is
partly saved), runs in `transaction.atomic(durable=True)`, writes its audit
row and its timeline event in the same transaction, and sends notifications
only after commit. The steps other domains call inside their own transaction
(`add_case_event`, `transfer_case`, `grant_access`, `end_access`) are
`@maillage.core.transactions.step`s.

`from maillage.cases import services; services.create_case(...)` keeps
working: the public names are re-exported here.
"""

from maillage.cases.services.access import end_access, grant_access, source_of, transfer_case
from maillage.cases.services.case import (
    DuplicateWarning,
    add_case_event,
    allocate_reference,
    change_status,
    create_case,
    duplicate_references,
    update_case,
    validate_facts,
)
from maillage.cases.services.common import FACT_FIELDS, IDENTITY_FIELDS
from maillage.cases.services.documents import add_document, check_upload
from maillage.cases.services.legal_aid import record_compensation_claim, record_legal_aid
from maillage.cases.services.notes import add_note
from maillage.cases.services.permits import check_permit, record_residence_permit
from maillage.cases.services.privacy import (
    RetentionReport,
    anonymise_closed_cases,
    build_subject_access_export,
    erase_identity,
    set_legal_hold,
)
from maillage.cases.services.reasonable_grounds import (
    REASONABLE_GROUNDS_ASSISTANCE,
    answer_reflection_offer,
    issue_non_removal_attestation,
    people_to_tell,
)
from maillage.cases.services.records import (
    record_proceeding,
    record_protection_measure,
    record_reflection_period,
    record_rights_information,
    set_assistance,
    validate_reflection,
)
from maillage.cases.services.screenings import (
    candidate_set_codes,
    current_indicator_set,
    indicator_set_code_for,
    record_screening,
)
from maillage.cases.services.tasks import add_task, complete_task

__all__ = [
    "FACT_FIELDS",
    "IDENTITY_FIELDS",
    "REASONABLE_GROUNDS_ASSISTANCE",
    "DuplicateWarning",
    "RetentionReport",
    "add_case_event",
    "add_document",
    "add_note",
    "add_task",
    "allocate_reference",
    "anonymise_closed_cases",
    "answer_reflection_offer",
    "build_subject_access_export",
    "candidate_set_codes",
    "change_status",
    "check_permit",
    "check_upload",
    "complete_task",
    "create_case",
    "current_indicator_set",
    "duplicate_references",
    "end_access",
    "erase_identity",
    "grant_access",
    "indicator_set_code_for",
    "issue_non_removal_attestation",
    "people_to_tell",
    "record_compensation_claim",
    "record_legal_aid",
    "record_proceeding",
    "record_protection_measure",
    "record_reflection_period",
    "record_residence_permit",
    "record_rights_information",
    "record_screening",
    "set_assistance",
    "set_legal_hold",
    "source_of",
    "transfer_case",
    "update_case",
    "validate_facts",
    "validate_reflection",
]
