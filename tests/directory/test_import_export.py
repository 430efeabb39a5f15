import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from maillage.core.models import AuditEvent
from maillage.directory import exports, importers
from maillage.directory.models import Profile
from maillage.organisations.models import Organisation

pytestmark = pytest.mark.django_db
COLUMN = {key: index for index, (key, _label) in enumerate(exports.COLUMNS)}

HEADER = "nom;sigle;siret;identifiant_externe;commune;departement;services;publics;langues;places;accepte_orientations;telephone\n"
GOOD = (
    HEADER
    + "Association Éole;EOLE;12345678901234;;Besançon;25;Hébergement sécurisé|legal_aid;Femmes|minors;fr|ro;4;oui;+33 3 00 00 00 00\n"
    + "Collectif Zéphyr;;;ZEP-1;Dijon;21;social_support;;fr;;non;\n"
)


def test_dry_run_writes_nothing_then_import_creates(coordinator):
    report = importers.parse(GOOD.encode("utf-8"), "liste.csv")
    assert [r.action for r in report.rows] == ["create", "create"]
    assert not report.errors
    assert not Organisation.objects.filter(name="Association Éole").exists()
    importers.apply(report, acting_user=coordinator)
    eole = Profile.objects.get(organisation__siret="12345678901234")
    assert eole.commune == "Besançon" and eole.capacity_places == 4 and eole.accepts_referrals
    assert {s.code for s in eole.services.all()} == {"secure_accommodation", "legal_aid"}
    assert {p.code for p in eole.publics.all()} == {"women", "minors"}
    assert eole.public_phone == "+33 3 00 00 00 00"
    assert " eole " in eole.search_text
    assert AuditEvent.objects.get(action="directory.imported").details == {"created": 2, "updated": 0, "skipped": 0}


def test_import_is_idempotent_on_siret_and_external_id(coordinator):
    importers.apply(importers.parse(GOOD.encode(), "a.csv"), acting_user=coordinator)
    changed = GOOD.replace("Besançon", "Belfort").replace(";25;", ";90;")
    report = importers.apply(importers.parse(changed.encode(), "a.csv"), acting_user=coordinator)
    assert (report.created, report.updated) == (0, 2)
    assert Organisation.objects.filter(name="Association Éole").count() == 1
    assert Profile.objects.get(organisation__siret="12345678901234").commune == "Belfort"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(coordinator, encoding):
    report = importers.parse(GOOD.encode(encoding), "a.csv")
    assert not report.errors
    assert report.rows[0].name == "Association Éole"


def test_comma_separated_file(coordinator):
    text = "nom,siret,departement\nAsso Virgule,11111111111111,75\n"
    assert importers.parse(text.encode(), "a.csv").rows[0].ok


BROKEN = (
    HEADER
    + "Association Éole;EOLE;12345678901234;;Besançon;25;;;;;oui;\n"
    + ";;123;;X;999;service-inconnu;enfants;xx;beaucoup;peut-être;\n"
    + "Doublon;;12345678901234;;;25;;;;;;\n"
)


def test_broken_rows_report_french_errors_with_line_numbers(coordinator):
    report = importers.parse(BROKEN.encode(), "a.csv")
    assert [r.line for r in report.errors] == [3, 4]
    errors = " ".join(report.rows[1].errors)
    for expected in (
        "le nom est obligatoire",
        "SIRET invalide",
        "département inconnu",
        "service inconnu",
        "public inconnu",
        "langue inconnue",
        "nombre de places invalide",
        "ni oui ni non",
    ):
        assert expected in errors
    assert "doublon de la ligne 2" in report.rows[2].errors[0]


def test_nothing_written_when_errors_unless_only_valid(coordinator):
    report = importers.apply(importers.parse(BROKEN.encode(), "a.csv"), acting_user=coordinator)
    assert not report.written
    assert not Organisation.objects.filter(name="Association Éole").exists()
    report = importers.apply(importers.parse(BROKEN.encode(), "a.csv"), acting_user=coordinator, only_valid=True)
    assert report.written and report.created == 1
    assert Organisation.objects.filter(name="Association Éole").exists()


