import datetime
import io
import time

import pytest
import pyzipper
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.cases.enums import CaseStatus
from maillage.cases.models import Case, Document, ReflectionPeriod
from maillage.core.models import AuditEvent, AuditKind
from maillage.identification.models import Screening
from maillage.organisations.enums import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%fake\n"


def case_urls(case, extra_ids=None):
    ids = extra_ids or {}
    urls = [
        ("GET", reverse("cases:detail", args=[case.pk])),
        ("GET", reverse("cases:edit", args=[case.pk])),
        ("POST", reverse("cases:status", args=[case.pk])),
        ("POST", reverse("cases:note_add", args=[case.pk])),
        ("POST", reverse("cases:task_add", args=[case.pk])),
        ("POST", reverse("cases:document_add", args=[case.pk])),
        ("GET", reverse("cases:screening_new", args=[case.pk])),
        ("GET", reverse("cases:prequalification", args=[case.pk])),
        ("GET", reverse("cases:record_add", args=[case.pk, "reflexion"])),
        ("GET", reverse("cases:privacy", args=[case.pk])),
    ]
    if "document" in ids:
        urls.append(("GET", reverse("cases:document_download", args=[case.pk, ids["document"]])))
    return urls


@pytest.fixture
def document(case, case_worker):
    from maillage.cases import services

    return services.add_document(
        case=case,
        acting_user=case_worker,
        doc_type="identity",
        upload=SimpleUploadedFile("passeport.pdf", PDF, content_type="application/pdf"),
    )


def test_owner_case_worker_reaches_every_page(client, login, case_worker, case, document):
    login(client, case_worker)
    for method, url in case_urls(case, {"document": document.pk}):
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code in (200, 302, 400), url
        if response.streaming:
            # Consuming closes the file through the test client, which keeps
            # the test's database connection open (PostgreSQL).
            b"".join(response.streaming_content)


@pytest.mark.parametrize("who", ["plain_member", "outsider", "coordinator", "superuser"])
def test_everyone_else_gets_404(request, client, login, case, document, who):
    user = request.getfixturevalue(who)
    login(client, user)
    for method, url in case_urls(case, {"document": document.pk}):
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code == 404, (who, url)
    if who == "outsider":  # their own organisation's list, without this case
        assert case.reference not in client.get(reverse("cases:list")).content.decode()
    else:
        assert client.get(reverse("cases:list")).status_code == 404
        assert client.get(reverse("cases:create")).status_code == 404


def test_org_admin_who_is_case_worker_reaches_case(client, login, org_admin, case):
    login(client, org_admin)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_org_admin_without_case_worker_role_gets_404(client, login, member, case):
    admin = member(Role.MEMBER, admin=True).user
    login(client, admin)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_anonymous_is_redirected_to_login(client, case):
    for _method, url in case_urls(case):
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/" in response["Location"], url


def test_detail_shows_identity_and_logs_each_display(client, login, case_worker, case):
    login(client, case_worker)
    for expected in (1, 2):
        response = client.get(reverse("cases:detail", args=[case.pk]))
        assert "Blessing" in response.content.decode()
        reads = AuditEvent.objects.filter(
            kind=AuditKind.READ, action="case.identity.viewed", object_id=str(case.pk), actor=case_worker
        )
        assert reads.count() == expected


def test_list_shows_reference_but_no_identity_and_logs_nothing(client, login, case_worker, case):
    login(client, case_worker)
    body = client.get(reverse("cases:list")).content.decode()
    assert case.reference in body
    assert "Okafor" not in body and "Blessing" not in body
    assert not AuditEvent.objects.filter(kind=AuditKind.READ).exists()


def test_list_is_limited_to_own_organisation(client, login, case_worker, case, make_case, other_organisation, member):
    other_worker = member(organisation=other_organisation).user
    foreign = make_case(user=other_worker, org=other_organisation)
    login(client, case_worker)
    body = client.get(reverse("cases:list")).content.decode()
    assert case.reference in body and foreign.reference not in body


def test_age_banner_on_case_pages(client, login, case_worker, make_case):
    from .conftest import base_facts

    minor = make_case(
        facts=base_facts(age_status="declared_minor_unverified", birth_year=None), identity={"last_name": "X"}
    )
    login(client, case_worker)
    for url in (
        reverse("cases:detail", args=[minor.pk]),
        reverse("cases:screening_new", args=[minor.pk]),
        reverse("cases:privacy", args=[minor.pk]),
    ):
        assert "Personne traitée comme mineure" in client.get(url).content.decode()


