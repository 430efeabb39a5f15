"""Queue « Courrier en attente de réponse » of the coordination body (issue 10
item 1): the letters of the register waiting for a reply, nearest reply date
first. One query for the page of letters (with sender), one for the count."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.coordination import selectors
from maillage.core import queues
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType

KEY = "coordination_letters"


def _applies(actor, organisation) -> bool:
    return organisation.type == OrganisationType.COORDINATION and as_actor(actor).is_coordination_body_member


def _items(actor, organisation, *, limit: int) -> list[queues.WorkItem]:
    letters = selectors.letters_awaiting_reply(actor).select_related("sender_organisation")[:limit]
    return [
        queues.WorkItem(
            provider=KEY,
            label=_("Courrier à traiter : %(subject)s") % {"subject": letter.subject},
            subject=letter.reference,
            url=reverse("coordination:letter", args=[letter.pk]),
            received_at=timezone.make_aware(datetime.combine(letter.received_on, time.min)),
            # A reply is due on a day: late from the next morning.
            due_at=timezone.make_aware(datetime.combine(letter.reply_due_on, time.max)),
            due_all_day=True,
            detail=_("De %(sender)s") % {"sender": letter.sender_organisation.name}
            if letter.sender_organisation
            else letter.sender_person,
        )
        for letter in letters
    ]


def _count(actor, organisation) -> int:
    return selectors.letters_awaiting_reply(actor).count()


def _list_url(organisation) -> str:
    return reverse("coordination:letters")


queues.register(
    queues.Provider(
        key=KEY,
        label=gettext_lazy("Courrier en attente de réponse"),
        applies_to=_applies,
        items=_items,
        count=_count,
        list_url=_list_url,
        order=30,
    )
)
