import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from maillage.cases import services, workflow
from maillage.cases.enums import AgeStatus, CaseStatus
from maillage.cases.models import Case, CaseEvent, Person
from maillage.core.models import AuditEvent

from .conftest import base_facts, base_identity

pytestmark = pytest.mark.django_db


def test_reference_is_pseudonymous_and_sequential(make_case):
    first, second = make_case(), make_case(identity=base_identity(last_name="Autre"))
    year = datetime.date.today().year
    assert re.fullmatch(rf"TEH-{year}-\d{{6}}", first.reference)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_reference_counter_per_year():
    assert services.allocate_reference(year=2031) == "TEH-2031-000001"
    assert services.allocate_reference(year=2031) == "TEH-2031-000002"
    assert services.allocate_reference(year=2032) == "TEH-2032-000001"


def test_identity_is_encrypted_in_the_raw_database(case):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_name, first_name, birth_date, phone, name_hash FROM cases_person WHERE case_id = %s",
            [case.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in row[:4])
    assert "Okafor" not in "".join(row)
    assert len(row[4]) == 64
    assert Person.objects.get(case=case).last_name == "Okafor"


def test_creation_is_audited_and_on_the_timeline(case, case_worker):
    assert AuditEvent.objects.filter(action="case.created", object_id=str(case.pk), actor=case_worker).exists()
    assert CaseEvent.objects.filter(case=case, kind="created").exists()
    # Audit rows never carry the identity.
    assert "Okafor" not in str(list(AuditEvent.objects.values()))


def test_duplicate_warning_before_saving(make_case, organisation):
    make_case()
    count = Case.objects.count()
    with pytest.raises(services.DuplicateWarning) as exc:
        make_case(identity=base_identity(last_name="  OKAFOR ", first_name="blessing"), confirm_duplicate=False)
    assert exc.value.references
    assert Case.objects.count() == count
    make_case(confirm_duplicate=True)
    assert Case.objects.count() == count + 1


def test_no_duplicate_warning_across_organisations(make_case, other_organisation, member):
    make_case()
    other_worker = member(organisation=other_organisation).user
    make_case(user=other_worker, org=other_organisation, confirm_duplicate=False)


def test_plain_member_and_outsider_cannot_create(plain_member, outsider, coordinator, organisation):
    for user in (plain_member, outsider, coordinator):
        with pytest.raises(PermissionDenied):
            services.create_case(
                organisation=organisation, acting_user=user, facts=base_facts(), identity=base_identity()
            )


@pytest.mark.parametrize(
    ("facts", "identity", "field"),
    [
        ({}, {"birth_date": "2999-01-01"}, "birth_date"),
        ({"nationalities": ["QQ"]}, {}, "nationalities"),
        ({"exploitation_country": "QQ"}, {}, "exploitation_country"),
        ({"exploitation_departement": "999"}, {}, "exploitation_departement"),
        ({"exploitation_forms": ["XYZ"]}, {}, "exploitation_forms"),
        ({"birth_year": 2999}, {"birth_date": ""}, "birth_year"),
        (
            {"exploitation_start": datetime.date(2024, 5, 1), "exploitation_end": datetime.date(2024, 1, 1)},
            {},
            "exploitation_end",
        ),
    ],
)
def test_bad_input_gives_french_field_errors_and_saves_nothing(case_worker, organisation, facts, identity, field):
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            organisation=organisation,
            acting_user=case_worker,
            facts=base_facts(**facts),
            identity=base_identity(**identity),
        )
    assert field in exc.value.message_dict
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_stateless_and_unknown_nationalities_accepted(make_case):
    case = make_case(facts=base_facts(nationalities=["XX", "ZZ", "RO"]))
    case.refresh_from_db()
    assert case.nationalities == ["XX", "ZZ", "RO"]
    assert Case.objects.filter(nationalities__has="ZZ").count() == 1
    assert Case.objects.filter(nationalities__has="Z").count() == 0