def test_create_with_duplicate_confirmation_step(client, login, case_worker, case):
    login(client, case_worker)
    data = {
        "last_name": "OKAFOR",
        "first_name": "Blessing",
        "age_status": "documented_adult",
        "sex": "F",
        "cross_border": "unknown",
        "relation_to_exploiter": "unknown",
        "first_detected_by": "other",
        "nationalities": ["NG"],
    }
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 200
    assert "Doublon probable" in response.content.decode() and case.reference in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("cases:create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_create_bad_input_shows_french_errors(client, login, case_worker):
    login(client, case_worker)
    data = {
        "last_name": "Test",
        "birth_date": "2999-01-01",
        "age_status": "documented_adult",
        "sex": "F",
        "cross_border": "unknown",
        "relation_to_exploiter": "unknown",
        "first_detected_by": "other",
        "nationalities": ["QQ"],
    }
    body = client.post(reverse("cases:create"), data).content.decode()
    assert "choix valide" in body or "inconnu" in body
    data["nationalities"] = ["NG"]
    body = client.post(reverse("cases:create"), data).content.decode()
    assert "ne peut pas être dans le futur" in body
    assert Case.objects.count() == 0


def test_document_checks_type_and_size(client, login, case_worker, case, settings):
    login(client, case_worker)
    url = reverse("cases:document_add", args=[case.pk])
    response = client.post(
        url, {"doc_type": "other", "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")}
    )
    assert response.status_code == 400 and "Type de fichier non accepté" in response.content.decode()
    settings.CASES_DOCUMENT_MAX_BYTES = 10
    response = client.post(
        url,
        {"doc_type": "other", "file": SimpleUploadedFile("x.pdf", PDF + b"0" * 20, content_type="application/pdf")},
    )
    assert response.status_code == 400 and "taille maximale" in response.content.decode()
    assert not Document.objects.exists()


