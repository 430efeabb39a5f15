"""Advocacy dossiers: list, creation, a dossier's page with its steps,
documents and linked meetings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import policies, selectors, services

from ...common import actor_for_request, form_view, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, to


def _dossier(request, pk):
    dossiers = policies.dossiers_visible_to(actor_for_request(request)).select_related("lead_organisation")
    return get_object_or_404(dossiers, pk=pk)


def _managed_dossier(request, pk):
    dossier = _dossier(request, pk)
    if not policies.can_manage_dossier(actor_for_request(request), dossier):
        raise PermissionDenied
    return dossier


@membership_required
def dossiers(request):
    return render(
        request,
        "coordination/dossiers.html",
        {
            "page_title": _("Dossiers de plaidoyer"),
            "dossiers": policies.dossiers_visible_to(actor_for_request(request)).select_related("lead_organisation"),
        },
    )


@membership_required
@require_http_methods(["GET", "POST"])
def dossier_create(request):
    actor = actor_for_request(request)
    form = f.DossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lead = form.cleaned_data["lead_organisation"]
        if not policies.can_lead_dossier(actor, lead):
            # A refusal the person can act on: name their own organisation.
            form.add_error("lead_organisation", _("Vous ne pouvez porter un dossier qu'au nom de votre organisation."))
    return coordination_form(
        request,
        form,
        call=lambda data: services.create_dossier(acting_user=request.user, **data),
        message=_("Dossier créé."),
        success=lambda dossier: redirect("coordination:dossier", pk=dossier.pk),
        title=_("Nouveau dossier de plaidoyer"),
        back="coordination:dossiers",
        submit=_("Créer"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def dossier_detail(request, pk):
    dossier = _dossier(request, pk)
    actor = actor_for_request(request)
    can_manage = policies.can_manage_dossier(actor, dossier)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("op") == "status":
        status_form = f.DossierStatusForm(request.POST)
        if status_form.is_valid():
            run_action(
                request,
                lambda: services.set_dossier_status(
                    dossier=dossier, status=status_form.cleaned_data["status"], acting_user=request.user
                ),
                success=_("Statut du dossier mis à jour."),
            )
        return redirect("coordination:dossier", pk=dossier.pk)
    step_form = f.StepForm(request.POST or None) if can_manage else None
    context = {
        "page_title": dossier.title,
        "dossier": dossier,
        "steps": dossier.steps.all(),
        "supporters": dossier.supporting_organisations.all(),
        "documents": dossier.documents.all(),
        "can_manage": can_manage,
        "status_form": f.DossierStatusForm(initial={"status": dossier.status}),
        **selectors.dossier_links(actor, dossier, can_manage=can_manage),
    }
    if step_form is None:
        return render(request, "coordination/dossier_detail.html", {**context, "step_form": None})
    return form_view(
        request,
        step_form,
        call=lambda data: services.add_step(dossier=dossier, acting_user=request.user, **data),
        message=_("Étape ajoutée."),
        success=to("coordination:dossier", pk=dossier.pk),
        template="coordination/dossier_detail.html",
        context={**context, "step_form": step_form},
    )


@membership_required
@require_http_methods(["GET", "POST"])
def dossier_document_add(request, pk):
    dossier = _managed_dossier(request, pk)
    form = f.DocumentForm(request.POST or None, request.FILES or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.add_document(
            acting_user=request.user, title=data["title"], upload=data["attachment"], dossier=dossier
        ),
        message=_("Document ajouté."),
        success=to("coordination:dossier", pk=dossier.pk),
        title=_("Ajouter un document au dossier"),
        back="coordination:dossiers",
        submit=_("Ajouter"),
        multipart=True,
        warning=_("Un document ne contient jamais l'identité d'une victime."),
    )


@membership_required
@require_POST
def dossier_link_meeting(request, pk):
    dossier = _managed_dossier(request, pk)
    meetings = policies.meetings_visible_to(actor_for_request(request))
    meeting = get_object_or_404(meetings, pk=request.POST.get("meeting") or 0)
    run_action(
        request,
        lambda: services.link_meeting_to_dossier(dossier=dossier, meeting=meeting, acting_user=request.user),
        success=_("Réunion liée au dossier."),
    )
    return redirect("coordination:dossier", pk=dossier.pk)


@membership_required
@require_http_methods(["GET", "POST"])
def step_update(request, pk):
    actor = actor_for_request(request)
    step = get_object_or_404(policies.dossier_steps_visible_to(actor), pk=pk)
    if not policies.can_manage_dossier(actor, step.dossier):
        raise PermissionDenied
    form = f.StepUpdateForm(request.POST or None, initial={"due_on": step.due_on, "done_on": step.done_on})
    return coordination_form(
        request,
        form,
        call=lambda data: services.update_step(step=step, acting_user=request.user, **data),
        message=_("Étape mise à jour."),
        success=to("coordination:dossier", pk=step.dossier_id),
        title=_("Étape : %(l)s") % {"l": step.label},
        back="coordination:dossiers",
        submit=_("Enregistrer"),
    )
