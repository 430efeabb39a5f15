"""Writes of the coordination domain, one module per subject (like Zulip's
`actions/`): groups, documents, meetings, guests, minutes, decisions (and
actions), feeds, letters, dossiers, appointments, preferences.

Every entry point opens its transaction (`transaction.atomic(durable=True)`),
checks the policy (PermissionDenied otherwise), refuses bad input with a French
ValidationError before writing anything, records its audit row in the same
transaction and queues emails that leave only after commit
(notifications.send_email). What another service calls inside its own
transaction is a `@step` (maillage/core/transactions.py).

This package re-exports the entry points, so callers write
`services.schedule_meeting(...)` whatever module holds it.
"""

from .appointments import pick_slot, propose_appointment
from .calendar import guest_reply_path
from .common import max_pdf_bytes, minutes_remarks_days, reply_delay_days, validate_pdf
from .decisions import (
    FORWARDED_TO_MAX,
    PLAN_FORWARDERS,
    create_action,
    forward_decision_to_plan,
    note_forwarded_measure_deleted,
    record_decision,
    register_plan_forwarder,
    set_action_status,
    set_decision_status,
)
from .documents import add_document
from .dossiers import add_step, create_dossier, link_meeting_to_dossier, set_dossier_status, update_step
from .feeds import IssuedFeed, issue_feed_token, revoke_feed_token
from .groups import add_group_member, create_group, remove_group_member, update_group
from .guests import (
    GUEST_REPLIES,
    IssuedGuestInvitation,
    invite_guest,
    remove_guest,
    resend_guest_invitation,
    respond_as_guest,
)
from .letters import register_letter, update_letter
from .meetings import (
    add_agenda_item,
    add_invitation,
    cancel_meeting,
    invite,
    invite_group_members,
    mark_meeting_held,
    note_meeting_held,
    respond,
    schedule_meeting,
    update_meeting,
)
from .minutes import (
    approve_minutes,
    circulate_minutes,
    draft_minutes,
    edit_minutes,
    export_minutes_pdf,
    minutes_draft_text,
    record_attendance,
    remark_on_minutes,
)
from .preferences import set_digest_preference

__all__ = [
    "FORWARDED_TO_MAX",
    "GUEST_REPLIES",
    "PLAN_FORWARDERS",
    "IssuedFeed",
    "IssuedGuestInvitation",
    "add_agenda_item",
    "add_document",
    "add_group_member",
    "add_invitation",
    "add_step",
    "approve_minutes",
    "cancel_meeting",
    "circulate_minutes",
    "create_action",
    "create_dossier",
    "create_group",
    "draft_minutes",
    "edit_minutes",
    "export_minutes_pdf",
    "forward_decision_to_plan",
    "guest_reply_path",
    "invite",
    "invite_group_members",
    "invite_guest",
    "issue_feed_token",
    "link_meeting_to_dossier",
    "mark_meeting_held",
    "max_pdf_bytes",
    "minutes_draft_text",
    "minutes_remarks_days",
    "note_forwarded_measure_deleted",
    "note_meeting_held",
    "pick_slot",
    "propose_appointment",
    "record_attendance",
    "record_decision",
    "register_letter",
    "register_plan_forwarder",
    "remark_on_minutes",
    "remove_group_member",
    "remove_guest",
    "reply_delay_days",
    "resend_guest_invitation",
    "respond",
    "respond_as_guest",
    "revoke_feed_token",
    "schedule_meeting",
    "set_action_status",
    "set_decision_status",
    "set_digest_preference",
    "set_dossier_status",
    "update_group",
    "update_letter",
    "update_meeting",
    "update_step",
    "validate_pdf",
]
