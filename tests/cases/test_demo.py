from io import StringIO

import pytest
from django.core.management import call_command

from maillage.cases.models import Case, Person
from maillage.identification.models import Screening

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_realistic_fictional_cases(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    total = Case.objects.count()
    assert 280 <= total <= 320
    sexual = (
        Case.objects.filter(exploitation_forms__has="PROX").count()
        + Case.objects.filter(exploitation_forms__has="SEX").count()
    )
    assert sexual > total / 2
    minors = Case.objects.filter(treated_as_minor=True).count()
    assert total / 10 < minors < total / 4
    assert Case.objects.values("nationalities").distinct().count() > 15
    assert Screening.objects.count() > 50
    assert Person.objects.count() == total
    # Idempotent.
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert Case.objects.count() == total
