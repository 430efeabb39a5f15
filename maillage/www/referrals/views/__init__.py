"""Referral pages. Thin: reads through maillage.referrals.selectors (restricted
querysets, anything else is a 404), writes through maillage.referrals.services
and maillage.referrals.pathways, with the web toolkit (maillage.www.common).
The actor is read once per request (`actor_for_request`). One module per subject."""

from .acse import acse_detail, acse_list, acse_request
from .minors import record_step as record_minor_step
from .pathways import minors
from .referrals import act, anonymous_notification, case_referrals, coordination, create, detail, inbox

__all__ = [
    "acse_detail",
    "acse_list",
    "acse_request",
    "act",
    "anonymous_notification",
    "case_referrals",
    "coordination",
    "create",
    "detail",
    "inbox",
    "minors",
    "record_minor_step",
]
