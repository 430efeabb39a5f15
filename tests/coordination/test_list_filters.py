"""« My actions » and the register search keep their filters from one page to
the next (issue 7: "My actions" with filters; search by words, organisation,
period, status)."""

import datetime as dt

import pytest

from maillage.coordination.enums import LetterDirection
from maillage.coordination.models import ActionItem, Letter

pytestmark = pytest.mark.django_db


def test_my_actions_pages_keep_the_filters(client, login, group, coordinator, plain_member):
    ActionItem.objects.bulk_create(
        ActionItem(
            group=group,
            title=f"Faite {i}",
            owner_user=plain_member,
            due_on=dt.date(2030, 1, 1),
            status="done",
            done_at=dt.datetime(2030, 1, 2, tzinfo=dt.UTC),
            created_by=coordinator,
        )
        for i in range(55)
    )
    login(client, plain_member)
    page = client.get("/coordination/mes-actions/?status=done&scope=me").content.decode()
    assert "?status=done&amp;scope=me&amp;page=2" in page
    second = client.get("/coordination/mes-actions/?status=done&scope=me&page=2").content.decode()
    assert "Faite" in second and "?status=done&amp;scope=me&amp;page=1" in second


def test_register_search_pages_keep_the_search(client, login, coordinator, organisation):
    Letter.objects.bulk_create(
        Letter(
            year=2013,
            number=i,
            direction=LetterDirection.INCOMING,
            letter_date=dt.date(2013, 5, 7),
            received_on=dt.date(2013, 5, 7),
            sender_organisation=organisation,
            subject=f"Hébergement {i}",
            created_by=coordinator,
        )
        for i in range(1, 56)
    )
    login(client, coordinator)
    page = client.get("/coordination/courrier/?q=H%C3%A9bergement&status=received").content.decode()
    assert "?q=H%C3%A9bergement&amp;status=received&amp;page=2" in page


def test_my_actions_filter_by_working_group(client, login, group, coordinator, coordination, plain_member):
    from maillage.coordination import services

    other = services.create_group(
        acting_user=coordinator, name="Autre groupe", lead_organisation=coordination, visibility="network"
    )
    services.create_action(
        acting_user=coordinator,
        group=group,
        title="ACTION-GROUPE-MINEURS",
        owner_user=plain_member,
        due_on=dt.date(2031, 1, 1),
    )
    services.create_action(
        acting_user=coordinator,
        group=other,
        title="ACTION-AUTRE-GROUPE",
        owner_user=plain_member,
        due_on=dt.date(2031, 1, 1),
    )
    login(client, plain_member)
    page = client.get(f"/coordination/mes-actions/?group={group.pk}").content.decode()
    assert "ACTION-GROUPE-MINEURS" in page and "ACTION-AUTRE-GROUPE" not in page
    assert "ACTION-AUTRE-GROUPE" in client.get("/coordination/mes-actions/").content.decode()
