from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.plans import services
from maillage.plans.enums import PlanStatus
from maillage.plans.models import Amendment, Comment, Indicator, Measurement, Position

from .conftest import measure

pytestmark = pytest.mark.django_db


def _answer(amendment, recommendation, decision, answer):
    prefix = f"reponse-{amendment.pk}"
    return {f"{prefix}-recommendation": recommendation, f"{prefix}-decision": decision, f"{prefix}-answer": answer}


def _round_urls(round_, m):
    return [
        reverse("plans:round", args=[round_.pk]),
        reverse("plans:round_measure", args=[round_.pk, m.pk]),
    ]


def _coord_urls(plan, round_):
    return [
        reverse("plans:manage"),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:compare", args=[plan.pk]),
        reverse("plans:round_create", args=[plan.pk]),
        reverse("plans:reports_pending", args=[plan.pk]),
        reverse("plans:progress_xlsx", args=[plan.pk]),
        reverse("plans:progress_import", args=[plan.pk]),
        reverse("plans:synthesis", args=[round_.pk]),
        reverse("plans:synthesis_pdf", args=[round_.pk]),
        reverse("plans:synthesis_csv", args=[round_.pk]),
    ]


def test_anonymous_is_sent_to_login_everywhere_but_the_public_page(client, draft_plan, open_round):
    m1 = measure(draft_plan, 1)
    assert client.get(reverse("plans:public")).status_code == 200
    for url in (
        _round_urls(open_round, m1)
        + _coord_urls(draft_plan, open_round)
        + [reverse("plans:rounds"), reverse("plans:reporting")]
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/" in response["Location"], url


def test_coordinator_reaches_every_page(client, login, coordinator, draft_plan, open_round):
    login(client, coordinator)
    m1 = measure(draft_plan, 1)
    for url in (
        _round_urls(open_round, m1)
        + _coord_urls(draft_plan, open_round)
        + [reverse("plans:rounds"), reverse("plans:reporting"), reverse("plans:public")]
    ):
        assert client.get(url).status_code == 200, url


def test_invited_member_sees_round_but_not_coordination_pages(client, login, invited_member, draft_plan, open_round):
    login(client, invited_member)
    m1 = measure(draft_plan, 1)
    for url in _round_urls(open_round, m1):
        assert client.get(url).status_code == 200, url
    for url in _coord_urls(draft_plan, open_round):
        assert client.get(url).status_code == 404, url


def test_member_of_non_invited_org_gets_404(client, login, outsider, draft_plan, open_round):
    login(client, outsider)
    m1 = measure(draft_plan, 1)
    for url in _round_urls(open_round, m1) + _coord_urls(draft_plan, open_round):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("plans:position", args=[open_round.pk, m1.pk]), {"value": "agree"})
    assert response.status_code == 404
    assert not Position.objects.exists()


def test_plain_member_of_invited_org_gives_position_and_amendment_then_coordination_answers(
    client, login, invited_member, coordinator, draft_plan, open_round
):
    m1 = measure(draft_plan, 1)
    login(client, invited_member)
    url = reverse("plans:round_measure", args=[open_round.pk, m1.pk])
    response = client.post(
        reverse("plans:position", args=[open_round.pk, m1.pk]),
        {"value": "mixed", "argument": "À préciser"},
        follow=True,
    )
    assert "Contribution enregistrée" in response.content.decode()
    client.post(reverse("plans:position", args=[open_round.pk, m1.pk]), {"value": "agree", "argument": "Finalement"})
    assert Position.objects.get().value == "agree"
    client.post(
        reverse("plans:amendment", args=[open_round.pk, m1.pk]),
        {
            "version": open_round.version.number,
            "field": "title",
            "proposed_text": "Nouveau titre",
            "rationale": "Plus clair",
        },
    )
    amendment = Amendment.objects.get()
    client.post(
        reverse("plans:comment", args=[open_round.pk, m1.pk]), {"stance": "against", "body": "Je ne suis pas d'accord"}
    )
    client.logout()
    login(client, coordinator)
    response = client.post(
        reverse("plans:amendment_answer", args=[open_round.pk, amendment.pk]),
        _answer(amendment, "accept", "rejected", ""),
        follow=True,
    )
    assert "réponse motivée" in response.content.decode()
    client.post(
        reverse("plans:amendment_answer", args=[open_round.pk, amendment.pk]),
        _answer(amendment, "accept", "partially_accepted", "Retenu en partie."),
    )
    client.post(reverse("plans:note", args=[open_round.pk]), {"body": "NOTE-INTERNE-SECRETE"})
    client.logout()
    login(client, invited_member)
    page = client.get(url).content.decode()
    assert "Retenu en partie." in page and "Partiellement acceptée" in page
    assert "NOTE-INTERNE-SECRETE" not in client.get(reverse("plans:round", args=[open_round.pk])).content.decode()


