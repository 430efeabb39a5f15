"""Reading a case walks the policies once (issue 15): the person's memberships
are read once per request (the actor), the grants at most once, whoever reads —
the owner, a partner holding an accepted referral, or the Ac.Sé host.

Whole-page counts (owner 18, partner 7, host 10 queries on 6 Dec 2026, against
25, 15 and 20 before the actor and the grants) are in the report of issue 15;
here only the repeated reads are held, so that other features of the page may
add their own queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.referrals import services
from maillage.referrals.enums import AcseStatus as A

pytestmark = pytest.mark.django_db


def _tables_read(client, url) -> list[str]:
    client.get(url)  # first visit: session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _count(queries, table):
    """Queries reading `table` itself (not as a subquery of another one)."""
    return sum(1 for sql in queries if sql.lstrip().startswith(f'SELECT "{table}".'))


def _reads(queries, table):
    """Statements that read `table`, alone or joined (the request's user and
    memberships come in one statement: organisations/middleware.py, issue 17)."""
    return sum(1 for sql in queries if f'FROM "{table}"' in sql or f'JOIN "{table}"' in sql)


@pytest.mark.parametrize("reader", ["owner", "partner", "host"])
def test_the_case_page_reads_memberships_once_and_grants_at_most_once(
    reader, client, login, case, sender, refer, recipient, recipient_org, placement, host
):
    if reader == "partner":
        services.accept_referral(referral=refer(), organisation=recipient_org, acting_user=recipient)
        user = recipient
    elif reader == "host":
        placement(A.HOSTED, host=host)
        user = host[1]
    else:
        user = sender
    login(client, user)
    queries = _tables_read(client, reverse("cases:detail", args=[case.pk]))
    assert _reads(queries, "organisations_membership") == 1
    assert _count(queries, "cases_caseaccessgrant") == (0 if reader == "owner" else 1)
    assert _count(queries, "cases_case") == 1
