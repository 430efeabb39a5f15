"""Ac.Sé pages (R-ACSE): the request, the list, the placement page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.cases import access as case_access
from maillage.cases import selectors as case_selectors
from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, roles, selectors
from maillage.www.common import denied_as_404, deny_as_404, run_service

from .. import forms
from .common import found, message_error, owned_case_or_404, require_worker


@require_http_methods(["GET", "POST"])
def acse_request(request, case_pk):
    organisation = require_worker(request)
    case = owned_case_or_404(request, organisation, case_pk)
    visible = case_access.parts_for(actor_for_request(request), case)
    form = forms.AcseRequestForm(request.POST or None, visible_parts=visible)
    refusal = pathways.ACSE_MINOR_REFUSAL if case.treated_as_minor else ""
    if request.method == "POST" and form.is_valid():
        with denied_as_404():
            ok, placement = run_service(
                form,
                lambda: pathways.request_acse(
                    case=case,
                    organisation=organisation,
                    acting_user=request.user,
                    consent_on=form.cleaned_data["consent_on"],
                    consent_method=form.cleaned_data["consent_method"],
                    danger_departements=form.departements(),
                    situation=form.cleaned_data["situation"],
                    danger_reason=form.cleaned_data["danger_reason"],
                    urgency=form.cleaned_data["urgency"],
                    urgency_note=form.cleaned_data["urgency_note"],
                    shared_parts=form.cleaned_data["shared_parts"],
                ),
            )
        if ok:
            messages.success(request, _("Demande transmise à la coordination Ac.Sé."))
            return redirect("referrals:acse_detail", pk=placement.pk)
    return render(
        request,
        "referrals/acse_request.html",
        {"page_title": _("Demande Ac.Sé"), "case": case, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


def acse_list(request):
    organisation = require_worker(request)
    placements = selectors.placements_for(actor_for_request(request), organisation)
    return render(request, "referrals/acse_list.html", {"page_title": _("Ac.Sé"), "placements": placements})


@require_http_methods(["GET", "POST"])
@deny_as_404
def acse_detail(request, pk):
    organisation = require_worker(request)
    actor = actor_for_request(request)
    placement = found(selectors.placement_for(actor, organisation, pk))
    form = forms.AcseStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host = selectors.chosen_organisation(data["host"], active_only=False)
        try:
            if data["target"] == forms.CHANGE_HOST:
                pathways.change_acse_host(
                    placement=placement, organisation=organisation, acting_user=request.user, host=host
                )
            else:
                pathways.advance_acse(
                    placement=placement,
                    organisation=organisation,
                    acting_user=request.user,
                    target=data["target"],
                    host=host,
                    assessment=data["assessment"],
                    reason=data["reason"],
                    ground=data["ground"],
                )
        except ValidationError as exc:
            message_error(request, exc)
        else:
            messages.success(request, _("Étape enregistrée."))
        return redirect("referrals:acse_detail", pk=placement.pk)
    role = roles.acse_role(actor, organisation, placement)
    # The host opens the case (shared parts only) through the ordinary case page while its access lasts.
    is_host = role == "host"
    can_open_case = is_host and case_selectors.case_for(actor, organisation, placement.case_id) is not None
    return render(
        request,
        "referrals/acse_detail.html",
        {
            "page_title": _("Demande Ac.Sé"),
            "placement": placement,
            "form": form,
            "host_label": selectors.acse_host_label(actor, organisation, placement),
            "can_see_assessment": role == "coordination",
            # The requester's words go to the coordination only; the host reads the shared parts of the case.
            "can_read_request": role in ("coordination", "referrer"),
            "can_act": role is not None,
            "shared_part_labels": placement.shared_part_labels(),
            "closing_reason": placement.closing_reason_for(role),
            "is_host": is_host,
            "can_open_case": can_open_case,
        },
    )
