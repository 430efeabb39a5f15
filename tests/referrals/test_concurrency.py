import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from maillage.referrals import services
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.models import Referral


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_accepts_exactly_one_wins(refer, recipient, recipient_org):
    """Six case workers accept at once: the conditional UPDATE lets exactly
    one through; the others get the French « déjà été acceptée » message."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    from maillage.organisations.enums import Role
    from tests.factories import MembershipFactory

    referral = refer()
    workers = [recipient] + [
        MembershipFactory(organisation=recipient_org, role=Role.CASE_WORKER).user for _ in range(5)
    ]
    barrier = threading.Barrier(len(workers))
    wins, refusals, errors = [], [], []

    def accept(user):
        from django.db import connections

        try:
            barrier.wait()
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

    threads = [threading.Thread(target=accept, args=(u,)) for u in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(wins) == 1
    assert len(refusals) == 5 and all("déjà été acceptée" in m for m in refusals)
    row = Referral.objects.get(pk=referral.pk)
    assert row.status == ReferralStatus.ACCEPTED and row.decided_by_id == wins[0]
    assert row.events.filter(to_status=ReferralStatus.ACCEPTED).count() == 1
