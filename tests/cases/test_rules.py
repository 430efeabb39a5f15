"""Rules R-AGE … R-PRIVACY touched by the case file: assistance independent of
cooperation (art. 12.6), reflection period (art. 13), reminders, retention."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from maillage.cases import reminders, services
from maillage.cases.enums import CaseStatus, ReflectionStatus
from maillage.cases.models import AssistanceMeasure, Case, Note, Person, ReflectionPeriod
from maillage.core.models import AuditEvent
from maillage.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_no_assistance_field_depends_on_cooperation():
    """Warsaw art. 12.6: assistance is not conditional on acting as a witness."""
    import inspect

    names = {f.name for f in AssistanceMeasure._meta.get_fields()}
    assert not {n for n in names if "cooperat" in n or "witness" in n or "complaint" in n}
    params = inspect.signature(services.set_assistance).parameters
    assert not {p for p in params if "cooperat" in p or "witness" in p or "complaint" in p}
    assert "cooperat" not in inspect.getsource(services.set_assistance).split('"""')[2]


def test_assistance_consent_statuses(case, case_worker):
    measure = services.set_assistance(case=case, acting_user=case_worker, code="A-HOUSING", status="offered")
    measure = services.set_assistance(case=case, acting_user=case_worker, code="A-HOUSING", status="refused")
    assert AssistanceMeasure.objects.get(pk=measure.pk).status == "refused"
    with pytest.raises(ValidationError):
        services.set_assistance(case=case, acting_user=case_worker, code="A-UNKNOWN", status="offered")


def test_reflection_minimum_is_a_setting(case, case_worker, settings):
    start = datetime.date(2026, 1, 1)
    with pytest.raises(ValidationError):
        services.record_reflection_period(
            case=case, acting_user=case_worker, start=start, end=start + datetime.timedelta(days=29)
        )
    settings.CASES_REFLECTION_PERIOD_MIN_DAYS = 20
    services.record_reflection_period(
        case=case, acting_user=case_worker, start=start, end=start + datetime.timedelta(days=29)
    )


def test_reflection_interruption_needs_reason_from_closed_list(case, case_worker):
    start = datetime.date(2026, 1, 1)
    with pytest.raises(ValidationError) as exc:
        services.record_reflection_period(
            case=case,
            acting_user=case_worker,
            start=start,
            end=start + datetime.timedelta(days=30),
            status="interrupted",
        )
    assert "interruption_reason" in exc.value.message_dict
    period = services.record_reflection_period(
        case=case,
        acting_user=case_worker,
        start=start,
        end=start + datetime.timedelta(days=30),
        status="interrupted",
        interruption_reason="renewed_contact",
    )
    assert period.interruption_reason == "renewed_contact"


def test_reflection_reminders_before_end_and_at_expiry(case, case_worker):
    start = datetime.date(2026, 3, 1)
    period = services.record_reflection_period(
        case=case, acting_user=case_worker, start=start, end=start + datetime.timedelta(days=30), status="granted"
    )
    report = reminders.send_deadline_reminders(today=period.end - datetime.timedelta(days=3))
    assert report.reflection_soon == 1
    assert Notification.objects.filter(recipient=case_worker).count() == 1
    note = Notification.objects.get()
    assert case.reference in note.title and "Okafor" not in note.title
    # Idempotent.
    assert reminders.send_deadline_reminders(today=period.end - datetime.timedelta(days=2)).reflection_soon == 0
    report = reminders.send_deadline_reminders(today=period.end + datetime.timedelta(days=1))
    assert report.reflection_expired == 1
    assert ReflectionPeriod.objects.get(pk=period.pk).status == ReflectionStatus.EXPIRED


def test_permit_reminder_before_expiry(case, case_worker):
    permit = services.record_residence_permit(
        case=case,
        acting_user=case_worker,
        ground="asylum",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 1, 1),
    )
    assert reminders.send_deadline_reminders(today=datetime.date(2026, 6, 1)).permits_soon == 0
    assert reminders.send_deadline_reminders(today=datetime.date(2026, 12, 1)).permits_soon == 1
    assert permit.pk


def test_reminder_command_runs_the_task(case):
    out = StringIO()
    call_command("send_case_reminders", stdout=out)
    assert "Rappels" in out.getvalue()


