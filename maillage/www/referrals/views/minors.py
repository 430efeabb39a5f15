"""The minors' chain actions of the pathways page (rules.md §3.5)."""

from __future__ import annotations

from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, selectors

from .. import forms
from .common import found


def start_chain(request, organisation, case):
    form = forms.StartChainForm(request.POST)
    form.is_valid()
    pathways.start_minor_chain(
        case=case,
        acting_user=request.user,
        organisation=organisation,
        unaccompanied=form.cleaned_data.get("unaccompanied", False),
    )


def complete_step(request, organisation, case):
    step = found(selectors.minor_step_of(actor_for_request(request), organisation, case, request.POST.get("step")))
    form = forms.StepForm(request.POST)
    form.is_valid()
    pathways.complete_step(step=step, organisation=organisation, acting_user=request.user, **form.cleaned_data)


def waive_step(request, organisation, case):
    step = found(selectors.minor_step_of(actor_for_request(request), organisation, case, request.POST.get("step")))
    pathways.waive_step(
        step=step, organisation=organisation, acting_user=request.user, reason=request.POST.get("reason", "")
    )


def renew_reception(request, organisation, case):
    pathways.renew_emergency_reception(case=case, organisation=organisation, acting_user=request.user)
