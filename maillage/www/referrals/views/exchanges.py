"""Cross-border exchanges (Warsaw arts. 32–34) on the pathways page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.cases import access as case_access
from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, selectors

from .. import forms
from .common import found


def record_exchange(request, organisation, case):
    visible = case_access.parts_for(actor_for_request(request), case)
    form = forms.ExchangeForm(request.POST, visible_parts=visible)
    if not form.is_valid():
        raise ValidationError(_("Échange international : vérifiez l'homologue, l'objet et le canal."))
    pathways.record_exchange(case=case, organisation=organisation, acting_user=request.user, **form.cleaned_data)


def answer_exchange(request, organisation, case):
    actor = actor_for_request(request)
    exchange = found(selectors.exchange_of(actor, organisation, case, request.POST.get("exchange")))
    form = forms.ExchangeAnswerForm(request.POST)
    form.is_valid()
    pathways.record_exchange_answer(
        exchange=exchange,
        organisation=organisation,
        acting_user=request.user,
        answered_on=form.cleaned_data.get("answered_on"),
        summary=request.POST.get("summary", ""),
    )
