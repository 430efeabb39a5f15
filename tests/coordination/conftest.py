import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from maillage.coordination import services
from maillage.organisations.enums import Role
from tests.factories import MembershipFactory, OrganisationFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def group(db, coordinator, coordination, organisation, plain_member):
    """A members-only group led by the coordination, with a member from an association."""
    group = services.create_group(
        acting_user=coordinator,
        name="Groupe coordination mineurs",
        lead_organisation=coordination,
        pilot=coordinator,
        focus="minors",
        visibility="members",
    )
    services.add_group_member(
        group=group, user=plain_member, organisation=organisation, role="member", acting_user=coordinator
    )
    return group


@pytest.fixture
def other_member(db):
    """Someone with an active membership but not in the group."""
    return MembershipFactory(organisation=OrganisationFactory(), role=Role.MEMBER).user


@pytest.fixture
def future_meeting(group, coordinator):
    return services.schedule_meeting(
        acting_user=coordinator,
        group=group,
        title="Réunion de lancement",
        starts_at=paris(2031, 6, 10, 14, 0),
        ends_at=paris(2031, 6, 10, 16, 0),
        place="MIPROF, Paris",
    )
