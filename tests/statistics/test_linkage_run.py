"""The linkage inside the annual collection (issue 13): encodings computed
from the case files' identities with the campaign secret, or uploaded with an
encoded spreadsheet; the linkage unit's run writes record → person_id and
leaves no encoding and no identity anywhere; the tables count persons."""

import csv
import datetime
import io
import logging
import tempfile

import pytest
from django.apps import apps
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from maillage.linkage.encoding import ENCODINGS, Encoder, key_check_value
from maillage.linkage.evaluation import pairwise_scores
from maillage.linkage.synthetic import generate
from maillage.organisations.enums import Role
from maillage.statistics import linking, services
from maillage.statistics.models import LinkageEncoding, LinkageRun, Record
from maillage.statistics.spreadsheet import LINKAGE_COLUMNS
from tests.cases.conftest import base_facts, base_identity
from tests.factories import MembershipFactory, OrganisationFactory
from tests.linkage.conftest import CAMPAIGN_SECRET, UNIT_SECRET

from .test_collection import COLUMNS, GOOD

pytestmark = pytest.mark.django_db

BLESSING = {"given_names": "Blessing", "family_names": "Osagie", "birth_date": "1998-04-12", "sex": "F",
            "citizenship": "NG"}  # fmt: skip


@pytest.fixture
def three(team, organisation, other_organisation):
    third = OrganisationFactory()
    organisations = [organisation, other_organisation, third]
    admins = [MembershipFactory(organisation=o, role=Role.CASE_WORKER, is_admin=True).user for o in organisations]
    campaign = services.open_campaign(
        year=datetime.date.today().year,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        organisations=organisations,
        acting_user=team,
    )
    linking.announce_linkage_check(campaign=campaign, key_check=key_check_value(CAMPAIGN_SECRET), acting_user=team)
    campaign.refresh_from_db()
    return campaign, organisations, admins


def encoded_csv(identities) -> bytes:
    """What the upload page (or the standalone encoder) sends: the anonymous
    columns and the encodings, no identity."""
    encoder = Encoder(CAMPAIGN_SECRET)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([*COLUMNS, *LINKAGE_COLUMNS])
    for identity in identities:
        encoded = encoder.encode({"record_id": "x", "organisation": "x", **identity})
        writer.writerow([*GOOD, *(encoded[c] for c in LINKAGE_COLUMNS)])
    return out.getvalue().encode()


def test_cases_get_the_standalone_encoders_encodings_with_the_campaign_secret(three, member):
    from maillage.cases import services as case_services

    campaign, (first, *_), (admin, *_) = three
    worker = MembershipFactory(organisation=first, role=Role.CASE_WORKER).user
    case_services.create_case(organisation=first, acting_user=worker, facts=base_facts(birth_year=1998),
                              identity=base_identity(first_name="Blessing", last_name="Osagie",
                                                     birth_date="1998-04-12"), confirm_duplicate=True)  # fmt: skip
    with pytest.raises(ValidationError, match="pas le secret de la campagne"):
        services.derive_from_cases(campaign=campaign, organisation=first, acting_user=admin,
                                   campaign_secret=b"another-campaigns-secret-0123456789abcdef")  # fmt: skip
    services.derive_from_cases(campaign=campaign, organisation=first, acting_user=admin,
                               campaign_secret=CAMPAIGN_SECRET)  # fmt: skip
    stored = LinkageEncoding.objects.get()
    expected = Encoder(CAMPAIGN_SECRET).encode({"record_id": "", "organisation": "", **BLESSING})
    assert stored.values == {c: expected[c] for c in ENCODINGS}
    assert stored.key_check == key_check_value(CAMPAIGN_SECRET) and stored.local_person_key


def test_a_spreadsheet_with_identity_columns_is_refused_and_encodings_of_another_secret_too(three):
    campaign, (first, *_), (admin, *_) = three
    plain = (";".join([*COLUMNS, "nom", "prenom"]) + "\n" + ";".join(map(str, GOOD)) + ";Osagie;Blessing\n").encode()
    report = services.import_return(campaign=campaign, organisation=first, filename="r.csv", content=plain,
                                    acting_user=admin)  # fmt: skip
    assert "colonnes d'identité (nom, prenom)" in report.refused
    other = encoded_csv([BLESSING]).replace(key_check_value(CAMPAIGN_SECRET).encode(), b"0123456789abcdef")
    report = services.import_return(campaign=campaign, organisation=first, filename="r.csv", content=other,
                                    acting_user=admin)  # fmt: skip
    assert report.error_count == 1 and "secret de cette campagne" in " ".join(report.errors[0].messages)
    assert not Record.objects.exists()