def test_document_download_is_audited(client, login, case_worker, case, document):
    login(client, case_worker)
    response = client.get(reverse("cases:document_download", args=[case.pk, document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="case.document.downloaded").count() == 1


def test_screening_flow_shows_indices_reunis_never_victime(client, login, case_worker, case):
    login(client, case_worker)
    url = reverse("cases:screening_new", args=[case.pk])
    # Adult, sexual exploitation → AS (incomplete); choose AL explicitly.
    codes = [
        "AL-DR-NATURE_JOB",
        "AL-DR-WAGES",
        "AL-EX-EXCESSIVE_HOURS",
        "AL-EX-NO_PAY",
        "AL-CD-CONFISCATION_DOCS",
        "AL-CD-DEBT_BONDAGE",
    ]
    from maillage.identification.models import IndicatorSetVersion

    al = IndicatorSetVersion.objects.get(code="AL")
    existing = set(al.indicators.values_list("code", flat=True))
    codes = [c for c in codes if c in existing] or list(existing)[:3]
    response = client.post(url + "?jeu=AL", {"set_code": "AL", "present_codes": codes, "act_established": "on"})
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.indicator_set.code == "AL" and screening.author == case_worker
    body = client.get(response["Location"]).content.decode()
    assert "indices" in body and "victime" not in body.split("<main")[1].split("</main>")[0].lower().replace(
        "victimes relève", ""
    )


def test_screening_rejects_codes_from_another_set(client, login, case_worker, case):
    login(client, case_worker)
    response = client.post(
        reverse("cases:screening_new", args=[case.pk]) + "?jeu=AL",
        {"set_code": "AL", "present_codes": ["CL-EX-HAZARDOUS_WORK"]},
    )
    assert response.status_code == 200 and "Indicateurs inconnus" in response.content.decode()
    assert not Screening.objects.exists()


def test_minor_cannot_be_screened_with_adult_set(case_worker, make_case):
    from django.core.exceptions import ValidationError

    from maillage.cases import services

    from .conftest import base_facts

    minor = make_case(facts=base_facts(age_status="documented_minor", birth_year=2012), identity={"last_name": "Y"})
    assert services.indicator_set_code_for(minor) == "CS"
    with pytest.raises(ValidationError):
        services.record_screening(
            case=minor, acting_user=case_worker, present_codes=[], act_established=True, set_code="AL"
        )


def test_reflection_period_form_refuses_short_or_inverted_periods(client, login, case_worker, case):
    login(client, case_worker)
    url = reverse("cases:record_add", args=[case.pk, "reflexion"])
    start = datetime.date(2026, 3, 1)
    body = client.post(
        url, {"start": start, "end": start - datetime.timedelta(days=1), "status": "granted"}
    ).content.decode()
    assert "postérieure à son début" in body
    body = client.post(
        url, {"start": start, "end": start + datetime.timedelta(days=20), "status": "granted"}
    ).content.decode()
    assert "au moins 30 jours" in body
    body = client.post(
        url, {"start": start, "end": start + datetime.timedelta(days=30), "status": "interrupted"}
    ).content.decode()
    assert "motif" in body
    assert not ReflectionPeriod.objects.exists()
    response = client.post(
        url,
        {
            "start": start,
            "end": start + datetime.timedelta(days=30),
            "status": "granted",
            "granting_authority": "Préfecture de police",
        },
    )
    assert response.status_code == 302 and ReflectionPeriod.objects.count() == 1


def test_status_change_through_the_page(client, login, case_worker, case):
    login(client, case_worker)
    client.post(reverse("cases:status", args=[case.pk]), {"target": "presumed"})
    case.refresh_from_db()
    assert case.status == CaseStatus.PRESUMED
    response = client.post(reverse("cases:status", args=[case.pk]), {"target": "reported"}, follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.PRESUMED
    assert "pas possible" in response.content.decode()


def test_export_requires_reauthentication(client, login, case_worker, case):
    client.force_login(case_worker)  # no recent authentication recorded
    response = client.get(reverse("cases:export", args=[case.pk]))
    assert response.status_code == 302


def test_export_is_an_aes_zip_with_the_identity(client, login, case_worker, case):
    login(client, case_worker)
    session = client.session
    session["account_authentication_methods"].append(
        {"method": "password", "at": time.time(), "reauthenticated": True}
    )
    session.save()
    response = client.post(reverse("cases:export", args=[case.pk]), {"password": "un-mot-de-passe-long"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with pyzipper.AESZipFile(io.BytesIO(response.content)) as archive:
        with pytest.raises(RuntimeError):
            archive.read(f"{case.reference}.json")
        archive.setpassword(b"un-mot-de-passe-long")
        assert "Blessing" in archive.read(f"{case.reference}.json").decode()
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT, action="case.subject_access_export").count() == 1


def test_home_panel_and_menu(client, login, case_worker, case):
    from maillage.cases import services

    services.add_task(
        case=case,
        acting_user=case_worker,
        title="Appeler l'avocate",
        due_on=datetime.date.today(),
        assignee=case_worker,
    )
    login(client, case_worker)
    body = client.get(reverse("home")).content.decode()
    assert "Mes tâches et échéances" in body and "Appeler l" in body and case.reference in body
    assert reverse("cases:list") in body


def test_menu_hidden_for_coordinator(client, login, coordinator):
    login(client, coordinator)
    body = client.get(reverse("home")).content.decode()
    assert reverse("cases:list") not in body


def test_permit_renewal_from_the_page_lists_only_this_cases_permits_and_stops_the_reminder(
    client, login, case_worker, case, make_case
):
    from maillage.cases import reminders, services
    from maillage.cases.models import ResidencePermit

    first = services.record_residence_permit(
        case=case,
        acting_user=case_worker,
        ground="asylum",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 1, 1),
    )
    other = make_case()
    foreign = services.record_residence_permit(
        case=other,
        acting_user=case_worker,
        ground="asylum",
        start=datetime.date(2026, 2, 1),
        end=datetime.date(2027, 1, 15),
    )
    login(client, case_worker)
    url = reverse("cases:record_add", args=[case.pk, "sejour"])
    body = client.get(url).content.decode()
    assert f'value="{first.pk}"' in body and f'value="{foreign.pk}"' not in body
    # Another case's permit cannot be picked by guessing its id.
    response = client.post(
        url, {"ground": "asylum", "start": "2027-01-01", "end": "2028-01-01", "renewal_of": foreign.pk}
    )
    assert response.status_code == 200 and ResidencePermit.objects.filter(case=case).count() == 1
    response = client.post(
        url, {"ground": "asylum", "start": "2027-01-01", "end": "2028-01-01", "renewal_of": first.pk}
    )
    assert response.status_code == 302
    assert ResidencePermit.objects.get(case=case, start=datetime.date(2027, 1, 1)).renewal_of == first
    assert "renouvellement" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    # The renewed permit no longer triggers the expiry reminder; the renewal will, later.
    assert (
        reminders.send_deadline_reminders(today=datetime.date(2026, 12, 1)).permits_soon == 1
    )  # the other case's permit only
