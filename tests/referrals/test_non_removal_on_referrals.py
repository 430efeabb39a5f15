"""R-REASONABLE-GROUNDS (Warsaw art. 10.2): the non-removal flag shows on
every view of the case, the referral's page included, for the sender and for
the recipient (issue 11 item 2)."""

import pytest
from django.urls import reverse

from maillage.cases import services as case_services
from maillage.cases.enums import CaseStatus

pytestmark = pytest.mark.django_db

BANNER = "Non-éloignement : présumée victime de traite"


def test_the_referral_page_shows_the_non_removal_flag_to_both_sides(client, login, refer, case, sender, recipient):
    referral = refer()
    url = reverse("referrals:detail", args=[referral.pk])
    login(client, recipient)
    assert BANNER not in client.get(url).content.decode()
    case_services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=sender)
    for user in (recipient, sender):
        login(client, user)
        html = client.get(url).content.decode()
        assert BANNER in html
        # The attestation is the owner's, from the case page only.
        assert reverse("cases:non_removal_attestation", args=[case.pk]) not in html