def test_the_linkage_run_counts_a_person_once_and_keeps_nothing(three, tmp_path, monkeypatch, caplog, team):
    from maillage.cases import services as case_services

    campaign, (first, second, third), admins = three
    # The first organisation keeps its files in Maillage: Blessing and Amina.
    worker = MembershipFactory(organisation=first, role=Role.CASE_WORKER).user
    for identity in (
        base_identity(first_name="Blessing", last_name="Osagie", birth_date="1998-04-12"),
        base_identity(first_name="Amina", last_name="Diallo", birth_date="2001-09-03"),
    ):
        facts = base_facts(birth_year=int(identity["birth_date"][:4]))
        case_services.create_case(organisation=first, acting_user=worker, facts=facts, identity=identity,
                                  confirm_duplicate=True)  # fmt: skip
    services.derive_from_cases(campaign=campaign, organisation=first, acting_user=admins[0],
                               campaign_secret=CAMPAIGN_SECRET)  # fmt: skip
    before = _database().lower()  # Maillage's own data (its cases hold identities, encrypted)
    # The two others upload encoded spreadsheets: a synthetic population with a
    # known truth, and Blessing again (spelt otherwise) in the second. (The
    # linker refuses to link on too few pairs to estimate its error rate: a
    # run needs on the order of a thousand records, docs/domain/linkage.md.)
    data = generate(records=1500, organisations=2, seed=13)
    names = sorted({row["organisation"] for row in data.rows})
    uploaded = {}
    for organisation, name, admin in ((second, names[0], admins[1]), (third, names[1], admins[2])):
        rows = [r for r in data.rows if r["organisation"] == name]
        identities = [{k: r[k] for k in ("given_names", "family_names", "birth_date", "sex", "citizenship",
                                         "local_person_id")} for r in rows]  # fmt: skip
        truth = [data.truth[r["record_id"]] for r in rows]
        if organisation == second:
            identities.append({**BLESSING, "given_names": "BLESSING", "family_names": "Osagié"})
            truth.append("blessing")
        report = services.import_return(campaign=campaign, organisation=organisation, filename="r.csv",
                                        content=encoded_csv(identities), acting_user=admin)  # fmt: skip
        assert report.ok, (report.refused, report.errors[:3])
        uploaded[organisation.pk] = truth
    for organisation, admin in zip((first, second, third), admins, strict=True):
        services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    values = set()
    for stored in LinkageEncoding.objects.all():
        values.update(v for v in stored.values.values() if v)
        values.add(stored.local_person_key)
    values.discard("")
    assert LinkageEncoding.objects.count() == 2 + 1501

    with pytest.raises(ValidationError, match="clore"):
        linking.run_linkage(campaign=campaign, unit_secret=UNIT_SECRET)
    services.close_campaign(campaign=campaign, acting_user=team)
    campaign.refresh_from_db()
    spill = tmp_path / "tmp"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    caplog.set_level(logging.DEBUG)
    out = io.StringIO()
    call_command("link_statistics_campaign", "--year", str(campaign.year), "--unit-secret",
                 str(_secret_file(tmp_path)), stdout=out)  # fmt: skip

    # Only record → person_id came back: Blessing once across two organisations.
    blessing = [r.person_id for r in Record.objects.filter(version__return_obj__organisation__in=[first, second])
                .order_by("version__return_obj__organisation_id", "line")]  # fmt: skip
    first_count = 2
    assert blessing[0] == blessing[first_count + len(uploaded[second.pk]) - 1]  # her case ↔ her uploaded record
    assert blessing[1] != blessing[0]  # Amina
    predicted, truth = {}, {}
    for organisation in (second, third):
        records = Record.objects.filter(version__return_obj__organisation=organisation).order_by("line")
        for record, person in zip(records, uploaded[organisation.pk], strict=True):
            predicted[str(record.pk)], truth[str(record.pk)] = record.person_id, person
    scores = pairwise_scores(predicted, truth)
    assert scores.precision >= 0.95 and scores.recall >= 0.8, scores
    run = LinkageRun.objects.get()
    assert run.records_linked == 1503 and run.records_unencoded == 0
    with pytest.raises(ValidationError, match="déjà été fait"):
        linking.run_linkage(campaign=campaign, unit_secret=UNIT_SECRET)
    assert "Les encodages ont été supprimés" in out.getvalue()

    # Nothing of the encodings or of the uploaded identities remains: not in the
    # database (every table, serialised), not in the run's files, not in the logs.
    assert not LinkageEncoding.objects.exists()
    dump = _database()
    words = {w.lower() for r in data.rows for w in (r["given_names"] + " " + r["family_names"]).split()
             if len(w) >= 6 and w.lower() not in before}  # fmt: skip
    assert len(words) > 100
    assert not [v for v in values if v in dump]
    assert not [w for w in words if w in dump.lower()]
    assert list(spill.iterdir()) == []
    logged = caplog.text + out.getvalue()
    assert not [v for v in values if v in logged] and not [w for w in words if w in logged.lower()]

    # The release counts persons beside records.
    release = services.publish_release(campaign=campaign, acting_user=team)
    assert release.linkage_run == run and release.record_count == 1503
    persons = {t.key for t in release.tables.filter(family="persons")}
    assert persons == {"persons.status_sex", "persons.followed_by", "persons.several"}


