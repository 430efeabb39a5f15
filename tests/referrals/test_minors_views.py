"""The minors' chain pages (issue 10.2, 11.4–11.6): who opens the chain, what each actor records."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways, services
from maillage.referrals.enums import ConsentBasis, MinorStepKind
from maillage.referrals.models import MinorStep
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
K = MinorStepKind
NO_CONSENT = {
    "consent_basis": ConsentBasis.MINOR_CHILD_PROTECTION,
    "consent_on": None,
    "consent_method": "",
    "consent_scope": "",
}


@pytest.fixture
def crip(crip_org):
    return crip_org, MembershipFactory(organisation=crip_org, role=Role.CASE_WORKER).user


def step_url(step):
    return reverse("referrals:minor_step", args=[step.case_id, step.pk])


def test_minors_page_permissions_and_start(client, login, make_case, sender, outsider, coordinator, refer, crip):
    minor = make_case(minor=True)
    url = reverse("referrals:minors", args=[minor.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    for user in (outsider, coordinator):
        login(client, user)
        assert client.get(url).status_code == 404
    # Issue 10.2: the CRIP that accepted the child's referral opens the chain (not a 404).
    crip_org, crip_worker = crip
    referral = refer(case=minor, recipient=crip_org, service="social_support", **NO_CONSENT)
    services.accept_referral(referral=referral, organisation=crip_org, acting_user=crip_worker)
    login(client, crip_worker)
    html = client.get(url).content.decode()
    assert "Signalement au procureur" in html and "Plan de retour" not in html  # the chain only
    login(client, sender)
    html = client.get(url).content.decode()
    assert "Signalement au procureur" in html and "CPP art. 40" in html and "Mineur non accompagné" in html
    client.post(url, {"action": "demarrer", "unaccompanied": "on"})
    html = client.get(url).content.decode()
    assert "Accueil provisoire d&#x27;urgence" in html and "Prolonger" in html


def test_no_step_is_done_in_one_click(client, login, make_case, sender):
    minor = make_case(minor=True)
    step = MinorStep.objects.get(case=minor, kind=K.IP_CRIP)
    login(client, sender)
    # The old one-click « Fait » is gone.
    client.post(reverse("referrals:minors", args=[minor.pk]), {"action": "terminer", "step": step.pk})
    assert MinorStep.objects.get(pk=step.pk).is_open
    response = client.post(step_url(step), {"action": "enregistrer", "done_on": timezone.localdate().isoformat()})
    html = response.content.decode()
    assert response.status_code == 200 and "Indiquez le destinataire" in html
    assert MinorStep.objects.get(pk=step.pk).is_open


def test_the_association_transmits_to_the_crip_which_records_its_evaluation(client, login, make_case, sender, crip):
    _crip_org, crip_worker = crip
    minor = make_case(minor=True, exploitation_departement="93")
    step = MinorStep.objects.get(case=minor, kind=K.IP_CRIP)
    login(client, sender)
    page = client.get(step_url(step)).content.decode()
    # Competent bodies first, words not ids, in a searchable list.
    assert "<datalist" in page and page.index("CRIP 93") < page.index("</datalist>")
    label = "CRIP 93 (93) — sur Maillage"
    assert label in page
    response = client.post(
        step_url(step),
        {
            "action": "enregistrer",
            "done_on": timezone.localdate().isoformat(),
            "recipient": label,
            "channel": "maillage",
            "note": "Repéré par notre maraude à Saint-Denis.",
        },
    )
    assert response.status_code == 302
    evaluation = MinorStep.objects.get(case=minor, kind=K.CRIP_EVALUATION)
    login(client, crip_worker)
    chain = client.get(reverse("referrals:minors", args=[minor.pk])).content.decode()
    assert "Évaluation de l&#x27;information préoccupante" in chain and step_url(evaluation) in chain
    page = client.get(step_url(evaluation)).content.decode()
    assert "Repéré par notre maraude" in page
    response = client.post(
        step_url(evaluation),
        {"action": "enregistrer", "done_on": timezone.localdate().isoformat(), "crip_outcome": "administrative"},
    )
    assert response.status_code == 302 and not MinorStep.objects.get(pk=evaluation.pk).is_open


def test_a_crip_cannot_record_the_associations_step(client, login, make_case, sender, sender_org, crip):
    crip_org, crip_worker = crip
    minor = make_case(minor=True)
    pathways.complete_step(
        step=MinorStep.objects.get(case=minor, kind=K.IP_CRIP),
        organisation=sender_org,
        acting_user=sender,
        done_on=timezone.localdate(),
        recipient=crip_org,
        channel="maillage",
    )
    signalement = MinorStep.objects.get(case=minor, kind=K.SIGNALEMENT_PARQUET)
    login(client, crip_worker)
    response = client.post(
        step_url(signalement),
        {
            "action": "enregistrer",
            "done_on": timezone.localdate().isoformat(),
            "recipient": "Parquet de Bobigny",
            "channel": "email",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "revient à" in html
    assert MinorStep.objects.get(pk=signalement.pk).is_open


def test_waive_from_the_step_page_needs_a_reason_and_never_for_a_mandatory_step(client, login, make_case, sender):
    minor = make_case(minor=True)
    step = MinorStep.objects.get(case=minor, kind=K.FAMILY_TRACING)
    login(client, sender)
    response = client.post(step_url(step), {"action": "lever", "reason": "non"}, follow=True)
    assert "Documentez" in response.content.decode()
    assert MinorStep.objects.get(pk=step.pk).waived_reason == ""
    mandatory = MinorStep.objects.get(case=minor, kind=K.SIGNALEMENT_PARQUET)
    page = client.get(step_url(mandatory)).content.decode()
    assert "ne peut pas être levée" in page and 'value="lever"' not in page
    response = client.post(
        step_url(mandatory),
        {"action": "lever", "reason": "Une raison longue de plus de vingt caractères"},
        follow=True,
    )
    assert "ne peut jamais être levée" in response.content.decode()
    assert MinorStep.objects.get(pk=mandatory.pk).waived_reason == ""


def test_the_parquet_reached_through_maillage_opens_the_chain_others_do_not(
    client, login, make_case, sender, sender_org, outsider
):
    parquet = OrganisationFactory(
        name="Parquet de Bobigny", slug="pq-93", type=OrganisationType.PROSECUTOR, departement="93"
    )
    worker = MembershipFactory(organisation=parquet, role=Role.CASE_WORKER).user
    minor = make_case(minor=True)
    url = reverse("referrals:minors", args=[minor.pk])
    login(client, worker)
    assert client.get(url).status_code == 404
    pathways.complete_step(
        step=MinorStep.objects.get(case=minor, kind=K.SIGNALEMENT_PARQUET),
        organisation=sender_org,
        acting_user=sender,
        done_on=timezone.localdate(),
        recipient=parquet,
        channel="maillage",
    )
    assert client.get(url).status_code == 200
    decision = MinorStep.objects.get(case=minor, kind=K.PARQUET_DECISION)
    page = client.get(step_url(decision)).content.decode()
    assert "Ordonnance de placement provisoire" in page
    login(client, outsider)
    assert client.get(step_url(decision)).status_code == 404
