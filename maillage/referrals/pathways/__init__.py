"""Services of the protection pathways, one module per pathway:

- `acse`: Ac.Sé safe accommodation (rules.md §3.4, R-ACSE; the host's access
  is a grant of the case file, the host hidden from the referrer);
- `minors`: the minors' chain (rules.md §3.5) and its escalation;
- `returns`: return plans (Warsaw art. 16);
- `exchanges`: cross-border exchanges (Warsaw arts. 32–34).

Same contract as `referrals.services`: keyword-only, acting user and
organisation, policy check (PermissionDenied → 404), complete validation with
French messages before any write, `transaction.atomic(durable=True)`, audit
row in the same transaction, notifications after commit. The journal helper
shared with the referral services is `referrals.journal.audit_without_host`.
"""

from maillage.referrals.pathways.acse import (
    ACSE_ARRIVAL_DELAY,
    ACSE_MINOR_REFUSAL,
    ACSE_PLACEMENT_DELAYS,
    acse_coordination,
    advance_acse,
    change_acse_host,
    journal_host_read,
    place_acse,
    request_acse,
)
from maillage.referrals.pathways.common import WAIVE_REASON_MIN_LENGTH
from maillage.referrals.pathways.exchanges import (
    ANSWER_SUMMARY_MAX,
    answer_incoming_exchange,
    escalate_overdue_exchanges,
    record_exchange,
    record_exchange_answer,
    record_incoming_exchange,
)
from maillage.referrals.pathways.minors import (
    EscalationReport,
    chain_crip,
    check_minor_closure,
    ensure_minor_chains,
    escalate_overdue_steps,
    open_mandatory_steps,
    open_minor_chain,
    renew_emergency_reception,
    start_chain_for_new_minor,
    start_minor_chain,
    waive_step,
)
from maillage.referrals.pathways.minors_record import RECEIVED_STEP, child_under_two, complete_step
from maillage.referrals.pathways.returns import approve_return_plan, create_return_plan

__all__ = [
    "ACSE_ARRIVAL_DELAY",
    "ACSE_MINOR_REFUSAL",
    "ACSE_PLACEMENT_DELAYS",
    "ANSWER_SUMMARY_MAX",
    "RECEIVED_STEP",
    "WAIVE_REASON_MIN_LENGTH",
    "EscalationReport",
    "acse_coordination",
    "advance_acse",
    "answer_incoming_exchange",
    "approve_return_plan",
    "chain_crip",
    "change_acse_host",
    "check_minor_closure",
    "child_under_two",
    "complete_step",
    "create_return_plan",
    "ensure_minor_chains",
    "escalate_overdue_exchanges",
    "escalate_overdue_steps",
    "journal_host_read",
    "open_mandatory_steps",
    "open_minor_chain",
    "place_acse",
    "record_exchange",
    "record_exchange_answer",
    "record_incoming_exchange",
    "renew_emergency_reception",
    "request_acse",
    "start_chain_for_new_minor",
    "start_minor_chain",
    "waive_step",
]
