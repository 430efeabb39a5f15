"""Pages of the pathways: minors' chain, Ac.Sé, coordination view."""

import datetime

import pytest
from django.urls import reverse

from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways, services
from tests.factories import MembershipFactory, OrganisationFactory
from tests.referrals.conftest import ACSE_REQUEST

pytestmark = pytest.mark.django_db


def test_acse_request_page_refuses_a_minor_with_an_explanation(client, login, make_case, sender):
    login(client, sender)
    html = client.get(reverse("referrals:acse_request", args=[make_case(minor=True).pk])).content.decode()
    assert "uniquement des personnes majeures" in html


def test_coordination_view_counts_only_with_small_counts(client, login, coordinator, case_worker, refer, case):
    refer()
    login(client, case_worker)
    assert client.get(reverse("referrals:coordination")).status_code == 404
    login(client, coordinator)
    html = client.get(reverse("referrals:coordination")).content.decode()
    assert "Hébergement sécurisé" in html and "&lt; 5" in html
    assert case.reference not in html and "Okafor" not in html
    assert client.get(reverse("referrals:inbox")).status_code == 404


def test_coordination_view_requires_login(client):
    assert client.get(reverse("referrals:coordination")).status_code == 302


def test_exchange_from_the_page(client, login, case, sender):
    counterpart = OrganisationFactory(
        name="NAPTIP",
        slug="naptip-x",
        type=OrganisationType.FOREIGN_COUNTERPART,
        country="NG",
        departement="",
        region="",
        territory_level="foreign",
    )
    login(client, sender)
    url = reverse("referrals:minors", args=[case.pk])
    response = client.post(
        url,
        {
            "action": "echange",
            "counterpart": counterpart.pk,
            "purpose": "rights_34_4",
            "channel": "consulate",
            "legal_basis": "",
        },
        follow=True,
    )
    assert "base légale" in response.content.decode()
    client.post(
        url,
        {
            "action": "echange",
            "counterpart": counterpart.pk,
            "purpose": "rights_34_4",
            "channel": "consulate",
            "legal_basis": "Art. 34.4",
            "shared_parts": ["facts"],
        },
    )
    assert case.international_exchanges.count() == 1
    assert datetime.date.today() <= case.international_exchanges.get().answer_due_on


@pytest.mark.parametrize("who", ["anonymous", "outsider", "coordinator", "plain_member"])
def test_pathway_pages_are_closed_to_others(client, login, who, request, case, sender, sender_org):
    coord = OrganisationFactory(name="Coordination Ac.Sé", slug="acse-p", type=OrganisationType.ACSE_COORDINATION)
    placement = pathways.request_acse(
        **ACSE_REQUEST,
        danger_departements=["93"],
        case=case,
        organisation=sender_org,
        acting_user=sender,
        consent_on=datetime.date(2026, 1, 5),
        consent_method="oral",
        coordination=coord,
    )
    urls = [
        ("get", reverse("referrals:minors", args=[case.pk])),
        ("post", reverse("referrals:minors", args=[case.pk])),
        ("get", reverse("referrals:acse_request", args=[case.pk])),
        ("get", reverse("referrals:acse_detail", args=[placement.pk])),
        ("post", reverse("referrals:acse_detail", args=[placement.pk])),
    ]
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    for method, url in urls:
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/comptes/" in response["Location"], url
        else:
            assert response.status_code == 404, (who, url)
    listing = client.get(reverse("referrals:acse_list"))
    if who == "outsider":  # a case worker elsewhere: an empty list
        assert listing.status_code == 200 and case.reference not in listing.content.decode()
    elif who != "anonymous":
        assert listing.status_code == 404


def test_case_page_shows_the_chain_at_a_glance_to_the_owner_only(
    client, login, make_case, sender, sender_org, refer, crip_org
):
    from maillage.referrals.enums import ConsentBasis

    minor = make_case(minor=True)
    pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org)
    login(client, sender)
    html = client.get(reverse("cases:detail", args=[minor.pk])).content.decode()
    assert "étapes obligatoires du parcours mineur ouvertes" in html and "prochaine" in html
    crip_worker = MembershipFactory(organisation=crip_org, role=Role.CASE_WORKER).user
    referral = refer(
        case=minor,
        recipient=crip_org,
        service="social_support",
        consent_basis=ConsentBasis.MINOR_CHILD_PROTECTION,
        consent_on=None,
        consent_method="",
        consent_scope="",
    )
    services.accept_referral(referral=referral, organisation=crip_org, acting_user=crip_worker)
    login(client, crip_worker)
    html = client.get(reverse("cases:detail", args=[minor.pk])).content.decode()
    assert "parcours mineur ouvertes" not in html


def test_coordination_view_counts_anonymous_notifications(client, login, coordinator, sender, sender_org):
    services.record_anonymous_notification(
        organisation=sender_org, acting_user=sender, reason="refused_referral", age_band="25-34"
    )
    login(client, coordinator)
    html = client.get(reverse("referrals:coordination")).content.decode()
    assert "La personne refuse d&#x27;être orientée" in html and "&lt; 5" in html


def test_exchange_answer_from_the_page(client, login, case, sender, outsider):
    import time_machine
    from django.utils import timezone

    counterpart = OrganisationFactory(
        name="NAPTIP",
        slug="naptip-y",
        type=OrganisationType.FOREIGN_COUNTERPART,
        country="NG",
        departement="",
        region="",
        territory_level="foreign",
    )
    t0 = timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 0))
    with time_machine.travel(t0, tick=False):
        exchange = pathways.record_exchange(
            case=case,
            organisation=case.organisation,
            acting_user=sender,
            counterpart=counterpart,
            purpose="rights_34_4",
            channel="consulate",
            legal_basis="Art. 34.4",
            shared_parts=["facts"],
        )
    url = reverse("referrals:minors", args=[case.pk])
    with time_machine.travel(t0 + datetime.timedelta(days=10), tick=False):
        login(client, sender)
        html = client.get(url).content.decode()
        assert "réponse en retard" in html and "Sans identité" in html and 'value="reponse-echange"' in html
        response = client.post(
            url,
            {"action": "reponse-echange", "exchange": exchange.pk, "answered_on": "2026-03-30", "summary": "Réponse"},
            follow=True,
        )
        assert "antérieure à l&#x27;envoi" in response.content.decode()
        client.post(
            url,
            {
                "action": "reponse-echange",
                "exchange": exchange.pk,
                "answered_on": "2026-04-09",
                "summary": "Statut de victime reconnu au Nigeria",
            },
        )
        html = client.get(url).content.decode()
        assert "réponse reçue" in html and "09/04/2026" in html and "Statut de victime reconnu au Nigeria" in html
        assert "réponse en retard" not in html and 'value="reponse-echange"' not in html
        # Another organisation's worker cannot even reach the page, nor answer by posting.
        login(client, outsider)
        assert (
            client.post(
                url,
                {"action": "reponse-echange", "exchange": exchange.pk, "answered_on": "2026-04-09", "summary": "x"},
            ).status_code
            == 404
        )
