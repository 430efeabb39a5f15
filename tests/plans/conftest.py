from datetime import date, timedelta

import pytest
from django.utils import timezone

from maillage.organisations.enums import Role
from maillage.plans import services
from maillage.plans.models import Measure, Priority
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def draft_plan(coordinator):
    plan = services.create_plan(
        title="Plan d'action national contre la traite",
        period_start=date(2026, 1, 1),
        period_end=date(2028, 12, 31),
        acting_user=coordinator,
    )
    p1 = services.add_priority(
        plan=plan, number=1, title="Identifier et accompagner les victimes", acting_user=coordinator
    )
    p2 = services.add_priority(
        plan=plan, number=2, title="Poursuivre et démanteler les réseaux", acting_user=coordinator
    )
    services.save_measure(
        plan=plan,
        priority=p1,
        number=1,
        title="Aller au-devant des victimes",
        description="Favoriser l'accès aux droits.",
        acting_user=coordinator,
    )
    services.save_measure(
        plan=plan,
        priority=p1,
        number=2,
        title="Former les professionnels",
        description="Former à l'identification.",
        acting_user=coordinator,
    )
    services.save_measure(
        plan=plan,
        priority=p2,
        number=3,
        title="Renforcer les enquêtes",
        description="Enquêtes patrimoniales.",
        acting_user=coordinator,
    )
    return plan


@pytest.fixture
def invited_org(db):
    return OrganisationFactory(name="Association invitée")


@pytest.fixture
def invited_member(invited_org):
    return MembershipFactory(organisation=invited_org, role=Role.MEMBER).user


@pytest.fixture
def open_round(draft_plan, coordinator, invited_org):
    services.freeze_version(plan=draft_plan, changelog="Projet initial", acting_user=coordinator)
    now = timezone.now()
    return services.open_round(
        plan=draft_plan,
        title="Consultation du collectif",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=30),
        invited=[invited_org],
        acting_user=coordinator,
    )


def measure(plan, number) -> Measure:
    return plan.measures.get(number=number)


def priority(plan, number) -> Priority:
    return plan.priorities.get(number=number)
