"""Ac.Sé pages (R-ACSE): the request, the list, the placement page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.cases import access as case_access
from maillage.cases import selectors as case_selectors
from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, roles, selectors, workflow
from maillage.referrals.enums import AcseStatus
from maillage.www.common import denied_as_404, deny_as_404, run_service

from .. import forms
from .common import found, owned_case_or_404, require_worker


@require_http_methods(["GET", "POST"])
def acse_request(request, case_pk):
    organisation = require_worker(request)
    case = owned_case_or_404(request, organisation, case_pk)
    visible = case_access.parts_for(actor_for_request(request), case)
    form = forms.AcseRequestForm(request.POST or None, visible_parts=visible)
    refusal = pathways.ACSE_MINOR_REFUSAL if case.treated_as_minor else ""
    # The requester follows its requests from here (the case's pathways page links to it).
    placements = selectors.case_placements(actor_for_request(request), organisation, case)
    open_placement = next((p for p in placements if p.status not in workflow.ACSE_CLOSED_STATUSES), None)
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
        {
            "page_title": _("Demande Ac.Sé"),
            "case": case,
            "form": form,
            "refusal": refusal,
            "placements": placements,
            "open_placement": open_placement,
        },
        status=400 if request.method == "POST" else 200,
    )


def acse_list(request):
    organisation = require_worker(request)
    actor = actor_for_request(request)
    placements = selectors.placements_for(actor, organisation)
    return render(
        request,
        "referrals/acse_list.html",
        {
            "page_title": _("Ac.Sé"),
            "placements": placements,
            # What waits for this organisation (the same counts as its work queues).
            "to_place": selectors.acse_to_place(actor, organisation).count(),
            "arrivals": selectors.acse_arrivals(actor, organisation).count(),
        },
    )


# Progress as the requester follows it: never the place (R-ACSE).
PROGRESS = [
    (AcseStatus.REQUESTED, _("Demande reçue par la coordination")),
    (AcseStatus.PLACE_FOUND, _("Place trouvée")),
    (AcseStatus.HOSTED, _("Arrivée confirmée")),
    (AcseStatus.EXITED, _("Sortie du dispositif")),
]
_REACHED = {
    AcseStatus.REQUESTED: 0,
    AcseStatus.ASSESSMENT: 0,
    AcseStatus.PLACE_SEARCH: 0,
    AcseStatus.NO_SHOW: 0,
    AcseStatus.PLACE_FOUND: 1,
    AcseStatus.TRANSFER: 1,
    AcseStatus.HOSTED: 2,
    AcseStatus.EXITED: 3,
}


def _progress(placement) -> list[dict]:
    reached = _REACHED.get(placement.status, -1)
    return [{"label": label, "done": i <= reached} for i, (_status, label) in enumerate(PROGRESS)]


@require_http_methods(["GET", "POST"])
@deny_as_404
def acse_detail(request, pk):
    organisation = require_worker(request)
    actor = actor_for_request(request)
    placement = found(selectors.placement_for(actor, organisation, pk))
    role = roles.acse_role(actor, organisation, placement)
    steps = workflow.acse_next_steps(placement.status, role)
    can_place = role == "coordination" and (
        placement.status in workflow.ACSE_PLACEABLE_STATUSES or placement.status in workflow.ACSE_HOST_ACCESS_STATUSES
    )
    changing = placement.status in workflow.ACSE_HOST_ACCESS_STATUSES
    centres, left_out = selectors.acse_centres_for(placement) if can_place else ([], 0)
    posted = request.POST if request.method == "POST" else None
    action = (posted or {}).get("action") or "step"
    place_form = forms.AcsePlaceForm(posted if action == "place" else None, centres=centres, changing=changing)
    step_form = forms.AcseStepForm(posted if action == "step" else None, steps=steps, role=role)
    if posted is not None:
        form = place_form if action == "place" else step_form
        if action == "place" and not can_place:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            if action == "place":
                host = selectors.chosen_organisation(data["host"], active_only=False)
                call = (
                    (
                        lambda: pathways.change_acse_host(
                            placement=placement, organisation=organisation, acting_user=request.user, host=host
                        )
                    )
                    if changing
                    else (
                        lambda: pathways.place_acse(
                            placement=placement,
                            organisation=organisation,
                            acting_user=request.user,
                            host=host,
                            assessment=data["assessment"],
                        )
                    )
                )
            else:
                call = lambda: pathways.advance_acse(  # noqa: E731
                    placement=placement,
                    organisation=organisation,
                    acting_user=request.user,
                    target=data["target"],
                    reason=data["reason"],
                    ground=data["ground"],
                )
            ok, _result = run_service(form, call)
            if ok:
                messages.success(request, _("Étape enregistrée."))
                return redirect("referrals:acse_detail", pk=placement.pk)
    is_host = role == "host"
    # The host opens the case (shared parts only) through the ordinary case page while its access lasts.
    can_open_case = is_host and case_selectors.case_for(actor, organisation, placement.case_id) is not None
    return render(
        request,
        "referrals/acse_detail.html",
        {
            "page_title": _("Demande Ac.Sé"),
            "placement": placement,
            "place_form": place_form if can_place else None,
            "centres_left_out": left_out,
            "changing": changing,
            "step_form": step_form if steps else None,
            "progress": _progress(placement),
            "host_label": selectors.acse_host_label(actor, organisation, placement),
            "can_see_assessment": role == "coordination",
            # The requester's words go to the coordination only; the host reads the shared parts of the case.
            "can_read_request": role in ("coordination", "referrer"),
            "shared_part_labels": placement.shared_part_labels(),
            "closing_reason": placement.closing_reason_for(role),
            "is_host": is_host,
            "can_open_case": can_open_case,
        },
        status=400 if request.method == "POST" else 200,
    )
