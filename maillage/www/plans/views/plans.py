"""The public plan page and the coordination's pages on a plan's text: plans,
lifecycle, versions, axes and measures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.plans import policies, selectors, services, workflow
from maillage.plans.diff import compare_snapshots
from maillage.plans.enums import PlanStatus

from ...common import actor_for_request, form_view, run_action
from .. import forms
from .shared import REFUSAL, managed_plan


def _to_detail(plan):
    return lambda _result: redirect("plans:detail", pk=plan.pk)


@login_not_required
def public(request):
    plan = selectors.current_public_plan()
    context = {"page_title": _("Plan national de lutte contre la traite des êtres humains")}
    if request.user.is_authenticated:
        # The consultations this person's organisation is asked to answer (or, for the coordination, every one).
        context["my_rounds"] = list(selectors.rounds_awaiting(actor_for_request(request))[:10])
    if plan is not None:
        context.update(selectors.plan_overview(plan))
    return render(request, "plans/public.html", context)


@require_http_methods(["GET", "POST"])
def manage(request):
    actor = actor_for_request(request)
    if not policies.can_manage_plans(actor):
        raise Http404
    form = forms.PlanForm(request.POST or None)
    return form_view(
        request,
        form,
        call=lambda data: services.create_plan(acting_user=request.user, **data),
        message=_("Plan créé à l'état de projet."),
        success=lambda plan: redirect("plans:detail", pk=plan.pk),
        template="plans/manage.html",
        context={"page_title": _("Plans nationaux"), "plans": policies.managed_plans_visible_to(actor)},
    )


def plan_detail(request, pk):
    plan = managed_plan(request, pk)
    context = {
        "page_title": plan.title,
        "plan": plan,
        "priorities": selectors.plan_structure(plan),
        "versions": plan.versions.order_by("-number"),
        "rounds": plan.rounds.all(),
        "transitions": [(s, PlanStatus(s).label) for s in sorted(workflow.targets_from(plan.status))],
        "freeze_form": forms.FreezeForm(),
        "pending_reports": selectors.pending_reports(actor_for_request(request), plan).count(),
        "is_draft": plan.status == PlanStatus.DRAFT,
    }
    return render(request, "plans/detail.html", context)


@require_POST
def transition(request, pk):
    plan = managed_plan(request, pk)
    run_action(
        request,
        lambda: services.transition_plan(plan=plan, to=request.POST.get("to", ""), acting_user=request.user),
        success=_("Statut du plan mis à jour."),
        refusal_level=REFUSAL,
    )
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def freeze(request, pk):
    plan = managed_plan(request, pk)
    form = forms.FreezeForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Décrivez les modifications de cette version."))
        return redirect("plans:detail", pk=plan.pk)
    run_action(
        request,
        lambda: services.freeze_version(plan=plan, changelog=form.cleaned_data["changelog"], acting_user=request.user),
        success=lambda version: _("Version %(n)s figée.") % {"n": version.number},
        refusal_level=REFUSAL,
    )
    return redirect("plans:detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def priority_create(request, pk):
    plan = managed_plan(request, pk)
    form = forms.PriorityForm(request.POST or None)
    return form_view(
        request,
        form,
        call=lambda data: services.add_priority(plan=plan, acting_user=request.user, **data),
        success=_to_detail(plan),
        template="plans/form.html",
        context={"page_title": _("Ajouter un axe"), "plan": plan},
    )


def _save_measure(request, plan, measure, data):
    data = dict(data)
    co_leads, partners = data.pop("co_leads"), data.pop("partners")
    return services.save_measure(
        plan=plan, measure=measure, co_leads=co_leads, partners=partners, acting_user=request.user, **data
    )


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk, measure_id=None):
    plan = managed_plan(request, pk)
    measure = get_object_or_404(plan.measures, pk=measure_id) if measure_id else None
    initial = {}
    if measure is not None:
        initial = {f: getattr(measure, f) for f in ("priority", "number", "title", "description", "lead", "deadline")}
        initial.update(co_leads=measure.co_leads.all(), partners=measure.partners.all())
    form = forms.MeasureForm(request.POST or None, plan=plan, initial=initial)
    return form_view(
        request,
        form,
        call=lambda data: _save_measure(request, plan, measure, data),
        success=_to_detail(plan),
        template="plans/form.html",
        context={
            "page_title": _("Modifier la mesure") if measure else _("Ajouter une mesure"),
            "plan": plan,
            "measure": measure,
            "can_delete_measure": measure is not None and plan.status == PlanStatus.DRAFT,
        },
    )


@require_http_methods(["GET", "POST"])
def measure_delete(request, pk, measure_id):
    """Confirmation page (GET) then deletion (POST) of a measure of a draft.
    The page explains a refusal (plan no longer a draft, contributions received)
    instead of offering the button."""
    plan = managed_plan(request, pk)
    measure = get_object_or_404(
        plan.measures.select_related("priority", "origin_decision__meeting", "origin_decision__group"), pk=measure_id
    )
    if request.method == "POST":
        ok, _plan = run_action(
            request,
            lambda: services.delete_measure(measure=measure, acting_user=request.user),
            success=_("Mesure %(n)s « %(t)s » supprimée.") % {"n": measure.number, "t": measure.title},
            refusal_level=REFUSAL,
        )
        if not ok:
            return redirect("plans:measure_delete", pk=plan.pk, measure_id=measure.pk)
        return redirect("plans:detail", pk=plan.pk)
    dependents = selectors.measure_dependents(measure)
    context = {
        "page_title": _("Supprimer la mesure %(n)s") % {"n": measure.number},
        "plan": plan,
        "measure": measure,
        "dependents": dependents,
        "has_followup": any(n for key, n in dependents.items() if key != "contributions"),
        "refusal": services.measure_deletion_refusal(plan=plan, measure=measure, dependents=dependents),
        "versions": selectors.versions_containing(plan, measure),
    }
    return render(request, "plans/measure_delete.html", context)


def compare(request, pk):
    plan = managed_plan(request, pk)
    versions = list(plan.versions.order_by("number"))
    by_number = {v.number: v for v in versions}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    old, new = by_number.get(a), by_number.get(b)
    if (old is None or new is None) and len(versions) >= 2:
        old, new = versions[-2], versions[-1]
    changes = compare_snapshots(old.snapshot, new.snapshot) if old and new else []
    return render(
        request,
        "plans/compare.html",
        {
            "page_title": _("Comparer deux versions"),
            "plan": plan,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
        },
    )
