"""Data minimisation (issue 5, priority 3): the recipient reads only the
shared parts, through the same selectors, pages and access log."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.cases import access as case_access
from maillage.cases import policies
from maillage.cases import services as case_services
from maillage.core.models import AuditEvent, AuditKind
from maillage.organisations.models import Membership
from maillage.referrals import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%fake\n"


@pytest.fixture
def rich_case(case, sender):
    case_services.add_note(case=case, acting_user=sender, text="NOTE-INTERNE-SECRETE", visibility="internal")
    case_services.add_note(case=case, acting_user=sender, text="NOTE-PARTAGEABLE", visibility="shareable")
    doc = case_services.add_document(
        case=case,
        acting_user=sender,
        doc_type="identity",
        upload=SimpleUploadedFile("passeport.pdf", PDF, content_type="application/pdf"),
    )
    case.doc_id = doc.pk
    return case


def reauthenticated(client):
    session = client.session
    session["account_authentication_methods"].append(
        {"method": "password", "at": time.time(), "reauthenticated": True}
    )
    session.save()


def accepted(refer, recipient, recipient_org, **kw):
    referral = refer(**kw)
    return services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)


def test_sender_cannot_share_a_part_it_does_not_see(rich_case, refer, recipient, recipient_org, crip_org):
    accepted(refer, recipient, recipient_org, shared_parts=["facts"])
    assert case_access.parts_for(recipient, rich_case) == frozenset({"facts"})
    with pytest.raises(ValidationError) as exc:
        refer(
            organisation=recipient_org, acting_user=recipient, recipient=crip_org, shared_parts=["facts", "identity"]
        )
    assert "ce que vous ne voyez pas" in " ".join(exc.value.messages)
    # Sharing what it sees is fine.
    refer(organisation=recipient_org, acting_user=recipient, recipient=crip_org, shared_parts=["facts"])


def test_pending_referral_gives_no_access(rich_case, refer, recipient, recipient_org, login, client):
    refer(shared_parts=["identity", "facts"])
    assert case_access.parts_for(recipient, rich_case) == frozenset()
    login(client, recipient)
    assert client.get(reverse("cases:detail", args=[rich_case.pk])).status_code == 404


def test_recipient_sees_only_shared_parts_on_the_detail_page(
    rich_case, refer, recipient, recipient_org, login, client
):
    accepted(refer, recipient, recipient_org, shared_parts=["facts", "notes_shareable"])
    login(client, recipient)
    response = client.get(reverse("cases:detail", args=[rich_case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "NOTE-PARTAGEABLE" in html
    assert "NOTE-INTERNE-SECRETE" not in html
    assert "Okafor".upper() not in html and "Blessing" not in html  # identity not shared
    assert "Identité non accessible" in html
    assert reverse("cases:document_download", args=[rich_case.pk, rich_case.doc_id]) not in html
    assert not AuditEvent.objects.filter(action="case.identity.viewed", actor=recipient).exists()


def test_shared_identity_is_shown_and_logged(rich_case, refer, recipient, recipient_org, login, client):
    accepted(refer, recipient, recipient_org, shared_parts=["identity"])
    login(client, recipient)
    html = client.get(reverse("cases:detail", args=[rich_case.pk])).content.decode()
    assert "Blessing" in html
    assert "NOTE-PARTAGEABLE" not in html
    assert AuditEvent.objects.filter(action="case.identity.viewed", actor=recipient, kind=AuditKind.READ).exists()


def test_no_url_guess_reaches_an_unshared_part(rich_case, refer, recipient, recipient_org, login, client):
    accepted(refer, recipient, recipient_org, shared_parts=["facts"])
    login(client, recipient)
    reauthenticated(client)
    pk = rich_case.pk
    for method, url in [
        ("get", reverse("cases:edit", args=[pk])),
        ("get", reverse("cases:document_download", args=[pk, rich_case.doc_id])),
        ("get", reverse("cases:export", args=[pk])),
        ("get", reverse("cases:privacy", args=[pk])),
        ("get", reverse("cases:note_add", args=[pk])),
        ("get", reverse("cases:screening_new", args=[pk])),
        ("get", reverse("cases:record_add", args=[pk, "reflexion"])),
        ("post", reverse("cases:status", args=[pk])),
        ("post", reverse("cases:note_add", args=[pk])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    # The organisation's own list does not show partner cases; they are listed
    # apart, as shared, with the parts shared only (issue 10 item 5).
    own, _, shared = client.get(reverse("cases:list")).content.decode().partition("Dossiers partagés avec")
    assert rich_case.reference not in own and rich_case.reference in shared


def test_shared_documents_are_downloadable_and_logged(rich_case, refer, recipient, recipient_org, login, client):
    accepted(refer, recipient, recipient_org, shared_parts=["documents"])
    login(client, recipient)
    response = client.get(reverse("cases:document_download", args=[rich_case.pk, rich_case.doc_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="case.document.downloaded", actor=recipient).exists()


def test_export_stays_with_the_owner_even_when_identity_is_shared(
    rich_case, refer, recipient, recipient_org, login, client
):
    accepted(refer, recipient, recipient_org, shared_parts=["identity"])
    login(client, recipient)
    reauthenticated(client)
    assert (
        client.post(reverse("cases:export", args=[rich_case.pk]), {"password": "un-mot-de-passe-long"}).status_code
        == 404
    )
    assert client.get(reverse("cases:export", args=[rich_case.pk])).status_code == 404


def test_access_ends_when_the_worker_leaves(rich_case, refer, recipient, recipient_org, login, client):
    accepted(refer, recipient, recipient_org, shared_parts=["facts"])
    Membership.objects.filter(user=recipient).update(is_active=False, removed_at=timezone.now())
    assert not policies.cases_visible_to(recipient, recipient_org).filter(pk=rich_case.pk).exists()
    assert case_access.parts_for(recipient, rich_case) == frozenset()


def test_completed_keeps_and_expired_gives_no_access(rich_case, refer, recipient, recipient_org):
    referral = accepted(refer, recipient, recipient_org, shared_parts=["facts"])
    services.complete_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert case_access.parts_for(recipient, rich_case) == frozenset({"facts"})


@pytest.mark.parametrize(("parts", "shown"), [(["facts"], False), (["facts", "rights"], True)])
def test_the_identification_reference_and_deciders_belong_to_the_legal_situation(
    case, sender, refer, recipient, recipient_org, login, client, parts, shown
):
    import datetime

    from maillage.cases.enums import CaseStatus

    case_services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=sender)
    case_services.change_status(
        case=case,
        target=CaseStatus.IDENTIFIED,
        acting_user=sender,
        authority="police",
        on=datetime.date.today(),
        reference="PV-2026-0451",
    )
    accepted(refer, recipient, recipient_org, shared_parts=parts)
    login(client, recipient)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Identifiée" in html or "identifiée" in html  # the status itself stays visible
    assert ("PV-2026-0451" in html) is shown
    assert ("motifs raisonnables retenus" in html) is shown


def test_the_partner_is_not_offered_owner_only_links(case, sender, refer, recipient, recipient_org, login, client):
    import datetime

    period = case_services.record_reflection_period(
        case=case,
        acting_user=sender,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 2, 15),
        status="granted",
    )
    accepted(refer, recipient, recipient_org, shared_parts=["facts", "rights"])
    login(client, recipient)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "01/01/2026" in html  # the shared legal situation is shown
    edit = reverse("cases:reflection_edit", args=[case.pk, period.pk])
    assert edit not in html
    assert client.get(edit).status_code == 404
