"""Pages: permissions for every view (sender, recipient, other organisation,
coordinator, anonymous) and the main flows."""

import pytest
from django.urls import reverse

from maillage.referrals import services
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.models import AnonymousNotification, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(refer):
    return refer()


def referral_urls(referral):
    case_pk = referral.case_id
    return [
        ("get", reverse("referrals:detail", args=[referral.pk])),
        ("post", reverse("referrals:act", args=[referral.pk, "accepter"])),
        ("post", reverse("referrals:act", args=[referral.pk, "retirer"])),
        ("get", reverse("referrals:for_case", args=[case_pk])),
        ("get", reverse("referrals:create", args=[case_pk])),
    ]


def test_anonymous_is_sent_to_login(client, sent):
    for method, url in [
        *referral_urls(sent),
        ("get", reverse("referrals:inbox")),
        ("get", reverse("referrals:anonymous")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/comptes/" in response["Location"], url


def test_other_organisation_gets_404(client, login, outsider, sent):
    login(client, outsider)
    for method, url in referral_urls(sent):
        assert getattr(client, method)(url).status_code == 404, url
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.SENT


def test_coordinator_gets_404_everywhere(client, login, coordinator, sent):
    login(client, coordinator)
    for method, url in [
        *referral_urls(sent),
        ("get", reverse("referrals:inbox")),
        ("get", reverse("referrals:anonymous")),
    ]:
        assert getattr(client, method)(url).status_code == 404, url


def test_plain_member_gets_404(client, login, plain_member, sent):
    login(client, plain_member)
    assert client.get(reverse("referrals:detail", args=[sent.pk])).status_code == 404
    assert client.get(reverse("referrals:inbox")).status_code == 404


def test_recipient_cannot_open_the_case_before_accepting(client, login, recipient, sent):
    login(client, recipient)
    assert client.get(reverse("referrals:detail", args=[sent.pk])).status_code == 200
    assert client.get(reverse("referrals:for_case", args=[sent.case_id])).status_code == 404
    assert client.get(reverse("referrals:create", args=[sent.case_id])).status_code == 404
    assert client.get(reverse("cases:detail", args=[sent.case_id])).status_code == 404


def test_recipient_inbox_counts_and_accept(client, login, recipient, sent):
    login(client, recipient)
    html = client.get(reverse("referrals:inbox")).content.decode()
    assert sent.case.reference in html and "En attente (1)" in html
    response = client.post(reverse("referrals:act", args=[sent.pk, "accepter"]))
    assert response.status_code == 302
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.ACCEPTED
    html = client.get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    assert "Ouvrir le dossier" in html
    assert client.get(reverse("cases:detail", args=[sent.case_id])).status_code == 200
    # Accepting twice: French message, no error page.
    response = client.post(reverse("referrals:act", args=[sent.pk, "accepter"]), follow=True)
    assert "déjà été acceptée" in response.content.decode()


def test_recipient_cannot_withdraw_and_sender_cannot_accept(client, login, recipient, sender, sent):
    login(client, recipient)
    assert client.post(reverse("referrals:act", args=[sent.pk, "retirer"])).status_code == 404
    login(client, sender)
    assert client.post(reverse("referrals:act", args=[sent.pk, "accepter"])).status_code == 404
    assert client.post(reverse("referrals:act", args=[sent.pk, "inconnue"])).status_code == 404
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.SENT


def test_decline_without_reason_shows_a_french_message(client, login, recipient, sent):
    login(client, recipient)
    response = client.post(reverse("referrals:act", args=[sent.pk, "refuser"]), {"reason": ""}, follow=True)
    assert "motif" in response.content.decode()
    client.post(reverse("referrals:act", args=[sent.pk, "refuser"]), {"reason": "no_capacity"})
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.DECLINED


def test_sender_outbox_and_withdraw(client, login, sender, sent):
    login(client, sender)
    html = client.get(reverse("referrals:inbox") + "?boite=envoyees").content.decode()
    assert sent.case.reference in html
    client.post(reverse("referrals:act", args=[sent.pk, "retirer"]))
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.WITHDRAWN


def test_create_page_suggests_and_sends(client, login, sender, case, recipient_org, recipient):
    from maillage.directory.models import Profile, Service

    profile = Profile.objects.create(
        organisation=recipient_org, departement="13", accepts_referrals=True, visibility="members", capacity_places=3
    )
    profile.services.add(Service.objects.get(code="secure_accommodation"))
    from maillage.directory import services as directory_services

    directory_services.refresh_search_text(profile)
    login(client, sender)
    url = reverse("referrals:create", args=[case.pk])
    html = client.get(url + "?service=secure_accommodation").content.decode()
    assert recipient_org.name in html
    assert "Places déclarées disponibles : 3" in html
    response = client.post(
        url + "?service=secure_accommodation",
        {
            "recipient": recipient_org.pk,
            "service": "secure_accommodation",
            "kind": "referral",
            "shared_parts": ["facts"],
            "consent_basis": "consent",
            "consent_on": "2026-01-05",
            "consent_method": "oral",
            "consent_scope": "Hébergement",
            "envoyer": "1",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.shared_parts == ["facts"]


def test_create_page_refuses_own_organisation_in_french(client, login, sender, case, sender_org):
    login(client, sender)
    response = client.post(
        reverse("referrals:create", args=[case.pk]),
        {
            "recipient": sender_org.pk,
            "service": "legal_aid",
            "kind": "referral",
            "consent_basis": "consent",
            "consent_on": "2026-01-05",
            "consent_method": "oral",
            "consent_scope": "Aide juridique",
            "envoyer": "1",
        },
    )
    assert response.status_code == 400
    assert "votre propre organisation" in response.content.decode()
    assert not Referral.objects.exists()


def test_case_page_links_to_referrals(client, login, sender, case, sent):
    login(client, sender)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("referrals:create", args=[case.pk]) in html
    assert client.get(reverse("referrals:for_case", args=[case.pk])).status_code == 200


def test_home_panel_shows_pending(client, login, recipient, sent):
    """The referral waiting for an answer shows in « À traiter » with its queue's
    count and a link to the inbox's waiting list (the former « Orientations en
    attente » panel repeated it and is gone)."""
    login(client, recipient)
    html = client.get("/").content.decode()
    assert "Orientations en attente" not in html
    panel = html[html.index(">À traiter<") :]
    assert sent.case.reference in panel
    assert "Orientations reçues en attente de réponse</a>" in panel and "1 en attente" in panel
    assert reverse("referrals:inbox") + "?boite=recues&amp;etat=attente" in panel


def test_anonymous_notification_keeps_no_identity(client, login, sender):
    login(client, sender)
    response = client.post(
        reverse("referrals:anonymous"),
        {
            "reason": "refused_referral",
            "sex": "F",
            "age_band": "25-34",
            "nationality": "NG",
            "exploitation_forms": ["PROX"],
            "exploitation_departement": "93",
        },
    )
    assert response.status_code == 302
    row = AnonymousNotification.objects.get()
    assert row.nationality == "NG" and row.exploitation_forms == ["PROX"]
    field_names = {f.name for f in AnonymousNotification._meta.get_fields()}
    assert not field_names & {"last_name", "first_name", "birth_date", "phone", "email", "address", "case"}


def test_anonymous_notification_refuses_a_child_age_band(sender, sender_org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.record_anonymous_notification(
            organisation=sender_org, acting_user=sender, reason="refused_referral", age_band="12-17"
        )


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"exploitation_country": "ZZ"}, "exploitation_country"),
        ({"exploitation_country": "BE", "exploitation_departement": "93"}, "exploitation_departement"),
    ],
)
def test_anonymous_notification_refuses_unknown_countries_and_a_departement_abroad(sender, sender_org, extra, field):
    from django.core.exceptions import ValidationError

    from maillage.referrals.models import AnonymousNotification

    with pytest.raises(ValidationError) as exc:
        services.record_anonymous_notification(
            organisation=sender_org, acting_user=sender, reason="refused_referral", **extra
        )
    assert field in exc.value.message_dict
    assert not AnonymousNotification.objects.exists()
    services.record_anonymous_notification(
        organisation=sender_org,
        acting_user=sender,
        reason="refused_referral",
        exploitation_country="FR",
        exploitation_departement="93",
    )
    assert AnonymousNotification.objects.count() == 1
