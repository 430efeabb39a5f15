"""Issue 10 item 5: a case accepted through a referral appears in the
recipient's « Dossiers » list, marked as shared by its owner, showing only
the parts shared — never the identity unless shared."""

import pytest
from django.urls import reverse

from maillage.referrals import services
from maillage.referrals.enums import SharedPart

pytestmark = pytest.mark.django_db


def _list(client):
    return client.get(reverse("cases:list")).content.decode()


def test_accepted_referral_puts_the_case_in_the_recipients_list(
    client, login, refer, recipient, recipient_org, sender_org, case
):
    referral = refer()
    login(client, recipient)
    assert case.reference not in _list(client)  # not before it is accepted
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    page = _list(client)
    assert case.reference in page
    assert f"partagé par {sender_org.name}" in page
    assert "Besoins et faits" in page and "Notes partageables" in page
    assert "Proxénétisme" in page  # forms in words: the facts are shared
    assert ">PROX<" not in page and ", PROX" not in page
    assert "Okafor" not in page and "Blessing" not in page  # no identity in a list
    assert reverse("cases:detail", args=[case.pk]) in page


def test_without_the_facts_the_list_says_not_shared(client, login, refer, recipient, recipient_org, case):
    referral = refer(shared_parts=[SharedPart.NOTES_SHAREABLE])
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    login(client, recipient)
    page = _list(client)
    assert case.reference in page and "Non partagé" in page
    assert "proxénétisme" not in page.lower().split("dossiers partagés", 1)[1].split("</table>", 1)[0]


def test_a_declined_or_ended_share_leaves_the_list(client, login, refer, recipient, recipient_org, sender, case):
    referral = refer()
    services.decline_referral(
        referral=referral, organisation=recipient_org, acting_user=recipient, reason="no_capacity", comment=""
    )
    login(client, recipient)
    assert case.reference not in _list(client)


def test_the_owner_lists_it_as_its_own_not_as_shared(client, login, refer, recipient, recipient_org, sender, case):
    referral = refer()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    login(client, sender)
    page = _list(client)
    assert case.reference in page and "partagé par" not in page
