"""`{% case_pathways case %}` on the case page: the minors' chain at a glance
(open and overdue steps, the next one), for the owner's case workers only."""

from django import template
from django.utils import timezone

from maillage.organisations.actor import actor_for_request
from maillage.referrals import selectors

register = template.Library()


@register.inclusion_tag("referrals/_case_pathways.html", takes_context=True)
def case_pathways(context, case):
    request = context.get("request")
    membership = getattr(request, "membership", None) if request else None
    organisation = membership.organisation if membership else None
    steps = (
        [s for s in selectors.minor_steps_for(actor_for_request(request), organisation, case) if s.is_open]
        if organisation
        else []
    )
    now = timezone.now()
    return {
        "case": case,
        "open_steps": steps,
        "overdue": sum(1 for s in steps if s.due_at < now),
        "next_step": steps[0] if steps else None,
    }
