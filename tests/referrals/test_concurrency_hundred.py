"""100 case workers accept one referral at once (issue 16, concurrency):
exactly one decision, 99 clear refusals, one journal row, the chain intact."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from maillage.core import journal
from maillage.core.models import AuditEvent
from maillage.referrals import services
from maillage.referrals.enums import AuditAction, ReferralStatus
from maillage.referrals.models import Referral

ACCEPTS = 100
# The shared PostgreSQL server allows 100 connections: at most this many
# accepts hold one at the same moment (the others wait their turn, then race).
CONNECTIONS = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_hundred_parallel_accepts_make_one_decision(refer, recipient, recipient_org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    from maillage.organisations.enums import Role
    from tests.factories import MembershipFactory

    referral = refer()
    workers = [recipient] + [
        MembershipFactory(organisation=recipient_org, role=Role.CASE_WORKER).user for _ in range(ACCEPTS - 1)
    ]
    journal_before = AuditEvent.objects.filter(action=AuditAction.REFERRAL_ACCEPTED).count()
    barrier = threading.Barrier(ACCEPTS)
    slots = threading.BoundedSemaphore(CONNECTIONS)
    wins, refusals, errors = [], [], []

    def accept(user):
        from django.db import connections

        barrier.wait()
        with slots:
            try:
                services.accept_referral(
                    referral=Referral.objects.get(pk=referral.pk), organisation=recipient_org, acting_user=user
                )
                wins.append(user.pk)
            except ValidationError as exc:
                refusals.append(" ".join(exc.messages))
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=accept, args=(u,)) for u in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(f"{ACCEPTS} accepts, {CONNECTIONS} connections at most: {elapsed:.2f} s")  # figure for docs/security.md
    assert not errors, errors[:3]
    assert len(wins) == 1
    assert len(refusals) == ACCEPTS - 1 and all("déjà été acceptée" in m for m in refusals), set(refusals)
    row = Referral.objects.get(pk=referral.pk)
    assert row.status == ReferralStatus.ACCEPTED and row.decided_by_id == wins[0]
    assert row.events.filter(to_status=ReferralStatus.ACCEPTED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_ACCEPTED).count() == journal_before + 1
    assert journal.verify(AuditEvent).ok