def _database() -> str:
    """Every row of every table, serialised (encrypted columns decrypted)."""
    return "".join(serializers.serialize("json", model.objects.all()) for model in apps.get_models())


def _secret_file(tmp_path):
    path = tmp_path / "unit.secret"
    path.write_bytes(UNIT_SECRET)
    return path


def test_without_a_linkage_run_the_release_is_not_deduplicated(three, team):
    campaign, (first, *_), (admin, *_) = three
    services.import_return(campaign=campaign, organisation=first, filename="r.csv",
                           content=encoded_csv([BLESSING] * 3), acting_user=admin)  # fmt: skip
    services.submit_return(campaign=campaign, organisation=first, acting_user=admin)
    services.close_campaign(campaign=campaign, acting_user=team)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="Trop peu"):
        linking.run_linkage(campaign=campaign, unit_secret=UNIT_SECRET)
    release = services.publish_release(campaign=campaign, acting_user=team)
    assert release.linkage_run is None and release.person_count is None
    assert not release.tables.filter(family="persons").exists()


def test_pages_show_the_linkage_and_keep_the_secret_out(three, team, client, login, member):
    from maillage.cases import services as case_services

    campaign, (first, *_), (admin, *_) = three
    worker = MembershipFactory(organisation=first, role=Role.CASE_WORKER).user
    case_services.create_case(organisation=first, acting_user=worker, facts=base_facts(birth_year=1998),
                              identity=base_identity(first_name="Blessing", last_name="Osagie",
                                                     birth_date="1998-04-12"), confirm_duplicate=True)  # fmt: skip
    login(client, admin)
    page = client.get(f"/statistiques/retours/{campaign.year}/").content.decode()
    assert 'id="linkage-secret"' in page and 'name="campaign_secret"' in page
    response = client.post(f"/statistiques/retours/{campaign.year}/", {"action": "derive",
                           "campaign_secret": io.BytesIO(CAMPAIGN_SECRET)})  # fmt: skip
    assert response.status_code == 302 and LinkageEncoding.objects.count() == 1
    login(client, team)
    page = client.get(f"/statistiques/campagnes/{campaign.year}/").content.decode()
    assert key_check_value(CAMPAIGN_SECRET) in page and "pas encore fait son passage" in page
    services.submit_return(campaign=campaign, organisation=first, acting_user=admin)
    release = services.publish_release(campaign=campaign, acting_user=team)
    page = client.get(f"/statistiques/publications/{campaign.year}/{release.number}/").content.decode()
    assert "Non dédupliqué" in page
    audit = "".join(serializers.serialize("json", apps.get_model("core", "AuditEvent").objects.all()))
    assert CAMPAIGN_SECRET.decode() not in audit and CAMPAIGN_SECRET.decode() not in _database()


def test_only_the_statistics_team_announces_the_check_value(three, client, login):
    campaign, _organisations, (admin, *_) = three
    with pytest.raises(PermissionDenied):
        linking.announce_linkage_check(campaign=campaign, key_check="0" * 16, acting_user=admin)
    login(client, admin)
    assert client.get(f"/statistiques/campagnes/{campaign.year}/").status_code == 404
