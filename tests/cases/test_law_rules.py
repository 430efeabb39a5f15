"""Warsaw Convention and French law, rule by rule (issue 11): one test per rule,
named after it, citing its legal source (rules.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillage.cases import services
from maillage.cases.enums import AgeStatus
from maillage.cases.models import Case
from maillage.identification.qualification import prequalify

from .conftest import base_facts, base_identity

pytestmark = pytest.mark.django_db


def test_r_fr_qualif_adult_exploited_as_child_gets_child_set(make_case):
    """Rules.md §1.6 and R-FR-QUALIF; Warsaw art. 4 c-d; Code pénal 225-4-1 II:
    the indicator set and the pre-qualification follow the age *at the time of
    the facts*. Born in 1995, exploited from 2010: an adult today, a child then
    → child set, and no « means » required."""
    case = make_case(facts=base_facts(exploitation_start=datetime.date(2010, 6, 1)))
    assert not case.treated_as_minor
    assert case.minor_at_exploitation is True  # derived from the birth date and the start of exploitation
    assert case.child_at_facts
    assert services.indicator_set_code_for(case) == "CS"
    assert services.candidate_set_codes(case) == ["CL", "CS"]
    result = prequalify(acts=["recruter"], purposes=["PROX"], means=[], minor=case.child_at_facts)
    assert result.elements_reunis


def test_r_fr_qualif_minor_at_exploitation_recorded_is_read(make_case):
    """Rules.md §1.6: `minor_at_exploitation` recorded by the worker (no
    exploitation date known) is read by the set choice."""
    case = make_case(facts=base_facts(minor_at_exploitation=True))
    assert services.indicator_set_code_for(case) == "CS"


def test_r_fr_qualif_adult_at_facts_keeps_adult_set(make_case):
    case = make_case(facts=base_facts(exploitation_start=datetime.date(2020, 1, 1)))
    assert case.minor_at_exploitation is False
    assert services.indicator_set_code_for(case) == "AS"


def test_r_age_status_contradicting_birth_date_is_refused(case_worker, organisation):
    """R-AGE (Warsaw art. 10.3; C. civ. art. 47 and 388): « mineur·e (documenté) »
    with a birth date making the person 31 is refused with a French message, and
    nothing is written."""
    before = Case.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            organisation=organisation,
            acting_user=case_worker,
            facts=base_facts(age_status=AgeStatus.DOCUMENTED_MINOR),
            identity=base_identity(),
            confirm_duplicate=True,
        )
    assert "contredit la date de naissance" in exc.value.message_dict["age_status"][0]
    assert Case.objects.count() == before
    recent = (datetime.date.today() - datetime.timedelta(days=365 * 10)).isoformat()
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            organisation=organisation,
            acting_user=case_worker,
            facts=base_facts(birth_year=None),
            identity=base_identity(birth_date=recent),
            confirm_duplicate=True,
        )
    assert "Âge contesté" in exc.value.message_dict["age_status"][0]


def test_r_age_minor_at_exploitation_contradicting_dates_is_refused(case, case_worker):
    """Rules.md §1.6: « majeure au moment des faits » while the birth date and the
    start of exploitation say 15 years old is refused (on edit too, with the
    stored birth date)."""
    facts = base_facts(exploitation_start=datetime.date(2010, 6, 1), minor_at_exploitation=False)
    with pytest.raises(ValidationError) as exc:
        services.update_case(case=case, acting_user=case_worker, facts=facts)
    assert "mineure au moment des faits" in exc.value.message_dict["minor_at_exploitation"][0]
    case.refresh_from_db()
    assert case.exploitation_start is None
