"""Queue « Orientations reçues » (issue 10 item 1): the referrals an
organisation received and has not answered, each with its answer deadline
(deadlines.answer_delay_for: hours for an emergency shelter or a CRIP).

Any organisation that receives referrals has it: associations and shelters,
and the public bodies that receive plain referrals of a kind — a police or
gendarmerie unit receives a person to hear, labour inspection a work
situation to look at — each item worded for its recipient. Two queries
whatever the data: the page of referrals (with case and sender) and, only
when the page is full, the count; the service labels are one more."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core import queues
from maillage.organisations.enums import OrganisationType
from maillage.referrals import policies, roles, selectors
from maillage.referrals.enums import ReferralKind

KEY = "referrals_inbox"


def _applies(actor, organisation) -> bool:
    return (
        organisation.type not in policies.NOT_A_RECIPIENT and roles.acting_membership(actor, organisation) is not None
    )


def _label(organisation, referral) -> str:
    """What there is to do, in the words of the recipient's trade."""
    if organisation.type == OrganisationType.POLICE:
        return _("Personne orientée pour être entendue")
    if organisation.type == OrganisationType.LABOUR_INSPECTION:
        return _("Situation de travail signalée à examiner")
    if referral.kind == ReferralKind.TRANSFER:
        return _("Transfert de dossier à accepter ou refuser")
    return _("Orientation à accepter ou refuser")


def _items(actor, organisation, *, limit: int) -> list[queues.WorkItem]:
    referrals = list(selectors.awaiting_answer(actor, organisation)[:limit])
    if not referrals:
        return []
    services = selectors.service_labels()
    items = []
    for referral in referrals:
        detail = _("Envoyée par %(sender)s — %(service)s") % {
            "sender": referral.sender_organisation.name,
            "service": services.get(referral.service, _("service non précisé")),
        }
        if referral.case.treated_as_minor:
            detail += " — " + _("mineur·e")
        items.append(
            queues.WorkItem(
                provider=KEY,
                label=_label(organisation, referral),
                subject=referral.case.reference,
                url=reverse("referrals:detail", args=[referral.pk]),
                received_at=referral.sent_at or referral.created_at,
                due_at=referral.answer_due_at,
                urgent=referral.urgent,
                detail=detail,
            )
        )
    return items


def _count(actor, organisation) -> int:
    return selectors.awaiting_answer(actor, organisation).count()


def _list_url(organisation) -> str:
    return reverse("referrals:inbox") + "?boite=recues&etat=attente"


queues.register(
    queues.Provider(
        key=KEY,
        label=gettext_lazy("Orientations reçues en attente de réponse"),
        applies_to=_applies,
        items=_items,
        count=_count,
        list_url=_list_url,
        order=20,
    )
)
