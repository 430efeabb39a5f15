"""The Ac.Sé host reads the shared parts of the case from « place trouvée » to
the exit, and nobody on the referrer's side ever learns who or where it is."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.cases import access as case_access
from maillage.cases import policies as case_policies
from maillage.cases import selectors as case_selectors
from maillage.cases import services as case_services
from maillage.cases.enums import NoteVisibility
from maillage.core.models import AuditEvent, AuditKind
from maillage.notifications.models import Notification, OutboundEmail
from maillage.organisations.enums import OrganisationType
from maillage.referrals import pathways
from maillage.referrals.enums import AcseStatus, SharedPart
from maillage.referrals.models import Referral
from tests.factories import OrganisationFactory

from .conftest import ACSE_REQUEST, HOST_EMAIL, HOST_NAME, make_acse_host

pytestmark = pytest.mark.django_db
A = AcseStatus
NEW_HOST_NAME = "Abri Discret Littoral"


@pytest.fixture
def new_host():
    return make_acse_host(NEW_HOST_NAME, "abri-littoral", "29")


@pytest.fixture
def notes(case, sender):
    case_services.add_note(
        case=case,
        acting_user=sender,
        text="Note interne : contact avec la brigade",
        visibility=NoteVisibility.INTERNAL,
    )
    case_services.add_note(
        case=case,
        acting_user=sender,
        text="Note partageable : régime sans gluten",
        visibility=NoteVisibility.SHAREABLE,
    )


def _visible(user, org, case):
    return case_policies.cases_visible_to(user, org).filter(pk=case.pk).exists()


# --- when access starts and ends ----------------------------------------------------------


def test_host_reads_only_the_shared_parts_from_place_found_to_exit(case, host, acse, placement):
    host_org, host_worker = host
    coord, coord_worker = acse
    p = placement(A.PLACE_SEARCH)
    assert not _visible(host_worker, host_org, case)  # no host yet
    p = pathways.advance_acse(
        placement=p, organisation=coord, acting_user=coord_worker, target=A.PLACE_FOUND, host=host_org
    )
    assert _visible(host_worker, host_org, case)
    assert case_access.parts_for(host_worker, case) == {"identity", "facts"}
    assert case_policies.can_see_identity(host_worker, case) and not case_policies.can_edit(host_worker, case)
    p = pathways.advance_acse(placement=p, organisation=coord, acting_user=coord_worker, target=A.TRANSFER)
    p = pathways.advance_acse(placement=p, organisation=host_org, acting_user=host_worker, target=A.HOSTED)
    assert _visible(host_worker, host_org, case)
    pathways.advance_acse(placement=p, organisation=host_org, acting_user=host_worker, target=A.EXITED)
    assert not _visible(host_worker, host_org, case)
    assert case_access.parts_for(host_worker, case) == frozenset()
    # The coordination organises the placement but never reads the case.
    assert not _visible(coord_worker, coord, case)


@pytest.mark.parametrize("end", ["cancelled_by_referrer", "cancelled_in_transfer", "refused"])
def test_cancellation_or_refusal_ends_the_access(end, case, sender, sender_org, host, acse, placement):
    host_org, host_worker = host
    coord, coord_worker = acse
    p = placement(A.TRANSFER if end == "cancelled_in_transfer" else A.PLACE_FOUND, host=host)
    assert _visible(host_worker, host_org, case)
    if end == "refused":
        pathways.advance_acse(
            placement=p, organisation=coord, acting_user=coord_worker, target=A.REFUSED, reason="Place retirée"
        )
    elif end == "cancelled_by_referrer":
        pathways.advance_acse(
            placement=p,
            organisation=sender_org,
            acting_user=sender,
            target=A.CANCELLED,
            reason="La personne a changé d'avis",
        )
    else:
        pathways.advance_acse(
            placement=p, organisation=coord, acting_user=coord_worker, target=A.CANCELLED, reason="Départ volontaire"
        )
    assert not _visible(host_worker, host_org, case)


def test_a_changed_host_loses_the_access_at_once(
    case, host, new_host, acse, placement, django_capture_on_commit_callbacks
):
    host_org, host_worker = host
    new_org, new_worker = new_host
    coord, coord_worker = acse
    p = placement(A.HOSTED, host=host)
    with django_capture_on_commit_callbacks(execute=True):
        p = pathways.change_acse_host(placement=p, organisation=coord, acting_user=coord_worker, host=new_org)
    assert p.status == A.PLACE_FOUND and p.host == new_org and p.arrived_on is None
    assert not _visible(host_worker, host_org, case)
    assert _visible(new_worker, new_org, case) and case_access.parts_for(new_worker, case) == {"identity", "facts"}
    assert Notification.objects.filter(recipient=host_worker, title__contains="fermé").exists()
    assert Notification.objects.filter(recipient=new_worker, title__contains="partagé").exists()
    # Same host again, another organisation than the coordination, a host in danger: refused.
    with pytest.raises(ValidationError):
        pathways.change_acse_host(placement=p, organisation=coord, acting_user=coord_worker, host=new_org)
    near = OrganisationFactory(name="Foyer 93", slug="foyer-93-h", type=OrganisationType.SHELTER, departement="93")
    with pytest.raises(ValidationError):
        pathways.change_acse_host(placement=p, organisation=coord, acting_user=coord_worker, host=near)
    with pytest.raises(PermissionDenied):
        pathways.change_acse_host(placement=p, organisation=new_org, acting_user=new_worker, host=host_org)


def test_host_cannot_be_changed_before_a_place_is_found_or_after_the_exit(host, new_host, acse, placement):
    coord, coord_worker = acse
    p = placement(A.PLACE_SEARCH)
    with pytest.raises(ValidationError):
        pathways.change_acse_host(placement=p, organisation=coord, acting_user=coord_worker, host=new_host[0])


# --- what the host may receive (consent, minimisation) -------------------------------------


@pytest.mark.parametrize("part", [SharedPart.SCREENING, SharedPart.DOCUMENTS, "notes_internal", "privacy"])
def test_request_refuses_parts_a_shelter_does_not_need(part, case, sender, sender_org, acse):
    with pytest.raises(ValidationError) as exc:
        pathways.request_acse(
            **ACSE_REQUEST,
            danger_departements=["93"],
            case=case,
            organisation=sender_org,
            acting_user=sender,
            consent_on=datetime.date(2026, 1, 5),
            consent_method="oral",
            coordination=acse[0],
            shared_parts=[SharedPart.IDENTITY, part],
        )
    assert "centre d'accueil ne peut recevoir que" in " ".join(exc.value.messages)


def test_nothing_shared_means_the_case_opens_without_identity(client, login, case, host, placement):
    _host_org, host_worker = host
    placement(A.PLACE_FOUND, host=host, parts=())
    login(client, host_worker)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Identité non accessible" in html and "okafor" not in html.lower()
    assert not AuditEvent.objects.filter(kind=AuditKind.READ).exists()


# --- pages -----------------------------------------------------------------------------------


def test_host_opens_the_case_page_with_the_shared_parts_only(client, login, case, notes, host, placement):
    _host_org, host_worker = host
    p = placement(A.HOSTED, host=host, parts=(SharedPart.IDENTITY, SharedPart.FACTS, SharedPart.NOTES_SHAREABLE))
    login(client, host_worker)
    html = client.get(reverse("referrals:acse_detail", args=[p.pk])).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in html and "Identité, Besoins et faits" in html
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "OKAFOR" in html and "Anglais" in html  # identity to welcome the person, languages
    assert "régime sans gluten" in html and "brigade" not in html  # never the internal notes
    assert "Chronologie" not in html
    for name in ("edit", "note_add", "task_add", "document_add", "privacy", "screening_new"):
        assert client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 404, name
    # The owner's case list is not the host's: the case is listed apart, as
    # shared by « la coordination Ac.Sé », never naming the referrer (R-ACSE).
    own, _, shared = client.get(reverse("cases:list")).content.decode().partition("Dossiers partagés avec")
    assert case.reference not in own and case.reference in shared
    assert "partagé par la coordination Ac.Sé" in shared and case.organisation.name not in shared


def test_after_the_exit_the_case_page_is_a_404(client, login, case, host, placement):
    host_org, host_worker = host
    p = placement(A.HOSTED, host=host)
    pathways.advance_acse(placement=p, organisation=host_org, acting_user=host_worker, target=A.EXITED)
    login(client, host_worker)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    html = client.get(reverse("referrals:acse_detail", args=[p.pk])).content.decode()
    assert "plus accès au dossier" in html and reverse("cases:detail", args=[case.pk]) not in html


@pytest.mark.parametrize("who", ["outsider", "coordinator", "coordination_worker", "other_shelter"])
def test_other_organisations_see_nothing(client, login, who, request, case, host, acse, placement):
    placement(A.HOSTED, host=host)
    user = {
        "coordination_worker": lambda: acse[1],
        "other_shelter": lambda: make_acse_host("Foyer Voisin", "foyer-voisin", "04")[1],
    }.get(who, lambda: request.getfixturevalue(who))()
    login(client, user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("referrals:for_case", args=[case.pk])).status_code == 404


# --- the referrer never learns the host -------------------------------------------------------


def test_the_referrer_never_sees_the_host_anywhere(
    client,
    login,
    case,
    sender,
    sender_org,
    org_admin,
    host,
    new_host,
    acse,
    placement,
    django_capture_on_commit_callbacks,
):
    host_org, host_worker = host
    coord, coord_worker = acse
    with django_capture_on_commit_callbacks(execute=True):
        p = placement(A.HOSTED, host=host)
    # The host reads the identity (journaled), then the person moves and later leaves.
    login(client, host_worker)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        p = pathways.change_acse_host(placement=p, organisation=coord, acting_user=coord_worker, host=new_host[0])
        p = pathways.advance_acse(placement=p, organisation=coord, acting_user=coord_worker, target=A.TRANSFER)
        p = pathways.advance_acse(placement=p, organisation=new_host[0], acting_user=new_host[1], target=A.HOSTED)
        p = pathways.advance_acse(placement=p, organisation=new_host[0], acting_user=new_host[1], target=A.EXITED)
    secrets = (
        HOST_NAME,
        NEW_HOST_NAME,
        HOST_EMAIL,
        "Montagnard",
        new_host[1].email,
        "refuge-montagne",
        "abri-littoral",
    )
    pages = [
        reverse("cases:detail", args=[case.pk]),
        reverse("referrals:for_case", args=[case.pk]),
        reverse("referrals:inbox"),
        reverse("referrals:inbox") + "?boite=envoyees",
        reverse("referrals:acse_list"),
        reverse("referrals:acse_detail", args=[p.pk]),
        reverse("notifications"),
        reverse("home"),
    ]
    for user in (sender, org_admin):
        login(client, user)
        for url in [*pages, reverse("organisation_access_log", kwargs={"slug": sender_org.slug})]:
            response = client.get(url)
            if user == sender and "journal" in url:
                continue
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not [s for s in secrets if s in html], url
            if "journal" in url:  # the owner does see that its case was shared and read
                assert "acse.host_access_granted" in html and "case.identity.viewed" in html
    # No referral was created: referral lists, statistics and the case timeline stay as they were.
    assert not Referral.objects.exists()
    # Notifications and e-mails: the referrer's side got none about the host; the hosts' carry no identity.
    referrer_side = {sender.pk, org_admin.pk}
    assert not Notification.objects.filter(recipient_id__in=referrer_side, title__contains="Accueil").exists()
    for email in OutboundEmail.objects.all():
        assert "okafor" not in (email.subject + email.body).lower() and "blessing" not in email.body.lower()
        assert email.to not in (sender.email, org_admin.email) or not any(s in email.body for s in secrets)
    # The owner's journal rows never point at the hosts or their staff.
    host_ids = {host_org.pk, new_host[0].pk}
    host_users = {host_worker.pk, new_host[1].pk}
    for event in AuditEvent.objects.filter(organisation=sender_org):
        assert event.acting_organisation_id not in host_ids and event.actor_id not in host_users, event.action
        assert "host" not in event.details and not any(s in str(event.details) for s in secrets), event.action


def test_host_notifications_carry_the_reference_and_a_link_only_after_commit(
    case, host, acse, placement, django_capture_on_commit_callbacks
):
    host_org, host_worker = host
    coord, coord_worker = acse
    p = placement(A.PLACE_SEARCH)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        p = pathways.advance_acse(
            placement=p, organisation=coord, acting_user=coord_worker, target=A.PLACE_FOUND, host=host_org
        )
        assert not Notification.objects.filter(recipient=host_worker).exists() and mail.outbox == []
    for callback in callbacks:
        callback()
    notification = Notification.objects.get(recipient=host_worker)
    assert case.reference in notification.title and notification.link == f"/orientations/acse/{p.pk}/"
    message = next(m for m in mail.outbox if m.to == [host_worker.email])
    assert case.reference in message.body and f"/orientations/acse/{p.pk}/" in message.body
    assert "okafor" not in (message.body + message.subject).lower() and "blessing" not in message.body.lower()


# --- audit -------------------------------------------------------------------------------------


def test_grant_end_and_host_reads_are_journaled_without_naming_the_host_to_the_owner(
    client, login, case, sender_org, host, acse, placement
):
    host_org, host_worker = host
    p = placement(A.HOSTED, host=host)
    granted = AuditEvent.objects.filter(action="acse.host_access_granted")
    assert {e.organisation_id for e in granted} == {sender_org.pk, host_org.pk}
    assert granted.get(organisation=host_org).details["parts"] == ["identity", "facts"]
    login(client, host_worker)
    client.get(reverse("cases:detail", args=[case.pk]))
    reads = AuditEvent.objects.filter(kind=AuditKind.READ, action="case.identity.viewed")
    owner_row, host_row = reads.get(organisation=sender_org), reads.get(organisation=host_org)
    # The owner knows its case's identity was read, and when; the host's journal says by whom.
    assert owner_row.actor_id is None and owner_row.actor_label == "" and owner_row.acting_organisation_id is None
    assert owner_row.object_label == case.reference and owner_row.details["by"] == "acse_host"
    assert (
        host_row.actor == host_worker
        and host_row.acting_organisation == host_org
        and host_row.request_id == owner_row.request_id
    )
    pathways.advance_acse(placement=p, organisation=host_org, acting_user=host_worker, target=A.EXITED)
    ended = AuditEvent.objects.filter(action="acse.host_access_ended")
    assert {e.organisation_id for e in ended} == {sender_org.pk, host_org.pk}
    assert (
        ended.get(organisation=sender_org).details["reason"] == A.EXITED
        and ended.get(organisation=sender_org).actor_id is None
    )


def test_owner_reads_are_journaled_as_before(client, login, case, sender, sender_org, host, placement):
    placement(A.HOSTED, host=host)
    case_selectors.identity_for_display(sender, case)
    row = AuditEvent.objects.get(kind=AuditKind.READ)
    assert row.actor == sender and row.organisation == sender_org and "by" not in row.details
