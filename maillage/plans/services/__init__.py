"""Every write of the plans domain, one module per subject: the text
(structure), its lifecycle and versions, the consultation, the follow-up of
measures, implementation reports, exports, and the decision → plan bridge
(forwarding).

Each entry point is keyword-only, opens its transaction
(`transaction.atomic(durable=True)`), checks the policy and writes its audit
row in that same transaction (style.md, Zulip actions); what another service
calls inside its transaction is a `@step` (maillage/core/transactions.py).
Refusals are `ValidationError`s carrying a French message the views show as
is: a contribution after closing is a normal event, not an error page.

This package re-exports the entry points: callers write `services.open_round(...)`.
"""

from .consultation import (
    add_comment,
    add_internal_note,
    answer_amendment,
    invite_members,
    open_round,
    propose_amendment,
    record_hearing,
    set_priority_switches,
    submit_position,
    update_round,
    withdraw_amendment,
)
from .exports import export_progress, export_progress_pdf, export_synthesis_csv, export_synthesis_pdf
from .followup import (
    INDICATOR_FIELDS,
    add_indicator,
    add_milestone,
    add_sub_action,
    delete_indicator,
    delete_milestone,
    delete_sub_action,
    recompute_progress,
    record_measurement,
    set_milestone_reached,
    set_sub_action_progress,
    update_indicator,
    update_milestone,
    update_sub_action,
    validate_measurement,
)
from .lifecycle import freeze_version, move_plan, new_version, snapshot_of, transition_plan
from .reporting import (
    apply_progress_rows,
    import_progress,
    send_reporting_reminders,
    submit_progress_report,
    validate_progress_report,
)
from .structure import add_priority, create_plan, delete_measure, measure_deletion_refusal, save_measure
from .synthesis import publish_synthesis, save_synthesis, write_synthesis_items

__all__ = [
    "INDICATOR_FIELDS",
    "add_comment",
    "add_indicator",
    "add_internal_note",
    "add_milestone",
    "add_priority",
    "add_sub_action",
    "answer_amendment",
    "apply_progress_rows",
    "create_plan",
    "delete_indicator",
    "delete_measure",
    "delete_milestone",
    "delete_sub_action",
    "export_progress",
    "export_progress_pdf",
    "export_synthesis_csv",
    "export_synthesis_pdf",
    "freeze_version",
    "import_progress",
    "invite_members",
    "measure_deletion_refusal",
    "move_plan",
    "new_version",
    "open_round",
    "propose_amendment",
    "publish_synthesis",
    "recompute_progress",
    "record_hearing",
    "record_measurement",
    "save_measure",
    "save_synthesis",
    "send_reporting_reminders",
    "set_milestone_reached",
    "set_priority_switches",
    "set_sub_action_progress",
    "snapshot_of",
    "submit_position",
    "submit_progress_report",
    "transition_plan",
    "update_indicator",
    "update_milestone",
    "update_round",
    "update_sub_action",
    "validate_measurement",
    "validate_progress_report",
    "withdraw_amendment",
    "write_synthesis_items",
]
