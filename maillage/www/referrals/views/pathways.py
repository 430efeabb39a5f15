"""The pathways page of a case: minors' chain, return plans, exchanges (one form per action)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.cases import access as case_access
from maillage.organisations.actor import actor_for_request
from maillage.referrals import policies, selectors
from maillage.www.common import deny_as_404

from .. import exchange_forms, forms
from ..forms_minors import ResidenceForm
from .common import message_error, require_worker
from .exchanges import answer_exchange, answer_incoming, record_exchange, record_incoming
from .minors import (
    chain_case_or_404,
    chain_context,
    chain_page,
    renew_reception,
    set_residence,
    start_chain,
)
from .returns import approve_return_plan, create_return_plan

# The pathways page posts an `action`; each runs one service (French errors as a message).
PATHWAY_ACTIONS = {
    "demarrer": start_chain,
    "prolonger": renew_reception,
    "residence": set_residence,
    "retour": create_return_plan,
    "valider-retour": approve_return_plan,
    "echange": record_exchange,
    "reponse-echange": answer_exchange,
    "demande-etranger": record_incoming,
    "reponse-etranger": answer_incoming,
}


@require_http_methods(["GET", "POST"])
@deny_as_404
def minors(request, case_pk):
    """The pathways page of a case: minors' chain, return plans, exchanges."""
    organisation = require_worker(request)
    actor = actor_for_request(request)
    case = chain_case_or_404(request, organisation, case_pk)
    if not policies.can_act_on_case(actor, organisation, case):
        # The CRIP or the parquet the chain reached (issue 10.2): the chain only.
        return chain_page(request, organisation, case)
    if request.method == "POST":
        handler = PATHWAY_ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            raise Http404
        try:
            handler(request, organisation, case)
        except ValidationError as exc:
            message_error(request, exc)
        else:
            messages.success(request, _("Enregistré."))
        return redirect("referrals:minors", case_pk=case.pk)
    return render(
        request,
        "referrals/minors.html",
        {
            **chain_context(request, organisation, case),
            "page_title": _("Parcours de protection du dossier %(ref)s") % {"ref": case.reference},
            "start_form": forms.StartChainForm(),
            "residence_form": ResidenceForm(initial={"residence_departement": case.residence_departement}),
            "return_form": forms.ReturnPlanForm(),
            "exchange_form": forms.ExchangeForm(visible_parts=case_access.parts_for(actor, case)),
            "plans": selectors.return_plans_for(actor, organisation, case),
            "exchanges": selectors.exchanges_for(actor, organisation, case),
            "answer_form": forms.ExchangeAnswerForm(),
            "incoming_form": exchange_forms.IncomingExchangeForm(),
            "incoming_answer_form": exchange_forms.IncomingAnswerForm(
                visible_parts=case_access.parts_for(actor, case)
            ),
        },
    )