def test_erasure_refused_under_legal_hold(case, case_worker):
    services.set_legal_hold(case=case, acting_user=case_worker, hold=True, reason="Information judiciaire en cours")
    with pytest.raises(ValidationError):
        services.erase_identity(case=case, acting_user=case_worker)
    assert Person.objects.get(case=case).last_name == "Okafor"
    services.set_legal_hold(case=case, acting_user=case_worker, hold=False)
    task = services.add_task(
        case=case,
        acting_user=case_worker,
        title="Appeler Mme Okafor au foyer",
        due_on=datetime.date(2026, 5, 1),
        assignee=case_worker,
    )
    services.erase_identity(case=case, acting_user=case_worker)
    assert Person.objects.get(case=case).last_name == ""
    task.refresh_from_db()
    assert "Okafor" not in task.title and task.due_on == datetime.date(2026, 5, 1)  # the task stays, its wording goes


def test_retention_anonymises_identity_keeps_facts_and_logs(make_case, case_worker):
    from .conftest import base_identity

    with time_machine.travel(datetime.datetime(2020, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        old = make_case()
        services.add_note(case=old, acting_user=case_worker, text="Rencontrée à la gare")
        services.change_status(case=old, target=CaseStatus.CLOSED, acting_user=case_worker, reason="support_completed")
        held = make_case(identity=base_identity(last_name="Gardé"))
        services.set_legal_hold(case=held, acting_user=case_worker, hold=True, reason="Procédure pénale")
        services.change_status(
            case=held, target=CaseStatus.CLOSED, acting_user=case_worker, reason="support_completed"
        )
    with time_machine.travel(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        recent = make_case(identity=base_identity(last_name="Récent"))
        services.change_status(case=recent, target=CaseStatus.CLOSED, acting_user=case_worker, reason="lost_contact")
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        out = StringIO()
        call_command("anonymise_closed_cases", stdout=out)
    assert old.reference in out.getvalue() and recent.reference not in out.getvalue()
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.nationalities == ["NG"] and old.exploitation_forms == ["PROX"] and old.sex == "F"
    person = Person.objects.get(case=old)
    assert person.last_name == "" and person.name_hash == ""
    assert not Note.objects.filter(case=old).exists()
    assert Person.objects.get(case=held).last_name == "Gardé"
    assert Person.objects.get(case=recent).last_name == "Récent"
    assert AuditEvent.objects.filter(action="case.retention_anonymised", object_id=str(old.pk)).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_name FROM cases_person WHERE case_id = %s", [old.pk])
        assert cursor.fetchone()[0] == ""
    # Running again does nothing more.
    with time_machine.travel(datetime.datetime(2025, 6, 2, 12, tzinfo=datetime.UTC), tick=False):
        assert services.anonymise_closed_cases().anonymised == []
    assert Case.objects.count() == 3


def test_retention_period_is_configurable(make_case, case_worker, settings):
    with time_machine.travel(datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC), tick=False):
        case = make_case()
        services.change_status(case=case, target=CaseStatus.CLOSED, acting_user=case_worker, reason="other")
    settings.CASES_RETENTION_AFTER_CLOSURE_DAYS = 30
    with time_machine.travel(datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert services.anonymise_closed_cases().anonymised == [case.reference]


def test_reasonable_grounds_offer_assistance_reflection_and_non_removal(case, case_worker):
    """R-REASONABLE-GROUNDS (Warsaw art. 10.2, 12, 13)."""
    from maillage.cases.models import CaseEvent, ReflectionOffer

    services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    codes = set(AssistanceMeasure.objects.filter(case=case, status="offered").values_list("code", flat=True))
    assert {"A-HOUSING", "A-PSY", "A-MED-EMERG", "A-INFO-RIGHTS"} <= codes and "A-EDU-CHILD" not in codes
    assert CaseEvent.objects.filter(case=case, summary__contains="non-éloignement").exists()
    # Art. 13.1: a proposal awaiting the person's answer (issue 11), no longer a task.
    assert ReflectionOffer.objects.filter(case=case, answer="pending").exists()


def test_reasonable_grounds_for_a_french_minor(make_case, case_worker):
    from maillage.cases.models import Task

    from .conftest import base_facts

    minor = make_case(
        facts=base_facts(nationalities=["FR"], age_status="documented_minor", birth_year=2011),
        identity={"last_name": "W"},
    )
    services.change_status(case=minor, target=CaseStatus.PRESUMED, acting_user=case_worker)
    assert AssistanceMeasure.objects.filter(case=minor, code="A-EDU-CHILD").exists()
    assert not Task.objects.filter(case=minor).exists()
    assert not minor.reflection_offers.exists()  # a French national: no reflection period
