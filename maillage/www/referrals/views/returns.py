"""Return plans (Warsaw art. 16) on the pathways page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, selectors

from .. import forms
from .common import found


def create_return_plan(request, organisation, case):
    form = forms.ReturnPlanForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Plan de retour : vérifiez le pays de retour."))
    pathways.create_return_plan(case=case, organisation=organisation, acting_user=request.user, **form.cleaned_data)


def approve_return_plan(request, organisation, case):
    plan = found(selectors.return_plan_of(actor_for_request(request), organisation, case, request.POST.get("plan")))
    pathways.approve_return_plan(plan=plan, organisation=organisation, acting_user=request.user)