def test_contribution_before_opening_and_after_closing_is_a_clear_message(
    client, login, invited_member, draft_plan, open_round
):
    m1 = measure(draft_plan, 1)
    login(client, invited_member)
    now = timezone.now()
    open_round.opens_at, open_round.closes_at = now + timedelta(days=1), now + timedelta(days=2)
    open_round.save()
    response = client.post(reverse("plans:position", args=[open_round.pk, m1.pk]), {"value": "agree"}, follow=True)
    assert response.status_code == 200 and "pas encore ouverte" in response.content.decode()
    open_round.opens_at, open_round.closes_at = now - timedelta(days=2), now - timedelta(days=1)
    open_round.save()
    for name, data in (
        ("position", {"value": "agree"}),
        ("comment", {"stance": "neutral", "body": "x"}),
        ("amendment", {"version": 1, "field": "title", "proposed_text": "x", "rationale": "y"}),
    ):
        response = client.post(reverse(f"plans:{name}", args=[open_round.pk, m1.pk]), data, follow=True)
        assert response.status_code == 200 and "est close" in response.content.decode(), name
    assert not Position.objects.exists() and not Amendment.objects.exists()


def test_amendment_on_another_version_via_the_form(client, login, invited_member, draft_plan, open_round):
    login(client, invited_member)
    m1 = measure(draft_plan, 1)
    response = client.post(
        reverse("plans:amendment", args=[open_round.pk, m1.pk]),
        {"version": 7, "field": "title", "proposed_text": "x", "rationale": "y"},
        follow=True,
    )
    assert "Cette version du plan" in response.content.decode()
    assert not Amendment.objects.exists()


