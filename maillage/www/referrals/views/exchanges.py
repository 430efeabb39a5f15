"""Cross-border exchanges (Warsaw arts. 32–34) on the pathways page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.cases import access as case_access
from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, selectors

from .. import exchange_forms, forms
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


def record_incoming(request, organisation, case):
    """Warsaw arts 33, 34.4: a request or an alert received from abroad."""
    form = exchange_forms.IncomingExchangeForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    pathways.record_incoming_exchange(
        case=case,
        organisation=organisation,
        acting_user=request.user,
        counterpart=data.get("counterpart"),
        purpose=request.POST.get("purpose", ""),
        channel=request.POST.get("channel", ""),
        summary=request.POST.get("summary", ""),
        liaison=data.get("liaison"),
    )


def answer_incoming(request, organisation, case):
    """France's answer: a legal basis, the parts sent and their conditions of use (art. 34.3)."""
    actor = actor_for_request(request)
    exchange = found(selectors.exchange_of(actor, organisation, case, request.POST.get("exchange")))
    form = exchange_forms.IncomingAnswerForm(request.POST, visible_parts=case_access.parts_for(actor, case))
    form.is_valid()
    pathways.answer_incoming_exchange(
        exchange=exchange,
        organisation=organisation,
        acting_user=request.user,
        legal_basis=request.POST.get("legal_basis", ""),
        shared_parts=request.POST.getlist("shared_parts"),
        use_conditions=request.POST.getlist("use_conditions"),
        summary=request.POST.get("summary", ""),
    )
