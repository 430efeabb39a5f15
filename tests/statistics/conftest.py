import datetime

import pytest

from maillage.organisations.enums import OrganisationType, Role, TerritoryLevel
from maillage.statistics import services
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def team(coordinator):
    return coordinator


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, is_admin=True).user


@pytest.fixture
def rapporteur(db):
    cncdh = OrganisationFactory(type=OrganisationType.NATIONAL_RAPPORTEUR, territory_level=TerritoryLevel.NATIONAL,
                                departement="", region="", name="CNCDH", slug="cncdh")  # fmt: skip
    return MembershipFactory(organisation=cncdh, role=Role.MEMBER).user


@pytest.fixture
def campaign(team, organisation):
    return services.open_campaign(
        year=datetime.date.today().year,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        organisations=[organisation],
        acting_user=team,
    )