def test_file_level_errors():
    with pytest.raises(importers.ImportFileError, match="taille maximale"):
        importers.parse(b"a" * (importers.MAX_IMPORT_BYTES + 1), "a.csv")
    with pytest.raises(importers.ImportFileError, match="Colonnes obligatoires"):
        importers.parse(b"foo;bar\n1;2\n", "a.csv")
    with pytest.raises(importers.ImportFileError, match="vide"):
        importers.parse(b"", "a.csv")
    with pytest.raises(importers.ImportFileError, match="XLSX illisible"):
        importers.parse(b"not a zip", "a.xlsx")
    many = "nom;siret;departement\n" + "".join(f"Asso {i};;75\n" for i in range(importers.MAX_IMPORT_ROWS + 1))
    with pytest.raises(importers.ImportFileError, match="lignes"):
        importers.parse(many.encode(), "a.csv")


def test_xlsx_import(coordinator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "SIRET", "Département", "Services"])
    sheet.append(["Asso Tableur", "22222222222222", "33", "Soutien psychologique"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = importers.apply(importers.parse(buffer.getvalue(), "liste.xlsx"), acting_user=coordinator)
    assert report.created == 1
    assert Profile.objects.get(organisation__siret="22222222222222").services.get().code == "psychological_support"


def test_import_requires_coordinator(org_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        importers.apply(importers.parse(GOOD.encode(), "a.csv"), acting_user=org_admin)


def test_injection_is_stored_as_text_and_neutralised_on_export(coordinator, client, login):
    evil = 'nom;siret;departement;telephone\n=HYPERLINK("http://x");33333333333333;75;@SUM(1+1)\n'
    importers.apply(importers.parse(evil.encode(), "a.csv"), acting_user=coordinator)
    login(client, coordinator)  # imported without a visibility column: members only
    response = client.get(reverse("directory_export", args=["csv"]))
    content = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in content and "'@SUM" in content
    assert "\n=" not in content and ";=" not in content and ";@" not in content
    response = client.get(reverse("directory_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("http://x")' in values
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in values)


@pytest.mark.parametrize("value", ["=1+1", "+33", "-2", "@cmd", "\tx"])
def test_neutralise(value):
    assert exports.neutralise(value).startswith("'")
    assert exports.neutralise("Paris") == "Paris"


def test_import_view_preview_then_import(client, login, coordinator):
    login(client, coordinator)
    url = reverse("directory_import")
    response = client.post(url, {"file": SimpleUploadedFile("l.csv", BROKEN.encode())})
    html = response.content.decode()
    assert "Aperçu" in html and "Ligne 3" in html and "le nom est obligatoire" in html
    assert not Organisation.objects.filter(name="Association Éole").exists()
    response = client.post(url, {"file": SimpleUploadedFile("l.csv", BROKEN.encode()), "confirm": "on"})
    assert "Rien n&#x27;a été enregistré" in response.content.decode()
    response = client.post(
        url, {"file": SimpleUploadedFile("l.csv", BROKEN.encode()), "confirm": "on", "only_valid": "on"}
    )
    assert Organisation.objects.filter(name="Association Éole").exists()


def test_import_view_refuses_huge_and_wrong_files(client, login, coordinator):
    login(client, coordinator)
    url = reverse("directory_import")
    response = client.post(url, {"file": SimpleUploadedFile("l.pdf", b"%PDF")})
    assert "seuls les fichiers .csv et .xlsx" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("l.csv", b"\x81\x8d\x8f\x90\x9d" * 10)})
    assert response.status_code == 200
    assert "Encodage non reconnu" in response.content.decode()


def test_export_levels_match_the_policy(directory, outsider, acse_member, django_assert_max_num_queries):
    name, address, places = (COLUMN[key] for key in ("nom", "adresse", "places"))
    withheld = str(exports.WITHHELD)
    anonymous = {row[name]: row for row in exports.rows_for(None)}
    assert "Escale Marseille" not in anonymous and "Structure masquée" not in anonymous
    assert anonymous["CHRS Le Phare"][address] == withheld and anonymous["CHRS Le Phare"][places] == withheld
    with django_assert_max_num_queries(10):
        member = {row[name]: row for row in exports.rows_for(outsider)}
    assert "Escale Marseille" in member
    assert member["CHRS Le Phare"][address] == withheld  # confidential address
    assert member["CHRS Le Phare"][places] == "2"
    assert member[directory["paris"].name][address] == "1 rue Publique"
    acse = {row[name]: row for row in exports.rows_for(acse_member)}
    assert acse["CHRS Le Phare"][address] == "12 allée Secrète"
