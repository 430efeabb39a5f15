import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.cases import services
from maillage.core.models import AuditEvent, AuditKind
from maillage.identification.models import Screening

from .conftest import base_identity

pytestmark = pytest.mark.django_db


def test_query_count_of_list_and_detail_does_not_grow_with_data(client, login, case_worker, make_case):
    first = make_case()
    login(client, case_worker)
    client.get(reverse("cases:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        from django.core.cache import cache

        cache.clear()  # compare cold caches (the menu is cached per person)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    list_small, detail_small = count(reverse("cases:list")), count(reverse("cases:detail", args=[first.pk]))
    for n in range(15):
        other = make_case(identity=base_identity(last_name=f"Nom{n}"))
        services.add_note(case=first, acting_user=case_worker, text=f"note {n}")
        services.add_task(
            case=first, acting_user=case_worker, title=f"t{n}", due_on=datetime.date.today(), assignee=case_worker
        )
        assert other.pk
    assert count(reverse("cases:list")) == list_small
    assert count(reverse("cases:detail", args=[first.pk])) == detail_small


def test_edit_page_logs_identity_display_and_rectifies(client, login, case_worker, case):
    login(client, case_worker)
    body = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert "Okafor" in body
    assert AuditEvent.objects.filter(kind=AuditKind.READ, action="case.identity.viewed_for_edit").count() == 1
    data = {
        "last_name": "Okafor-Eze",
        "first_name": "Blessing",
        "age_status": "documented_adult",
        "sex": "F",
        "cross_border": "unknown",
        "relation_to_exploiter": "unknown",
        "first_detected_by": "other",
        "nationalities": ["NG"],
    }
    assert client.post(reverse("cases:edit", args=[case.pk]), data).status_code == 302
    case.person.refresh_from_db()
    assert case.person.last_name == "Okafor-Eze"


def test_task_assignee_must_be_member_of_the_organisation(case, case_worker, outsider):
    with pytest.raises(ValidationError):
        services.add_task(
            case=case, acting_user=case_worker, title="x", due_on=datetime.date.today(), assignee=outsider
        )


def test_task_notifies_assignee_without_identity(case, case_worker, member, django_capture_on_commit_callbacks):
    from maillage.notifications.models import Notification

    colleague = member().user
    with django_capture_on_commit_callbacks(execute=True):
        services.add_task(
            case=case,
            acting_user=case_worker,
            title="Rendez-vous préfecture",
            due_on=datetime.date.today(),
            assignee=colleague,
        )
    note = Notification.objects.get(recipient=colleague)
    assert case.reference in note.title and "Okafor" not in note.title


def test_notes_are_encrypted_and_have_visibility(case, case_worker):
    from django.db import connection

    note = services.add_note(case=case, acting_user=case_worker, text="Secret", visibility="shareable")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_note WHERE id = %s", [note.pk])
        assert cursor.fetchone()[0].startswith("gAAAAA")
    with pytest.raises(ValidationError):
        services.add_note(case=case, acting_user=case_worker, text="  ")


def test_incomplete_set_is_stored_but_not_scored(case, case_worker):
    # Adult + PROX → AS, which is not transcribed yet.
    assert services.indicator_set_code_for(case) == "AS"
    screening = services.record_screening(case=case, acting_user=case_worker, present_codes=[], act_established=True)
    assert screening.outcome == "incomplete_set"
    assert "aucune évaluation automatique" in screening.outcome_label


def test_screening_page_of_incomplete_set_says_so(client, login, case_worker, case):
    login(client, case_worker)
    body = client.get(reverse("cases:screening_new", args=[case.pk])).content.decode()
    assert "aucune évaluation automatique" in body


def test_screening_keeps_version_and_answers(case, case_worker):
    screening = services.record_screening(
        case=case, acting_user=case_worker, present_codes=["AL-DR-NATURE_JOB"], act_established=False, set_code="AL"
    )
    stored = Screening.objects.get(pk=screening.pk)
    assert stored.indicator_set.version == "ILO-EC-2009" and stored.present_codes == ["AL-DR-NATURE_JOB"]
    assert stored.dimensions["DR"] is False and stored.outcome == "not_met"


def test_prequalification_page_is_indicative_and_minor_needs_no_means(client, login, case_worker, make_case):
    from .conftest import base_facts

    minor = make_case(facts=base_facts(age_status="documented_minor", birth_year=2012), identity={"last_name": "Z"})
    login(client, case_worker)
    body = client.post(
        reverse("cases:prequalification", args=[minor.pk]), {"acts": ["recruter"], "purposes": ["PROX"]}
    ).content.decode()
    assert "indicatif" in body and "réunis" in body and "non réunis" not in body


def test_outsider_cannot_use_services(case, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.add_note(case=case, acting_user=outsider, text="x")
    with pytest.raises(PermissionDenied):
        services.build_subject_access_export(case=case, acting_user=outsider, password="x" * 20)
