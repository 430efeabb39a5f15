"""Default deny: every page needs a signed-in user unless explicitly marked.

The URL resolver is walked, so a view added later is covered without editing
this file: either it answers anonymous visitors with a redirect to the login
page, or it is on the explicit list of anonymous pages below.
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages a visitor may open without an account (names of URL patterns).
ANONYMOUS_PAGES = {
    "healthz",
    "robots_txt",
    "accessibility",
    "legal_notice",
    "privacy",
    "account_login",
    "account_reset_password",
}
# Public pages of other domains (issue 3: the public part of the annuaire).
DOMAIN_PUBLIC_PAGES = {"directory_list", "directory_networks"}
ANONYMOUS_PAGES |= DOMAIN_PUBLIC_PAGES
# Anonymous actions (POST only, they redirect): the language switcher of the
# header, shown on the login page.
ANONYMOUS_ACTIONS = {"set_language"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _patterns_without_arguments():
    found = {}
    for _route, pattern in _walk(get_resolver().url_patterns):
        if not pattern.name or pattern.pattern.regex.groups:
            continue
        try:
            path = reverse(pattern.name)
        except NoReverseMatch:  # the same name needs arguments elsewhere
            continue
        found.setdefault(pattern.name, (path, pattern.callback))
    return found


def _is_marked_anonymous(callback) -> bool:
    return getattr(callback, "login_required", True) is False


PATTERNS = _patterns_without_arguments()
PROTECTED = sorted(name for name, (_, callback) in PATTERNS.items() if not _is_marked_anonymous(callback))
# The REST API (issue 14): open data without sign-in; the other endpoints
# are guarded by the API token (DRF), not by the session (tests/api).
API_OPEN = {"api_schema", "api_docs", "api_structures", "api_services", "api_profiles", "api_plan", "api_statistics"}
API_TOKEN = {"api_inbox", "api_outbox", "api_cases", "api_queue"}
ANONYMOUS = ANONYMOUS_PAGES | ANONYMOUS_ACTIONS | API_OPEN | API_TOKEN


def test_the_walk_finds_the_project_pages():
    for name in ("home", "notifications", "account_profile", "organisation_switch", "healthz", "account_login"):
        assert name in PATTERNS


@pytest.mark.parametrize("name", PROTECTED)
def test_unmarked_page_redirects_anonymous_visitors_to_login(client, name):
    path, _ = PATTERNS[name]
    response = client.get(path)
    assert response.status_code == 302, f"{name} ({path}) answered {response.status_code}"
    assert response["Location"].startswith(reverse("account_login")), f"{name} ({path}) → {response['Location']}"


@pytest.mark.parametrize("name", sorted(ANONYMOUS_PAGES))
def test_anonymous_pages_answer(client, name):
    if name in DOMAIN_PUBLIC_PAGES and name not in PATTERNS:
        pytest.skip(f"{name} is not wired yet")
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_pages_are_marked_in_code():
    for name in ANONYMOUS - (DOMAIN_PUBLIC_PAGES - PATTERNS.keys()):
        assert _is_marked_anonymous(PATTERNS[name][1]), name


def test_project_views_marked_anonymous_are_all_listed():
    # Maillage's own views (not allauth's entrance pages) that skip the login
    # check must be deliberate: they are listed above and tested.
    project_marked = {
        name
        for name, (_, callback) in PATTERNS.items()
        if _is_marked_anonymous(callback) and callback.__module__.startswith("maillage.")
    }
    assert project_marked <= ANONYMOUS


@pytest.mark.parametrize("name", sorted(API_TOKEN))
def test_token_endpoints_refuse_anonymous_callers(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


def test_invitation_accept_is_anonymous(client, org_admin, organisation):
    from maillage.organisations.services import invite_member

    issued = invite_member(
        organisation=organisation, email="nouvelle@exemple.fr", role="member", acting_user=org_admin
    )
    response = client.get(issued.path)
    assert response.status_code == 200
    assert "Activer votre compte" in response.content.decode()


def test_unknown_page_is_a_french_404_for_anonymous(client):
    response = client.get("/ce-chemin-n-existe-pas/")
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        assert "Page introuvable" in response.content.decode()
