"""What the coordination pages share: the form page and the lookups of a
group or a meeting the reader sees (404) and manages (403 otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from maillage.coordination import policies

from ...common import actor_for_request, form_view

FORM_TEMPLATE = "coordination/form.html"


def coordination_form(
    request,
    form,
    *,
    call: Callable[[dict], Any],
    success: Callable[[Any], Any],
    message: str | Callable[[Any], str] | None = None,
    title: str,
    back: str,
    submit: str,
    intro: str = "",
    multipart: bool = False,
    warning: str = "",
):
    """The one form page of coordination (templates/coordination/form.html)."""
    return form_view(
        request,
        form,
        call=call,
        success=success,
        message=message,
        template=FORM_TEMPLATE,
        context={
            "page_title": title,
            "back": back,
            "submit": submit,
            "intro": intro,
            "multipart": multipart,
            "warning": warning,
        },
    )


def to(name: str, **kwargs) -> Callable[[Any], Any]:
    """A success: redirect to a named page, whatever the service returned."""
    return lambda _result: redirect(name, **kwargs)


def visible_group(request, pk):
    return get_object_or_404(policies.groups_visible_to(actor_for_request(request)), pk=pk)


def managed_group(request, pk):
    group = visible_group(request, pk)
    if not policies.can_manage_group(actor_for_request(request), group):
        raise PermissionDenied
    return group


def visible_meeting(request, pk):
    meetings = policies.meetings_visible_to(actor_for_request(request)).select_related("group", "organiser")
    return get_object_or_404(meetings, pk=pk)


def managed_meeting(request, pk):
    meeting = visible_meeting(request, pk)
    if not policies.can_manage_meeting(actor_for_request(request), meeting):
        raise PermissionDenied
    return meeting


def filters_query(request) -> str:
    """The filters of a list page, for its pagination links: page 2 of a
    search stays that search."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
