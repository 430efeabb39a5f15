"""Coordination benchmarks (issue 7).

- groups.my_actions.p95_ms: the "My actions" page of a person who, personally
  or through their organisation, owes part of 10,000 actions (target 100 ms).
- groups.ical_feed.p95_ms: a private iCal feed fetched by a calendar
  application with its secret token (target 100 ms).

The data is created here, once (idempotent: a dedicated group marks it), so
the benchmark does not depend on the national seeder's content.
"""

from __future__ import annotations

import datetime as dt

from bench.common import p95_ms, result

ACTIONS = 10_000
MEETINGS = 60
GROUP_NAME = "Groupe de mesure (benchmark coordination)"


def _setup():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from maillage.coordination import services
    from maillage.coordination.models import ActionItem, Meeting, MeetingInvitation, WorkingGroup
    from maillage.organisations.enums import OrganisationType, Role, TerritoryLevel
    from maillage.organisations.models import Membership, Organisation

    User = get_user_model()
    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    if coordinator is None:
        org, _ = Organisation.objects.get_or_create(
            slug="bench-coordination",
            defaults={
                "name": "Coordination (bench)",
                "type": OrganisationType.COORDINATION,
                "territory_level": TerritoryLevel.NATIONAL,
            },
        )
        coordinator = User.objects.filter(email="bench.coordination@example.fr").first() or User.objects.create_user(
            email="bench.coordination@example.fr", password=None
        )
        Membership.objects.get_or_create(
            user=coordinator, organisation=org, defaults={"role": Role.COORDINATOR, "is_admin": True}
        )
        # Coordinators must have a second factor, or every page redirects to its set-up.
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(coordinator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    membership = Membership.objects.active().filter(user=coordinator).select_related("organisation").first()
    organisation = membership.organisation
    group = WorkingGroup.objects.filter(name=GROUP_NAME).first()
    if group is None:
        # A service entry point opens its own (durable) transaction.
        group = services.create_group(
            acting_user=coordinator, name=GROUP_NAME, lead_organisation=organisation, pilot=coordinator
        )
    with transaction.atomic():
        missing = ACTIONS - ActionItem.objects.filter(group=group).count()
        if missing > 0:
            today = timezone.localdate()
            ActionItem.objects.bulk_create(
                [
                    ActionItem(
                        group=group,
                        title=f"Action de mesure n° {i}",
                        owner_user=coordinator if i % 2 else None,
                        owner_organisation=None if i % 2 else organisation,
                        due_on=today + dt.timedelta(days=(i % 365) - 120),
                        status=("open", "in_progress", "done", "cancelled")[i % 4],
                        done_at=timezone.now() if i % 4 == 2 else None,
                        created_by=coordinator,
                    )
                    for i in range(missing)
                ],
                batch_size=1000,
            )
        if Meeting.objects.filter(group=group).count() < MEETINGS:
            start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=60)
            for i in range(MEETINGS):
                meeting = Meeting.objects.create(
                    group=group,
                    title=f"Réunion de mesure {i}",
                    starts_at=start + dt.timedelta(days=3 * i),
                    ends_at=start + dt.timedelta(days=3 * i, hours=2),
                    place="Paris",
                    organiser=coordinator,
                    organiser_organisation=organisation,
                )
                MeetingInvitation.objects.create(meeting=meeting, user=coordinator, organisation=organisation)
    issued = services.issue_feed_token(acting_user=coordinator)
    return coordinator, issued.token


def run(ctx) -> list[dict]:
    coordinator, token = _setup()
    client = ctx.client_for(coordinator)

    def my_actions():
        response = client.get("/coordination/mes-actions/", {"status": "all"})
        assert response.status_code == 200, response.status_code

    anonymous = type(client)()

    def ical_feed():
        response = anonymous.get(f"/coordination/agenda/{token}.ics")
        assert response.status_code == 200, response.status_code

    return [
        result("groups.my_actions.p95_ms", p95_ms(my_actions, repeat=100), "ms", 100, "lower"),
        result("groups.ical_feed.p95_ms", p95_ms(ical_feed, repeat=100), "ms", 100, "lower"),
    ]
