"""The signed-in home page: what waits for the user, fresh after each change,
with a query count that does not grow with the data."""

import pytest
from django.urls import reverse

from maillage.organisations import services
from maillage.organisations.enums import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_home_shows_a_new_pending_invitation_at_once_despite_the_cache(client, login, org_admin, organisation):
    login(client, org_admin)
    assert "invitation en attente" not in client.get(reverse("home")).content.decode()
    services.invite_member(
        organisation=organisation, email="nouvelle@exemple.fr", role=Role.MEMBER, acting_user=org_admin
    )
    assert "1 invitation en attente" in client.get(reverse("home")).content.decode()


def test_home_panels_are_per_person_and_organisation(
    client, login, org_admin, organisation, outsider, other_organisation
):
    login(client, org_admin)
    assert organisation.name in client.get(reverse("home")).content.decode()
    login(client, outsider)
    page = client.get(reverse("home")).content.decode()
    assert other_organisation.name in page and organisation.name not in page


def test_home_query_count_does_not_grow_with_the_data(
    client, login, org_admin, organisation, django_assert_max_num_queries
):
    from django.core.cache import cache

    login(client, org_admin)
    client.get(reverse("home"))
    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for index in range(30):
        MembershipFactory(organisation=organisation, role=Role.CASE_WORKER)
        services.invite_member(
            organisation=organisation, email=f"p{index}@exemple.fr", role=Role.MEMBER, acting_user=org_admin
        )
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("home"))
