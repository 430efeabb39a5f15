"""Lookups shared by the plan pages: a plan the coordination manages, a
round the reader sees, a measure of the version under consultation."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404

from maillage.plans import policies, selectors

from ...common import actor_for_request

# Plan pages answer a refusal as a warning (an expected event, not an error).
REFUSAL = messages.WARNING


def managed_plan(request, pk):
    actor = actor_for_request(request)
    if not policies.can_manage_plans(actor):
        raise Http404
    return get_object_or_404(policies.managed_plans_visible_to(actor), pk=pk)


def visible_round(request, round_id):
    rounds = policies.rounds_visible_to(actor_for_request(request)).select_related("plan", "version")
    return get_object_or_404(rounds, pk=round_id)


def managed_round(request, round_id):
    """A round, for the coordination only (404 for anyone else)."""
    if not policies.can_manage_plans(actor_for_request(request)):
        raise Http404
    return visible_round(request, round_id)


def round_and_measure(request, round_id, measure_id):
    round_ = visible_round(request, round_id)
    measure = selectors.round_measure(round_, measure_id)
    if measure is None:
        raise Http404
    return round_, measure


def page_of(request, items, per_page, list_name=None):
    """One page of `items`. A page holding several paginated lists names the
    list the `page` parameter applies to (`?liste=…&page=N`, the query given to
    includes/pagination.html); the other lists show their first page."""
    number = request.GET.get("page") if list_name is None or request.GET.get("liste") == list_name else 1
    return Paginator(items, per_page).get_page(number)


def form_errors_text(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)
