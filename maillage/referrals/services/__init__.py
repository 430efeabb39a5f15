"""Every write to referrals goes through here, one module per subject:

- `lifecycle`: create (consent, R-CHILD-CRIP), send, accept (a transfer moves
  the case), decline, withdraw, complete;
- `sweeps`: expiry and reminders (scheduled, idempotent);
- `anonymous`: the « duty to notify » when an adult refuses;
- `common`: what they share (one winner per transition, history, journal
  without the Ac.Sé host, notices, the recipient's access to the case).

Each entry point is keyword-only, takes the acting user and the organisation
they act for, checks the policy (PermissionDenied → 404 in views), validates
everything before writing (ValidationError with French messages: nothing is
half-done), runs in `transaction.atomic(durable=True)`, writes its audit row
and history in the same transaction, and queues notifications that leave only
after commit. Decisions are conditional UPDATEs (`status='sent'` in the WHERE
clause): under concurrency exactly one decision wins, the others get a French
message saying what happened.

The case file owns the case: an accepted referral opens a `CaseAccessGrant`
(`cases.services.grant_access`), a transfer moves the case
(`cases.services.transfer_case`), the case timeline is written through
`cases.services.add_case_event` — steps of the referral's transaction.
"""

from maillage.referrals.journal import case_workers_of
from maillage.referrals.services.anonymous import AGE_BANDS, record_anonymous_notification
from maillage.referrals.services.common import STATUS_MESSAGES
from maillage.referrals.services.lifecycle import (
    NO_CONSENT_RECIPIENT_TYPES_FOR_MINORS,
    OVERRIDE_REASON_MIN_LENGTH,
    accept_referral,
    complete_referral,
    create_referral,
    decline_referral,
    send_referral,
    withdraw_referral,
)
from maillage.referrals.services.sweeps import SweepReport, expire_and_remind

__all__ = [
    "AGE_BANDS",
    "NO_CONSENT_RECIPIENT_TYPES_FOR_MINORS",
    "OVERRIDE_REASON_MIN_LENGTH",
    "STATUS_MESSAGES",
    "SweepReport",
    "accept_referral",
    "case_workers_of",
    "complete_referral",
    "create_referral",
    "decline_referral",
    "expire_and_remind",
    "record_anonymous_notification",
    "send_referral",
    "withdraw_referral",
]
