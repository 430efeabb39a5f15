"""The minors' chain pages (issue 10.2, 11.4–11.6): who opens the chain, what each actor records."""

import pytest
from django.urls import reverse

from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways, services
from maillage.referrals.enums import MinorStepKind
from maillage.referrals.models import MinorStep
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_minors_page_permissions_and_start(
    client, login, make_case, sender, outsider, coordinator, refer, recipient, recipient_org
):
    minor = make_case(minor=True)
    url = reverse("referrals:minors", args=[minor.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    for user in (outsider, coordinator):
        login(client, user)
        assert client.get(url).status_code == 404
    # A partner holding an accepted referral does not run the owner's chain.
    from maillage.referrals.enums import ConsentBasis

    crip = OrganisationFactory(type=OrganisationType.CHILD_PROTECTION, slug="crip-x")
    crip_worker = MembershipFactory(organisation=crip, role=Role.CASE_WORKER).user
    referral = refer(
        case=minor,
        recipient=crip,
        service="social_support",
        consent_basis=ConsentBasis.MINOR_CHILD_PROTECTION,
        consent_on=None,
        consent_method="",
        consent_scope="",
    )
    services.accept_referral(referral=referral, organisation=crip, acting_user=crip_worker)
    login(client, crip_worker)
    assert client.get(url).status_code == 404
    login(client, sender)
    html = client.get(url).content.decode()
    # The chain exists from the case's creation; the MNA steps are added once isolation is known.
    assert "Signalement au procureur" in html and "CPP art. 40" in html and "Mineur non accompagné" in html
    client.post(url, {"action": "demarrer", "unaccompanied": "on"})
    html = client.get(url).content.decode()
    assert "Accueil provisoire d&#x27;urgence" in html and "Prolonger" in html


def test_closing_a_minor_case_from_the_case_page_shows_why_not(client, login, make_case, sender, sender_org):
    minor = make_case(minor=True)
    pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org)
    login(client, sender)
    response = client.post(
        reverse("cases:status", args=[minor.pk]), {"target": "closed", "reason": "referred"}, follow=True
    )
    assert response.status_code == 200 and "ne peut pas être clos" in response.content.decode()


def test_waive_from_the_page_needs_a_reason(client, login, make_case, sender, sender_org):
    minor = make_case(minor=True)
    step = MinorStep.objects.get(case=minor, kind=MinorStepKind.FAMILY_TRACING)
    login(client, sender)
    response = client.post(
        reverse("referrals:minors", args=[minor.pk]),
        {"action": "lever", "step": step.pk, "reason": "non"},
        follow=True,
    )
    assert "Documentez" in response.content.decode()
    assert MinorStep.objects.get(pk=step.pk).waived_reason == ""
