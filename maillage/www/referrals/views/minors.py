"""The minors' chain (rules.md §3.5; issue 10.2): the actions of the pathways
page, the chain as its other actors read it, and the page recording one step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.cases import access as case_access
from maillage.cases import services as case_services
from maillage.cases.enums import RESIDENCE_UNKNOWN
from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, policies, selectors
from maillage.referrals.enums import MinorStepKind
from maillage.territories import reference
from maillage.www.common import deny_as_404, form_view, run_action

from .. import forms
from ..forms_minors import ResidenceForm, StepRecordForm, WaiveStepForm, candidate_label
from .common import found, require_worker


def start_chain(request, organisation, case):
    form = forms.StartChainForm(request.POST)
    form.is_valid()
    pathways.start_minor_chain(
        case=case,
        acting_user=request.user,
        organisation=organisation,
        unaccompanied=form.cleaned_data.get("unaccompanied", False),
    )


def set_residence(request, organisation, case):
    """The holder records the child's département of residence (issue 10.3),
    a fact of the case: written by the case file's own service."""
    form = ResidenceForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors["residence_departement"])
    case_services.update_case(
        case=case,
        acting_user=request.user,
        facts={"residence_departement": form.cleaned_data["residence_departement"]},
    )


def residence_label(case) -> str:
    """The child's residence in words (never a code), or "" when nobody said."""
    code = case.residence_departement
    if not code:
        return ""
    if code == RESIDENCE_UNKNOWN:
        return _("inconnue")
    try:
        return reference.departement(code).label
    except (KeyError, ValueError):
        return ""


def renew_reception(request, organisation, case):
    pathways.renew_emergency_reception(case=case, organisation=organisation, acting_user=request.user)


def chain_case_or_404(request, organisation, case_pk):
    return found(selectors.minor_chain_case(actor_for_request(request), organisation, case_pk))


def chain_context(request, organisation, case) -> dict:
    """What the chain section shows to any actor that may read it."""
    actor = actor_for_request(request)
    steps = list(selectors.minor_steps_for(actor, organisation, case))
    for step in steps:
        step.mine = step.owner_organisation_id == organisation.pk
        step.waiting_for_body = (
            step.definition.owner != "reporter" and step.owner_organisation_id == case.organisation_id
        )
    access = case_access.access_for(actor, case)
    return {
        "case": case,
        "residence": residence_label(case),
        # The CRIP or the parquet a transmission reached reads the child's
        # identity and the facts on the case page (cases.enums.ACCESS_LEGAL_BASES).
        "shared_grants": [] if access.is_owner else list(access.grants),
        "steps": steps,
        "my_open_steps": [s for s in steps if s.mine and s.is_open],
        "is_holder": policies.can_act_on_case(actor, organisation, case),
        "has_emergency_reception": any(s.kind == MinorStepKind.EMERGENCY_RECEPTION for s in steps),
        "can_renew_reception": any(
            s.kind == MinorStepKind.EMERGENCY_RECEPTION and s.mine and s.is_open for s in steps
        ),
    }


def chain_page(request, organisation, case):
    """The chain as the CRIP or the parquet reads it: its own steps to record, the others' for information."""
    if request.method == "POST":
        if request.POST.get("action") != "prolonger":
            raise Http404
        run_action(
            request,
            lambda: pathways.renew_emergency_reception(case=case, organisation=organisation, acting_user=request.user),
            success=_("Enregistré."),
        )
        return redirect("referrals:minors", case_pk=case.pk)
    context = chain_context(request, organisation, case)
    context["page_title"] = _("Parcours de protection du dossier %(ref)s") % {"ref": case.reference}
    return render(request, "referrals/minors.html", context)


@require_http_methods(["GET", "POST"])
@deny_as_404
def record_step(request, case_pk, step_pk):
    """Record one step (who, when, to whom, how, reference, what came of it), or lift it with a reason."""
    organisation = require_worker(request)
    actor = actor_for_request(request)
    case = chain_case_or_404(request, organisation, case_pk)
    step = found(selectors.minor_step_of(actor, organisation, case, step_pk))
    back = reverse("referrals:minors", args=[case.pk])
    if request.method == "POST" and request.POST.get("action") == "lever":
        waive = WaiveStepForm(request.POST)
        reason = waive.data.get("reason", "")
        ok, _result = run_action(
            request,
            lambda: pathways.waive_step(step=step, organisation=organisation, acting_user=request.user, reason=reason),
            success=_("Étape levée, motif enregistré."),
        )
        return redirect(back if ok else request.path)
    to = step.definition.transmission_to
    candidates = selectors.minor_recipient_candidates(case, to) if to else []
    form = StepRecordForm(request.POST or None, step=step, candidates=candidates)
    return form_view(
        request,
        form,
        call=lambda data: pathways.complete_step(
            step=step,
            organisation=organisation,
            acting_user=request.user,
            **{k: v for k, v in data.items() if v not in (None, "")},
        ),
        success=lambda _step: redirect(back),
        message=_("Étape enregistrée."),
        template="referrals/minors_step.html",
        context={
            "page_title": _("%(step)s — dossier %(ref)s") % {"step": step.get_kind_display(), "ref": case.reference},
            "case": case,
            "residence": residence_label(case),
            "step": step,
            "mine": step.owner_organisation_id == organisation.pk,
            "candidates": [(candidate_label(o), o) for o in candidates],
            "waive_form": WaiveStepForm() if step.is_waivable else None,
            "back": back,
        },
    )
