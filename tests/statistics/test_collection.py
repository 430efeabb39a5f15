"""The annual collection: campaigns, returns (derived, imported, typed),
submission and corrections, releases, who sees what."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from maillage.statistics import selectors, services, spreadsheet
from maillage.statistics.models import Record, ReturnVersion
from tests.cases.conftest import base_facts, base_identity

from .helpers import BASE

pytestmark = pytest.mark.django_db

COLUMNS = [
    "sexe", "age_debut_exploitation", "tranche_age", "mineur_pendant_exploitation", "nationalites",
    "formes_exploitation", "servitude_domestique", "lieu_exploitation", "lieu_recrutement", "statut",
    "identifiee_par", "services", "annee_premier_suivi",
]  # fmt: skip
GOOD = ["F", 30, "", "N", "NG", "PROX", "", "FR-75", "NG", "presumed", "", "", 2025]


def xlsx(campaign, rows, *, template=True):
    content = spreadsheet.template(campaign, campaign.questionnaire.parsed()) if template else None
    wb = load_workbook(io.BytesIO(content)) if template else Workbook()
    ws = wb["personnes"] if template else wb.active
    if not template:
        ws.append(COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    lines = [";".join(COLUMNS)] + [";".join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def test_only_the_statistics_team_opens_a_campaign(admin, organisation):
    with pytest.raises(PermissionDenied):
        services.open_campaign(year=2025, deadline=datetime.date.today() + datetime.timedelta(days=9),
                               organisations=[organisation], acting_user=admin)  # fmt: skip


def test_opening_a_campaign_invites_and_emails_the_administrators(admin, campaign):
    assert campaign.invitations.count() == 1
    from maillage.notifications.models import OutboundEmail

    assert OutboundEmail.objects.filter(to=admin.email, subject__contains=str(campaign.year)).exists()


def test_a_return_imported_from_the_template_then_submitted_is_locked(campaign, organisation, admin):
    report = services.import_return(campaign=campaign, organisation=organisation, filename="r.xlsx",
                                    content=xlsx(campaign, [GOOD, GOOD]), acting_user=admin)  # fmt: skip
    assert report.ok and len(report.rows) == 2
    version = services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    assert version.record_count == 2 and version.submitted_at
    with pytest.raises(ValidationError, match="déjà été transmis"):
        services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    with pytest.raises(ValidationError, match="ouvrez une correction"):
        services.import_return(campaign=campaign, organisation=organisation, filename="r.xlsx",
                               content=xlsx(campaign, [GOOD]), acting_user=admin)  # fmt: skip


def test_a_correction_is_a_new_version_with_its_reason(campaign, organisation, admin):
    services.save_record(campaign=campaign, organisation=organisation, raw=dict(BASE), acting_user=admin)
    services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    with pytest.raises(ValidationError):
        services.start_correction(campaign=campaign, organisation=organisation, reason=" ", acting_user=admin)
    v2 = services.start_correction(campaign=campaign, organisation=organisation, reason="Doublon retiré",
                                   acting_user=admin)  # fmt: skip
    assert (v2.number, v2.reason, v2.record_count) == (2, "Doublon retiré", 1)
    services.delete_record(campaign=campaign, organisation=organisation, line=1, acting_user=admin)
    v1 = ReturnVersion.objects.get(return_obj=v2.return_obj, number=1)
    assert v1.records.count() == 1  # the submitted version is untouched


def test_bad_rows_get_a_french_report_and_nothing_is_imported(campaign, organisation, admin):
    rows = [
        GOOD,
        ["F", 130, "", "N", "NG", "PROX", "", "FR-75", "NG", "presumed", "", "", 2025],  # impossible age
        ["F", 30, "", "N", "NG", "VOL", "", "FR-75", "NG", "presumed", "", "", 2025],  # unknown code
        ["F", 30, "", "N", "NG", "PROX", "", "FR-75", "NG", "presumed", "", "", 2031],  # outside the campaign
        ["F", 30, "", "N", '=HYPERLINK("http://x")', "PROX", "", "FR-75", "NG", "presumed", "", "", 2025],
    ]
    report = services.import_return(campaign=campaign, organisation=organisation, filename="r.xlsx",
                                    content=xlsx(campaign, rows), acting_user=admin)  # fmt: skip
    assert not report.ok and report.error_count == 4
    lines = {e.line: " ".join(e.messages) for e in report.errors}
    assert "âge impossible" in lines[3]
    assert "VOL" in lines[4]
    assert "hors de la campagne" in lines[5]
    assert "formule" in lines[6]
    assert not Record.objects.exists() and not ReturnVersion.objects.exists()


def test_another_campaigns_template_is_refused(campaign, organisation, admin, team):
    other = services.open_campaign(year=campaign.year - 1, deadline=datetime.date.today() + datetime.timedelta(days=5),
                                   organisations=[organisation], acting_user=team)  # fmt: skip
    report = services.import_return(campaign=campaign, organisation=organisation, filename="r.xlsx",
                                    content=xlsx(other, [GOOD]), acting_user=admin)  # fmt: skip
    assert "autre campagne" in report.refused and not Record.objects.exists()


def test_csv_is_accepted_in_utf8_and_refused_in_another_encoding(campaign, organisation, admin):
    ok = services.import_return(campaign=campaign, organisation=organisation, filename="r.csv",
                                content=csv_bytes([GOOD]), acting_user=admin)  # fmt: skip
    assert ok.ok
    latin = csv_bytes([GOOD]).replace(b"presumed", "présumée".encode("latin-1"))
    report = spreadsheet.parse(latin, "r.csv", campaign, campaign.questionnaire.parsed())
    assert "UTF-8" in report.refused
    assert "XLSX lisible" in spreadsheet.parse(b"PK\x03\x04garbage", "r.xlsx", campaign,
                                               campaign.questionnaire.parsed()).refused  # fmt: skip


def test_a_50_mb_file_is_refused_without_being_read(campaign):
    content = csv_bytes([GOOD]) + b" " * (50 * 1024 * 1024)
    report = spreadsheet.parse(content, "r.csv", campaign, campaign.questionnaire.parsed())
    assert "50 Mo" in report.refused and not report.rows


def test_text_that_looks_like_a_formula_is_exported_as_text(campaign):
    wb = Workbook()
    ws = wb.active
    spreadsheet.append_safe(ws, ['=HYPERLINK("http://exemple.fr","x")', "+33", "ok"])
    assert ws["A1"].data_type == "s" and ws["B1"].data_type == "s"
    assert spreadsheet.safe_csv("=1+1") == "'=1+1"


def test_the_return_is_derived_from_the_organisations_own_cases(campaign, organisation, admin, member):
    from maillage.cases import services as case_services

    worker = member().user
    for facts in (base_facts(), base_facts(sex="M", nationalities=[], exploitation_forms=["TRAV_FORCE"])):
        case_services.create_case(organisation=organisation, acting_user=worker, facts=facts,
                                  identity=base_identity(), confirm_duplicate=True)  # fmt: skip
    result = services.derive_from_cases(campaign=campaign, organisation=organisation, acting_user=admin)
    assert result.count == 2
    rows = sorted(Record.objects.values_list("sex", "citizenships", "forms", "exploitation_place"))
    assert rows == [("F", ["NG"], ["PROX"], "FR-75"), ("M", ["ZZ"], ["TRAV_FORCE"], "FR-75")]


def test_follow_up_and_reminders(campaign, organisation, admin, team):
    rows = selectors.follow_up(campaign)
    assert [r.state for r in rows] == ["not_started"]
    type(campaign).objects.filter(pk=campaign.pk).update(deadline=datetime.date.today() - datetime.timedelta(days=1))
    late = datetime.date.today()
    assert services.send_reminders(today=late) == 1
    assert services.send_reminders(today=late) == 0  # once a week after the deadline
    assert selectors.follow_up(campaign)[0].reminders == 1


def test_release_published_protected_and_read_by_the_rapporteur(campaign, organisation, admin, team, rapporteur,
                                                              client, login):  # fmt: skip
    for _ in range(14):
        services.save_record(campaign=campaign, organisation=organisation, raw=dict(BASE), acting_user=admin)
    services.save_record(campaign=campaign, organisation=organisation, raw={**BASE, "sex": "M"}, acting_user=admin)
    services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    with pytest.raises(PermissionDenied):
        services.publish_release(campaign=campaign, acting_user=admin)
    release = services.publish_release(campaign=campaign, acting_user=team, open_data_epsilon=1.0)
    status = release.tables.get(key="miprof.status_sex").payload
    cells = {tuple(c): v for c, v in status["cells"]}
    assert cells[("presumed", "M")] is None and cells[("presumed", "F")] is None  # 1 and 14 next to a total of 15
    assert release.dp_epsilon == 4.0 and release.tables.filter(family="opendata").count() == 4
    login(client, rapporteur)
    page = client.get(f"/statistiques/publications/{campaign.year}/{release.number}/")
    assert page.status_code == 200 and f"Enquête {campaign.year}" in page.content.decode()
    assert client.get(f"/statistiques/publications/{campaign.year}/{release.number}/tableaux.csv").status_code == 200
    assert client.get(f"/statistiques/retours/{campaign.year}/").status_code == 404
    with pytest.raises(ValidationError, match="motif"):
        services.publish_release(campaign=campaign, acting_user=team)
    second = services.publish_release(campaign=campaign, acting_user=team, reason="Retour corrigé")
    assert second.previous == release and second.change_count == 0


def test_pages_by_actor(campaign, organisation, admin, team, client, login, other_organisation):
    assert client.get("/statistiques/").status_code == 200  # public, no sign-in
    login(client, admin)
    assert client.get(f"/statistiques/retours/{campaign.year}/").status_code == 200
    assert client.get("/statistiques/campagnes/").status_code == 404
    assert client.get("/statistiques/publications/").status_code == 404
    home = client.get("/").content.decode()
    assert "retour attendu" in home
    response = client.post(f"/statistiques/retours/{campaign.year}/", {"action": "import",
                           "file": io.BytesIO(csv_bytes([GOOD]))})  # fmt: skip
    assert response.status_code in (200, 302)
    login(client, team)
    page = client.get(f"/statistiques/campagnes/{campaign.year}/").content.decode()
    assert organisation.name in page and "Transmis" in page
    assert client.get(f"/statistiques/retours/{campaign.year}/").status_code == 404  # not the team's own return