@pytest.mark.parametrize(
    ("status", "reasons", "expected"),
    [
        (AgeStatus.DOCUMENTED_MINOR, False, True),
        (AgeStatus.DOCUMENTED_ADULT, False, False),
        (AgeStatus.DECLARED_MINOR_UNVERIFIED, False, True),
        (AgeStatus.DISPUTED, True, True),
        (AgeStatus.DISPUTED, False, False),
        (AgeStatus.ASSESSED_MINOR, False, True),
        (AgeStatus.ASSESSED_ADULT, True, False),
    ],
)
def test_r_age_treated_as_minor(make_case, status, reasons, expected):
    # No birth date: a documented one would have to agree with the status (check_ages).
    case = make_case(
        facts=base_facts(age_status=status, reasons_to_believe_minor=reasons, birth_year=None),
        identity=base_identity(birth_date=""),
    )
    assert case.treated_as_minor is expected
    assert workflow.treated_as_minor(status, reasons_to_believe_minor=reasons) is expected


def test_status_machine_happy_path_and_reopen(case, case_worker):
    case = services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    assert case.presumed_by == case_worker and case.presumed_at
    case = services.change_status(
        case=case,
        target=CaseStatus.IDENTIFIED,
        acting_user=case_worker,
        authority="police",
        on=datetime.date.today(),
        reference="PV 123",
    )
    case = services.change_status(
        case=case, target=CaseStatus.CLOSED, acting_user=case_worker, reason="support_completed"
    )
    assert case.closed_at and case.status_before_closure == CaseStatus.IDENTIFIED
    case = services.change_status(case=case, target="reopen", acting_user=case_worker)
    assert case.status == CaseStatus.IDENTIFIED and case.closed_at is None


@pytest.mark.parametrize(
    ("start", "target"), [(CaseStatus.REPORTED, CaseStatus.IDENTIFIED), (CaseStatus.REPORTED, CaseStatus.REPORTED)]
)
def test_illegal_transitions_are_refused(case, case_worker, start, target):
    with pytest.raises(ValidationError):
        services.change_status(case=case, target=target, acting_user=case_worker)
    case.refresh_from_db()
    assert case.status == start


def test_identification_requires_authority_and_date(case, case_worker):
    services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    with pytest.raises(ValidationError) as exc:
        services.change_status(case=case, target=CaseStatus.IDENTIFIED, acting_user=case_worker)
    assert {"authority", "on"} <= set(exc.value.message_dict)


def test_closure_requires_reason_from_closed_list(case, case_worker):
    with pytest.raises(ValidationError):
        services.change_status(case=case, target=CaseStatus.CLOSED, acting_user=case_worker, reason="because")


def test_database_constraints_hold_per_state_invariants(case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="identified")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="bogus")


def test_subject_access_export_holds_screenings_protection_and_proceedings(case, case_worker):
    import io
    import json

    import pyzipper

    services.record_screening(
        case=case, acting_user=case_worker, present_codes=[], act_established=True, set_code="AL"
    )
    services.record_protection_measure(
        case=case, acting_user=case_worker, beneficiary="victim", kind="physical", start=datetime.date(2026, 1, 2)
    )
    services.record_proceeding(
        case=case, acting_user=case_worker, kind="complaint", on=datetime.date(2026, 1, 3), reference="PV-77"
    )
    payload = services.build_subject_access_export(case=case, acting_user=case_worker, password="un-mot-de-passe-long")
    with pyzipper.AESZipFile(io.BytesIO(payload)) as archive:
        archive.setpassword(b"un-mot-de-passe-long")
        data = json.loads(archive.read(f"{case.reference}.json"))
    assert data["screenings"][0]["set"] == "AL" and data["screenings"][0]["outcome"]
    assert data["protection_measures"] == [
        {"beneficiary": "victim", "kind": "physical", "start": "2026-01-02", "end": None}
    ]
    assert data["proceedings"] == [{"kind": "complaint", "date": "2026-01-03", "reference": "PV-77"}]
