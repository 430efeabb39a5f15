"""The coordination's round page shows counts per measure (aggregate queries,
constant query count) and the long lists are paginated."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.plans.models import Amendment, Comment, Position
from tests.factories import OrganisationFactory

from .conftest import measure

pytestmark = pytest.mark.django_db


def _contribute(round_, plan, user, n_orgs, *, amendments_per_org=1):
    orgs = [OrganisationFactory(name=f"Association {i:03d}") for i in range(n_orgs)]
    round_.invited.add(*orgs)
    measures = list(plan.measures.order_by("number"))
    Position.objects.bulk_create(
        [
            Position(round=round_, organisation=o, measure=m, value=("agree", "mixed", "disagree")[i % 3], author=user)
            for i, o in enumerate(orgs)
            for m in measures
        ]
    )
    Comment.objects.bulk_create(
        [Comment(round=round_, measure=m, organisation=o, author=user, body="Avis") for o in orgs for m in measures]
    )
    Amendment.objects.bulk_create(
        [
            Amendment(
                round=round_,
                version=round_.version,
                measure=measures[0],
                organisation=o,
                author=user,
                field="title",
                proposed_text="T",
                rationale="R",
            )
            for o in orgs
            for _ in range(amendments_per_org)
        ]
    )
    return orgs


def test_round_page_query_count_does_not_grow_with_contributions(
    client, login, coordinator, draft_plan, open_round, django_assert_max_num_queries
):
    login(client, coordinator)
    url = reverse("plans:round", args=[open_round.pk])
    client.get(url)
    _contribute(open_round, draft_plan, coordinator, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _contribute(open_round, draft_plan, coordinator, 40)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200


def test_round_page_shows_counts_per_measure_and_paginates_pending_amendments(
    client, login, coordinator, draft_plan, open_round
):
    _contribute(open_round, draft_plan, coordinator, 30)
    answered = Amendment.objects.filter(round=open_round).first()
    answered.decision, answered.recommendation, answered.answer = "rejected", "reject", "Hors champ"
    answered.save()
    login(client, coordinator)
    url = reverse("plans:round", args=[open_round.pk])
    response = client.get(url)
    m1 = measure(draft_plan, 1)
    rows = {m.pk: m for m in response.context["measures"]}
    # 30 organisations: 10 of each position on every measure, one comment each.
    assert rows[m1.pk].position_counts == [10, 10, 10]
    assert (rows[m1.pk].n_comments, rows[m1.pk].n_amendments_pending, rows[m1.pk].n_amendments_answered) == (30, 29, 1)
    assert (rows[measure(draft_plan, 3).pk].n_amendments_pending, rows[measure(draft_plan, 3).pk].n_positions) == (
        0,
        30,
    )
    html = response.content.decode()
    assert reverse("plans:round_measure", args=[open_round.pk, m1.pk]) in html
    assert "Argument" not in html and "Avis" not in html  # no contribution body on the round page
    page = response.context["pending_page"]
    assert page.paginator.count == 29 and len(page.object_list) == 20 and page.has_next()
    assert (
        'class="fr-pagination' in html and "<caption>" in html and 'class="fr-table__container" tabindex="0"' in html
    )
    second = client.get(url, {"page": 2})
    assert len(second.context["pending_page"].object_list) == 9


def test_round_page_for_an_invited_member_keeps_its_own_position(
    client, login, invited_member, draft_plan, open_round
):
    m1 = measure(draft_plan, 1)
    login(client, invited_member)
    client.post(reverse("plans:position", args=[open_round.pk, m1.pk]), {"value": "mixed"})
    response = client.get(reverse("plans:round", args=[open_round.pk]))
    assert response.context["pending_page"] is None
    assert "Mitigé" in response.content.decode() and "Amendements en attente" not in response.content.decode()


def test_measure_page_paginates_positions_amendments_and_threads(client, login, coordinator, draft_plan, open_round):
    orgs = _contribute(open_round, draft_plan, coordinator, 30)
    m1 = measure(draft_plan, 1)
    root = Comment.objects.filter(round=open_round, measure=m1).first()
    reply = Comment.objects.create(
        round=open_round,
        measure=m1,
        organisation=orgs[1],
        author=coordinator,
        parent=root,
        depth=2,
        body="Réponse au fil",
    )
    Comment.objects.create(
        round=open_round,
        measure=m1,
        organisation=orgs[2],
        author=coordinator,
        parent=reply,
        depth=3,
        body="Réponse à la réponse",
    )
    login(client, coordinator)
    url = reverse("plans:round_measure", args=[open_round.pk, m1.pk])
    response = client.get(url)
    ctx = response.context
    assert (len(ctx["positions"].object_list), ctx["positions"].paginator.count) == (25, 30)
    assert (len(ctx["amendments"].object_list), ctx["amendments"].paginator.count) == (10, 30)
    assert (len(ctx["threads"]), ctx["threads_page"].paginator.count) == (20, 30)  # replies are not threads
    html = response.content.decode()
    assert "Réponse au fil" in html and "Réponse à la réponse" in html
    assert (
        "?liste=positions&amp;page=2" in html
        and "?liste=amendements&amp;page=2" in html
        and "?liste=commentaires&amp;page=2" in html
    )
    # The page parameter applies to the list it names; the others stay on their first page.
    ctx = client.get(url, {"liste": "amendements", "page": 3}).context
    assert (
        ctx["amendments"].number,
        len(ctx["amendments"].object_list),
        ctx["positions"].number,
        ctx["threads_page"].number,
    ) == (3, 10, 1, 1)
    ctx = client.get(url, {"liste": "positions", "page": "x"}).context
    assert ctx["positions"].number == 1


def test_hearing_form_has_its_own_page(client, login, coordinator, invited_member, invited_org, open_round):
    from maillage.plans.models import Hearing

    url = reverse("plans:hearing", args=[open_round.pk])
    login(client, coordinator)
    round_page = client.get(reverse("plans:round", args=[open_round.pk])).content.decode()
    assert (
        url in round_page and 'name="organisation"' not in round_page
    )  # no list of every organisation on the round page
    assert 'name="organisation"' in client.get(url).content.decode()
    response = client.post(url, {"organisation": invited_org.pk, "date": "", "participants": "", "summary": ""})
    assert response.status_code == 200 and not Hearing.objects.exists()  # errors shown on the form
    response = client.post(
        url,
        {"organisation": invited_org.pk, "date": "2026-03-02", "participants": "Présidente", "summary": "Entendue"},
    )
    assert response.status_code == 302 and Hearing.objects.filter(round=open_round, organisation=invited_org).exists()
    client.logout()
    login(client, invited_member)
    assert client.get(url).status_code == 404