def test_public_page_shows_adopted_plan_and_nothing_internal(
    client, login, coordinator, invited_member, draft_plan, open_round
):
    m1 = measure(draft_plan, 1)
    services.submit_position(
        round=open_round, measure=m1, value="disagree", argument="ARGUMENT-PRIVE", acting_user=invited_member
    )
    services.add_internal_note(round=open_round, body="NOTE-INTERNE", acting_user=coordinator)
    assert "Aucun plan" in client.get(reverse("plans:public")).content.decode()
    open_round.opens_at, open_round.closes_at = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    open_round.save()
    services.transition_plan(plan=draft_plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    indicator = Indicator.objects.create(
        measure=m1, name="Victimes identifiées", unit="personnes", baseline_value=100, target_value=300, source="SSMSI"
    )
    Measurement.objects.create(
        indicator=indicator,
        value=150,
        date=timezone.localdate(),
        entered_by=coordinator,
        validated_by=coordinator,
        validated_at=timezone.now(),
    )
    Measurement.objects.create(
        indicator=indicator, value=999, date=timezone.localdate() + timedelta(days=1), entered_by=coordinator
    )
    page = client.get(reverse("plans:public")).content.decode()
    assert draft_plan.title in page or "Plan d&#x27;action" in page
    assert "Aller au-devant des victimes" in page
    assert "Victimes identifiées" in page and "150" in page and "300" in page
    for secret in ("ARGUMENT-PRIVE", "NOTE-INTERNE", "999", "Pas d&#x27;accord"):
        assert secret not in page, secret
    assert "style=" not in page and "<script>" not in page.replace("<script src", "")


def test_draft_plan_is_not_public(client, draft_plan):
    assert draft_plan.title not in client.get(reverse("plans:public")).content.decode()


def test_reporting_by_lead_and_validation(
    client, login, coordinator, invited_member, invited_org, draft_plan, open_round, plain_member
):
    open_round.opens_at, open_round.closes_at = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    open_round.save()
    services.transition_plan(plan=draft_plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    m1 = measure(draft_plan, 1)
    m1.lead = invited_org
    m1.save()
    login(client, plain_member)
    assert client.get(reverse("plans:report", args=[m1.pk])).status_code == 404
    client.logout()
    login(client, invited_member)
    response = client.post(
        reverse("plans:report", args=[m1.pk]), {"progress": 150, "health": "on_track", "completion": "limited"}
    )
    assert "ne peut dépasser 100" in response.content.decode()
    client.post(
        reverse("plans:report", args=[m1.pk]),
        {"progress": 60, "health": "on_track", "completion": "substantial", "comment": "ok"},
    )
    report = m1.reports.get()
    client.logout()
    login(client, coordinator)
    client.post(reverse("plans:report_validate", args=[draft_plan.pk, report.pk]))
    m1.refresh_from_db()
    assert m1.progress == 60


def test_coordinator_creates_plan_and_bad_input_gives_french_messages(client, login, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("plans:manage"), {"title": "Plan", "period_start": "2027-01-01", "period_end": "2026-01-01"}
    )
    assert response.status_code == 200 and "doit suivre son début" in response.content.decode()
    response = client.post(
        reverse("plans:manage"), {"title": "Plan 2027", "period_start": "2027-01-01", "period_end": "2029-12-31"}
    )
    assert response.status_code == 302
    from maillage.plans.models import Plan

    # Primary keys are not reset between tests on PostgreSQL: look the plan up.
    plan = Plan.objects.get(title="Plan 2027")
    response = client.post(reverse("plans:transition", args=[plan.pk]), {"to": "closed"}, follow=True)
    assert response.status_code == 200


def test_import_view_lists_row_errors(client, login, coordinator, draft_plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, coordinator)
    upload = SimpleUploadedFile("a.xlsx", b"n'importe quoi", content_type="application/octet-stream")
    response = client.post(reverse("plans:progress_import", args=[draft_plan.pk]), {"file": upload})
    assert response.status_code == 200 and "aucune mesure n'a été modifiée" in response.content.decode()


def test_menu_entry_for_anonymous_and_coordinator_panel(client, login, coordinator, open_round):
    assert reverse("plans:public") in client.get(reverse("plans:public")).content.decode()
    login(client, coordinator)
    page = client.get(reverse("home")).content.decode()
    assert open_round.title in page


def test_coordinator_opens_round_for_a_network_with_per_axe_settings(
    client, login, coordinator, draft_plan, invited_org
):
    from maillage.directory.models import Network, NetworkMembership

    services.freeze_version(plan=draft_plan, changelog="v1", acting_user=coordinator)
    network = Network.objects.create(
        name="Collectif Ensemble contre la traite",
        slug="collectif",
        kind=Network._meta.get_field("kind").choices[0][0],
    )
    NetworkMembership.objects.create(network=network, organisation=invited_org)
    login(client, coordinator)
    p1, p2 = draft_plan.priorities.order_by("number")
    response = client.post(
        reverse("plans:round_create", args=[draft_plan.pk]),
        {
            "title": "Consultation",
            "opens_at": "2026-01-01T09:00",
            "closes_at": "2025-12-01T09:00",
            "network": network.pk,
        },
    )
    assert response.status_code == 200 and "La clôture doit suivre" in response.content.decode()
    data = {
        "title": "Consultation",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2030-12-01T09:00",
        "network": network.pk,
        f"p{p1.pk}_positions": "on",
        f"p{p1.pk}_comments": "on",
        f"p{p1.pk}_amendments": "on",
        f"p{p2.pk}_positions": "on",
    }
    response = client.post(reverse("plans:round_create", args=[draft_plan.pk]), data)
    assert response.status_code == 302
    round_ = draft_plan.rounds.get()
    assert list(round_.invited.all()) == [invited_org]
    setting = round_.priority_settings.get(priority=p2)
    assert setting.positions_enabled and not setting.comments_enabled and not setting.amendments_enabled
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.CONSULTATION


def test_a_reply_carries_its_own_stance(client, login, invited_member, draft_plan, open_round):
    """Threads up to three levels, each comment — replies included — marked in favour / neutral / against (issue 6)."""
    m1 = measure(draft_plan, 1)
    root = services.add_comment(
        round=open_round, measure=m1, body="Premier avis", stance="in_favour", acting_user=invited_member
    )
    login(client, invited_member)
    page = client.get(reverse("plans:round_measure", args=[open_round.pk, m1.pk])).content.decode()
    assert f'id="orientation-{root.pk}-against"' in page and 'name="parent"' in page
    client.post(
        reverse("plans:comment", args=[open_round.pk, m1.pk]),
        {"parent": root.pk, "stance": "against", "body": "Je ne partage pas"},
    )
    reply = Comment.objects.get(parent=root)
    assert reply.stance == "against" and reply.depth == 2
