import datetime

import pytest

from maillage.cases import services
from maillage.cases.enums import AgeStatus


def base_facts(**overrides):
    facts = {
        "age_status": AgeStatus.DOCUMENTED_ADULT,
        "sex": "F",
        "birth_year": 1995,
        "nationalities": ["NG"],
        "languages": ["en"],
        "exploitation_forms": ["PROX"],
        "exploitation_country": "FR",
        "exploitation_departement": "75",
        "cross_border": "cross_border",
    }
    facts.update(overrides)
    return facts


def base_identity(**overrides):
    identity = {
        "last_name": "Okafor",
        "first_name": "Blessing",
        "birth_date": "1995-04-02",
        "phone": "+33 6 00 00 00 00",
    }
    identity.update(overrides)
    return identity


@pytest.fixture
def make_case(case_worker, organisation):
    def make(user=None, org=None, facts=None, identity=None, **kw):
        return services.create_case(
            organisation=org or organisation,
            acting_user=user or case_worker,
            facts=facts if facts is not None else base_facts(),
            identity=identity if identity is not None else base_identity(),
            confirm_duplicate=kw.pop("confirm_duplicate", True),
        )

    return make


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def today():
    return datetime.date.today()
