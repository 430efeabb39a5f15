"""The case list and the inbox build their rows' links without a `{% url %}`
per row (issue 17, maillage/www/row_urls.py): every link still resolves to
the row's own case or referral."""

import re

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from maillage.referrals import services
from maillage.www.row_urls import RowUrl, row_url

pytestmark = pytest.mark.django_db


def _links(page, url_name):
    """{pk: href} of the page's links that resolve to `url_name`."""
    found = {}
    for href in re.findall(r'href="([^"#?]+)"', page):
        try:
            match = resolve(href)
        except Resolver404:  # a link to a static file or another site
            continue
        if match.view_name == url_name:
            found[match.kwargs["pk"]] = href
    return found


def test_case_list_links_resolve_to_each_case(client, login, sender, make_case, refer, recipient, recipient_org):
    cases = [make_case() for _ in range(3)]
    login(client, sender)
    links = _links(client.get(reverse("cases:list")).content.decode(), "cases:detail")
    assert set(links) >= {case.pk for case in cases}
    for pk, href in links.items():
        assert href == reverse("cases:detail", args=[pk])
    # The shared-cases table of the recipient uses the same prefix.
    referral = refer()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    login(client, recipient)
    links = _links(client.get(reverse("cases:list")).content.decode(), "cases:detail")
    assert links == {referral.case_id: reverse("cases:detail", args=[referral.case_id])}


def test_inbox_links_resolve_to_each_referral(client, login, refer, recipient, make_case):
    referrals = [refer(case=make_case()) for _ in range(3)]
    login(client, recipient)
    links = _links(client.get(reverse("referrals:inbox")).content.decode(), "referrals:detail")
    assert set(links) == {r.pk for r in referrals}
    for pk, href in links.items():
        assert href == reverse("referrals:detail", args=[pk])
        assert client.get(href).status_code == 200


@pytest.mark.parametrize(
    ("viewname", "values"),
    [("cases:detail", [1, 42, 10**12]), ("referrals:detail", [7]), ("directory_profile", ["a", "ong-paris_2"])],
)
def test_a_row_url_is_what_reverse_gives(viewname, values):
    url = row_url(viewname)
    for value in values:
        assert url(value) == reverse(viewname, args=[value])


def test_values_the_converter_refuses_go_through_reverse():
    with pytest.raises(NoReverseMatch):
        row_url("cases:detail")(-1)
    with pytest.raises(NoReverseMatch):
        row_url("directory_profile")("a/b")
    assert row_url("cases:detail")("12") == reverse("cases:detail", args=["12"])  # a str: reverse decides
    with pytest.raises(ValueError, match="one int or slug argument"):
        RowUrl("cases:list")
