"""Shared by the referral pages: the acting case worker, the case read through the case file's selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404

from maillage.cases import selectors as case_selectors
from maillage.organisations.actor import actor_for_request
from maillage.referrals import policies, roles
from maillage.www.common import acting_organisation


def require_worker(request):
    organisation = acting_organisation(request)
    if roles.acting_membership(actor_for_request(request), organisation) is None:
        raise Http404
    return organisation


def message_error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def case_or_404(request, organisation, case_pk):
    case = case_selectors.case_for(actor_for_request(request), organisation, case_pk)
    if case is None:
        raise Http404
    return case


def owned_case_or_404(request, organisation, case_pk):
    case = case_or_404(request, organisation, case_pk)
    if not policies.can_act_on_case(actor_for_request(request), organisation, case):
        raise Http404
    return case


def found(obj):
    if obj is None:
        raise Http404
    return obj
