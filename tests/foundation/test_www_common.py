"""The web toolkit (maillage/www/common.py): one way to run a service from a
form, show its French errors and answer a refusal with « not found »."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from maillage.www import common
from tests.factories import MembershipFactory


class _Form(forms.Form):
    title = forms.CharField()


def _request(method="get", data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_field_errors_land_on_their_field_and_unknown_fields_on_the_form():
    form = _Form({"title": "x"})
    assert form.is_valid()
    common.attach_errors(form, ValidationError({"title": "Trop court.", "ghost": "Refusé."}))
    assert form.errors["title"] == ["Trop court."]
    assert form.non_field_errors() == ["Refusé."]


def test_a_plain_error_lands_at_the_top_of_the_form():
    form = _Form({"title": "x"})
    form.is_valid()
    common.attach_errors(form, ValidationError("Ce dossier est clos."))
    assert form.non_field_errors() == ["Ce dossier est clos."]


def test_run_service_tells_a_refusal_from_a_service_returning_none():
    form = _Form({"title": "x"})
    form.is_valid()
    assert common.run_service(form, lambda: None) == (True, None)

    def refuse():
        raise ValidationError("Non.")

    assert common.run_service(form, refuse) == (False, None)
    assert form.non_field_errors() == ["Non."]


def test_a_policy_refusal_is_a_404():
    @common.deny_as_404
    def view(request):
        raise PermissionDenied

    with pytest.raises(Http404):
        view(_request())


def test_form_view_runs_the_service_and_redirects_with_a_message():
    request = _request("post", {"title": "Réunion"})
    seen = {}

    def call(data):
        seen.update(data)
        return 7

    response = common.form_view(
        request,
        _Form(request.POST),
        call=call,
        success=lambda pk: HttpResponse(f"ok {pk}"),
        message=lambda pk: f"Créé {pk}.",
        template="unused.html",
    )
    assert response.content == b"ok 7"
    assert seen == {"title": "Réunion"}
    assert [str(m) for m in get_messages(request)] == ["Créé 7."]


def test_form_view_answers_404_when_the_service_refuses_the_actor():
    request = _request("post", {"title": "Réunion"})

    def call(data):
        raise PermissionDenied

    with pytest.raises(Http404):
        common.form_view(request, _Form(request.POST), call=call, success="home", template="unused.html")


def test_acting_organisation_reads_a_lazy_membership_by_truth():
    request = _request()
    assert common.acting_organisation(request) is None

    class Empty:
        def __bool__(self):
            return False

    request.membership = Empty()
    assert common.acting_organisation(request) is None


def test_run_action_shows_the_success_or_the_french_refusal_as_a_message():
    from django.contrib import messages

    request = _request("post")
    assert common.run_action(request, lambda: 3, success=lambda n: f"{n} invitations envoyées.") == (True, 3)

    def refuse():
        raise ValidationError("La réunion est annulée.")

    assert common.run_action(request, refuse, success="jamais", refusal_level=messages.WARNING) == (False, None)
    shown = [(m.level, str(m)) for m in get_messages(request)]
    assert shown == [(messages.SUCCESS, "3 invitations envoyées."), (messages.WARNING, "La réunion est annulée.")]


def test_run_action_leaves_a_policy_refusal_to_the_view():
    def deny():
        raise PermissionDenied

    with pytest.raises(PermissionDenied):
        common.run_action(_request("post"), deny, success="jamais")


@pytest.mark.django_db
def test_membership_required_answers_404_without_an_active_membership(member, organisation):
    @common.membership_required
    def view(request):
        return HttpResponse("ok")

    request = _request()
    request.user = member().user
    assert view(request).content == b"ok"
    outsider = _request()
    outsider.user = MembershipFactory(is_active=False, removed_at=timezone.now()).user
    with pytest.raises(Http404):
        view(outsider)


def test_run_action_can_explain_a_policy_refusal_on_a_page_the_person_sees():
    from django.contrib import messages

    def deny():
        raise PermissionDenied

    request = _request("post")
    ok = common.run_action(request, deny, denied="Seule l'organisation qui l'a proposé peut le retirer.")
    assert ok == (False, None)
    assert [(m.level, str(m)) for m in get_messages(request)] == [
        (messages.ERROR, "Seule l'organisation qui l'a proposé peut le retirer.")
    ]
