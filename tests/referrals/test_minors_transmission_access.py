"""The CRIP and the parquet a child's transmission reaches read who the child is
(issue 10.2, 10.3): the information préoccupante (CASF L226-2-1, L226-3) and the
report to the prosecutor (CASF L226-4, CPP art. 40) identify the child, so a
transmission through Maillage opens a case-access grant to that body only, for
the identity and the facts, with its legal basis; each read is journaled. The
competent bodies are proposed by the child's residence first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.cases import access as case_access
from maillage.cases.enums import RESIDENCE_UNKNOWN, AccessReason, AuditAction
from maillage.cases.models import Case, CaseAccessGrant
from maillage.core.models import AuditEvent, AuditKind
from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways, selectors
from maillage.referrals.enums import AuditAction as ReferralAudit
from maillage.referrals.enums import MinorStepKind
from maillage.referrals.models import MinorStep
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
K = MinorStepKind


def body(name, departement, org_type=OrganisationType.CHILD_PROTECTION):
    org = OrganisationFactory(name=name, slug=name.lower().replace(" ", "-"), type=org_type, departement=departement)
    return org, MembershipFactory(organisation=org, role=Role.CASE_WORKER).user


def transmit(case, kind, recipient, sender, sender_org, channel="maillage"):
    return pathways.complete_step(
        step=MinorStep.objects.get(case=case, kind=kind),
        organisation=sender_org,
        acting_user=sender,
        done_on=timezone.localdate(),
        recipient=recipient,
        channel=channel,
        reference="IP-2026-17",
    )


def identity_reads(user, case):
    return AuditEvent.objects.filter(
        kind=AuditKind.READ, action=AuditAction.IDENTITY_VIEWED, actor=user, object_id=str(case.pk)
    )


def test_the_crip_reads_the_childs_identity_after_the_information_preoccupante_and_not_before(
    client, login, make_case, sender, sender_org, coordinator
):
    crip, crip_worker = body("CRIP 93", "93")
    _other_crip, other_worker = body("CRIP 95", "95")
    child = make_case(minor=True)
    detail = reverse("cases:detail", args=[child.pk])
    login(client, crip_worker)
    assert client.get(detail).status_code == 404
    assert not case_access.access_for(crip_worker, child).can_see_identity

    transmit(child, K.IP_CRIP, crip, sender, sender_org)

    grant = CaseAccessGrant.objects.open().get(case=child)
    assert grant.organisation == crip and grant.reason == AccessReason.CHILD_PROTECTION
    assert sorted(grant.parts) == ["facts", "identity"]
    assert grant.granted_by == sender and "L226-2-1" in grant.legal_basis
    access = case_access.access_for(crip_worker, child)
    assert access.can_see_identity and access.parts == {"identity", "facts"}  # never the notes or documents
    page = client.get(detail).content.decode()
    assert "OKAFOR" in page and "Information préoccupante reçue (CASF L226-2-1 et L226-3)" in page
    read = identity_reads(crip_worker, child).get()
    assert read.organisation_id == sender_org.pk  # the holder sees the read in its access log
    # The chain page leads the CRIP to the child's identity, with the legal basis.
    chain = client.get(reverse("referrals:minors", args=[child.pk])).content.decode()
    assert detail in chain and "CASF L226-2-1 et L226-3" in chain

    # Another CRIP, and the coordination (MIPROF): nothing.
    for user in (other_worker, coordinator):
        login(client, user)
        assert client.get(detail).status_code == 404
        assert not case_access.access_for(user, child).can_see_identity
        assert not identity_reads(user, child).exists()


def test_the_parquet_reads_the_identity_after_the_report_and_the_journal_says_why(
    client, login, make_case, sender, sender_org
):
    parquet, parquet_worker = body("Parquet de Bobigny", "93", OrganisationType.PROSECUTOR)
    child = make_case(minor=True)
    transmit(child, K.SIGNALEMENT_PARQUET, parquet, sender, sender_org)
    grant = CaseAccessGrant.objects.open().get(case=child, organisation=parquet)
    assert grant.reason == AccessReason.PROSECUTOR_REPORT and "CPP art. 40" in grant.legal_basis
    transmitted = AuditEvent.objects.get(action=ReferralAudit.MINORS_TRANSMITTED)
    assert transmitted.details["access"] == {"parts": ["identity", "facts"], "reason": "prosecutor"}
    login(client, parquet_worker)
    page = client.get(reverse("cases:detail", args=[child.pk])).content.decode()
    assert "OKAFOR" in page and "Signalement au procureur reçu (CASF L226-4 et CPP art. 40)" in page
    assert identity_reads(parquet_worker, child).count() == 1
    # The parquet's « Dossiers » list shows the case as shared, with the legal basis.
    listing = client.get(reverse("cases:list")).content.decode()
    assert child.reference in listing and "CASF L226-4 et CPP art. 40" in listing


def test_a_transmission_outside_maillage_gives_no_access(make_case, sender, sender_org):
    """By e-mail or post the body received what it received there: Maillage opens nothing."""
    crip, crip_worker = body("CRIP 93", "93")
    child = make_case(minor=True)
    transmit(child, K.IP_CRIP, crip, sender, sender_org, channel="email")
    assert not CaseAccessGrant.objects.filter(case=child).exists()
    assert not case_access.access_for(crip_worker, child).can_see_identity


# --- the child's residence (issue 10.3) ------------------------------------------------


def test_a_child_residing_in_93_found_by_a_paris_association_gets_the_crip_93_first(make_case, sender_org):
    assert sender_org.departement == "75"  # the association holding the case is in Paris
    for name, dep in (("CRIP 75", "75"), ("CRIP 93", "93"), ("CRIP 13", "13")):
        OrganisationFactory(
            name=name, slug=name.lower().replace(" ", "-"), type=OrganisationType.CHILD_PROTECTION, departement=dep
        )
    OrganisationFactory(name="Parquet de Paris", slug="pq-75", type=OrganisationType.PROSECUTOR, departement="75")
    OrganisationFactory(name="Parquet de Bobigny", slug="pq-93", type=OrganisationType.PROSECUTOR, departement="93")
    child = make_case(minor=True, exploitation_country="FR", exploitation_departement="75")  # found in Paris
    assert selectors.minor_recipient_candidates(child, "crip")[0].name == "CRIP 75"  # not said yet
    Case.objects.filter(pk=child.pk).update(residence_departement="93")
    child.refresh_from_db()
    crips = selectors.minor_recipient_candidates(child, "crip")
    assert [o.name for o in crips] == ["CRIP 93", "CRIP 75", "CRIP 13"] and crips[0].competent
    assert selectors.minor_recipient_candidates(child, "parquet")[0].name == "Parquet de Bobigny"
    # Unknown residence: where the child was found, then the holder's département.
    Case.objects.filter(pk=child.pk).update(residence_departement=RESIDENCE_UNKNOWN, exploitation_departement="13")
    child.refresh_from_db()
    assert [o.name for o in selectors.minor_recipient_candidates(child, "crip")] == ["CRIP 13", "CRIP 75", "CRIP 93"]


def test_the_holder_records_the_residence_where_the_chain_starts(client, login, make_case, sender, outsider):
    child = make_case(minor=True)
    url = reverse("referrals:minors", args=[child.pk])
    login(client, sender)
    page = client.get(url).content.decode()
    assert "Département de résidence de l&#x27;enfant" in page and "93 – Seine-Saint-Denis" in page
    assert "Où l'enfant réside-t-il ?" in page
    client.post(url, {"action": "residence", "residence_departement": "93"})
    child.refresh_from_db()
    assert child.residence_departement == "93"
    updated = AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(child.pk)).first()
    assert updated.details["facts"] == ["residence_departement"]
    page = client.get(url).content.decode()
    assert '<option value="93" selected>' in page and "Où l'enfant réside-t-il ?" not in page
    client.post(url, {"action": "residence", "residence_departement": RESIDENCE_UNKNOWN})
    child.refresh_from_db()
    assert child.residence_departement == RESIDENCE_UNKNOWN
    # Bad input: a French message, nothing written.
    response = client.post(url, {"action": "residence", "residence_departement": "Paris 18e"}, follow=True)
    assert "Sélectionnez un choix valide" in response.content.decode()
    child.refresh_from_db()
    assert child.residence_departement == RESIDENCE_UNKNOWN
    # Only the holder records it.
    login(client, outsider)
    assert client.post(url, {"action": "residence", "residence_departement": "13"}).status_code == 404
    child.refresh_from_db()
    assert child.residence_departement == RESIDENCE_UNKNOWN


def test_the_case_service_refuses_an_unknown_departement(make_case, sender):
    from maillage.cases import services as case_services

    child = make_case(minor=True)
    with pytest.raises(ValidationError) as exc:
        case_services.update_case(case=child, acting_user=sender, facts={"residence_departement": "999"})
    assert "Département inconnu" in " ".join(exc.value.messages)


def test_in_english(client, login, make_case, sender, sender_org):
    crip, crip_worker = body("CRIP 93", "93")
    child = make_case(minor=True)
    url = reverse("referrals:minors", args=[child.pk])
    login(client, sender)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Child&#x27;s département of residence" in page and "Save the residence" in page
    transmit(child, K.IP_CRIP, crip, sender, sender_org)
    login(client, crip_worker)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(information préoccupante) received (CASF L226-2-1 and L226-3)" in page
    assert "The child's identity and the facts" in page
