"""Following the measures of an adopted plan: the responsible bodies' reports,
their validation, the progress file, and the coordination's follow-up of each
measure (sub-actions, milestones, indicators and their values)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.plans import policies, selectors, services
from maillage.plans.enums import PlanStatus

from ...common import actor_for_request, form_view, run_action, run_service
from .. import forms
from .shared import REFUSAL, form_errors_text, managed_plan


def reporting(request):
    measures = policies.reportable_measures_visible_to(actor_for_request(request))
    return render(request, "plans/reporting.html", {"page_title": _("Suivi de mes mesures"), "measures": measures})


@require_http_methods(["GET", "POST"])
def report(request, measure_id):
    actor = actor_for_request(request)
    measure = get_object_or_404(policies.reportable_measures_visible_to(actor), pk=measure_id)
    form = forms.ReportForm(
        request.POST or None,
        initial={
            "status": measure.status,
            "progress": measure.progress,
            "health": measure.health,
            "completion": measure.completion,
        },
    )
    indicators = [(ind, forms.MeasurementForm(prefix=f"indicateur-{ind.pk}")) for ind in measure.indicators.all()]
    return form_view(
        request,
        form,
        call=lambda data: services.submit_progress_report(measure=measure, acting_user=request.user, **data),
        message=_("Compte rendu transmis à la coordination pour validation."),
        success=lambda _report: redirect("plans:reporting"),
        template="plans/report.html",
        context={
            "page_title": _("Compte rendu : mesure %(n)s") % {"n": measure.number},
            "measure": measure,
            "indicators": indicators,
            "milestones": measure.milestones.all(),
            "can_mark_milestones": policies.can_report_on(actor, measure),
            "today": timezone.localdate(),
        },
    )


def reports_pending(request, pk):
    plan = managed_plan(request, pk)
    return render(
        request,
        "plans/reports_pending.html",
        {
            "page_title": _("Comptes rendus à valider"),
            "plan": plan,
            "reports": selectors.pending_reports(actor_for_request(request), plan),
        },
    )


@require_POST
def report_validate(request, pk, report_id):
    plan = managed_plan(request, pk)
    report_obj = get_object_or_404(selectors.plan_reports(plan), pk=report_id)
    run_action(
        request,
        lambda: services.validate_progress_report(report=report_obj, acting_user=request.user),
        success=_("Compte rendu validé et publié."),
        refusal_level=REFUSAL,
    )
    return redirect("plans:reports_pending", pk=plan.pk)


def progress_pdf(request, pk):
    plan = managed_plan(request, pk)
    response = HttpResponse(
        services.export_progress_pdf(plan=plan, acting_user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="avancement-plan-{plan.pk}-{timezone.localdate():%Y%m%d}.pdf"'
    )
    return response


def progress_xlsx(request, pk):
    plan = managed_plan(request, pk)
    response = HttpResponse(
        services.export_progress(plan=plan, acting_user=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="avancement-plan-{plan.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@require_http_methods(["GET", "POST"])
def progress_import(request, pk):
    plan = managed_plan(request, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        count, errors = services.import_progress(
            plan=plan, data=form.cleaned_data["file"].read(), acting_user=request.user
        )
        if not errors:
            messages.success(request, _("%(n)s mesures mises à jour.") % {"n": count})
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/import.html",
        {"page_title": _("Importer l'avancement"), "plan": plan, "form": form, "errors": errors},
    )


FOLLOWUP_FORMS = {
    "sub_action": forms.SubActionForm,
    "progress": forms.SubActionProgressForm,
    "milestone": forms.MilestoneForm,
    "indicator": forms.IndicatorForm,
}


def _followup_write(request, measure, kind, d):
    if kind == "sub_action":
        return services.add_sub_action(measure=measure, title=d["title"], weight=d["weight"], acting_user=request.user)
    if kind == "progress":
        sub_action = get_object_or_404(measure.sub_actions, pk=d["sub_action"])
        return services.set_sub_action_progress(
            sub_action=sub_action, progress=d["progress"], acting_user=request.user
        )
    if kind == "milestone":
        return services.add_milestone(measure=measure, acting_user=request.user, **d)
    return services.add_indicator(measure=measure, acting_user=request.user, **d)


@require_http_methods(["GET", "POST"])
def measure_followup(request, pk, measure_id):
    """Coordination: sub-actions, milestones, indicators and measurements of one measure."""
    plan = managed_plan(request, pk)
    measure = get_object_or_404(plan.measures.select_related("priority", "status"), pk=measure_id)
    bound = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        form_class = FOLLOWUP_FORMS.get(kind)
        if form_class is None:
            raise Http404
        form = bound[kind] = form_class(request.POST, prefix=kind)
        if form.is_valid():
            ok, _result = run_service(form, lambda: _followup_write(request, measure, kind, form.cleaned_data))
            if ok:
                messages.success(request, _("Enregistré."))
                return redirect("plans:measure_followup", pk=plan.pk, measure_id=measure.pk)
    context = {
        "page_title": _("Suivi de la mesure %(n)s") % {"n": measure.number},
        "plan": plan,
        "measure": measure,
        "sub_actions": measure.sub_actions.all(),
        "milestones": measure.milestones.all(),
        "indicators": measure.indicators.prefetch_related("measurements"),
        "forms": {
            kind: bound.get(kind) or cls(prefix=kind) for kind, cls in FOLLOWUP_FORMS.items() if kind != "progress"
        },
        "can_edit": plan.status != PlanStatus.CLOSED,
        "today": timezone.localdate(),
    }
    return render(request, "plans/measure_followup.html", context)


# Editing and deleting follow-up items: one URL segment per kind, each with its
# items, form, fields, services and French labels.
FOLLOWUP_ITEMS = {
    "actions": {
        "kind": "sub_action",
        "form": forms.SubActionForm,
        "fields": ("title", "weight"),
        "update": lambda obj, user, d: services.update_sub_action(sub_action=obj, acting_user=user, **d),
        "delete": lambda obj, user: services.delete_sub_action(sub_action=obj, acting_user=user),
        "title": gettext_lazy("Modifier l'action"),
        "delete_label": gettext_lazy("Supprimer l'action"),
        "delete_help": gettext_lazy("L'avancement de la mesure sera recalculé à partir des actions restantes."),
        "deleted": gettext_lazy("Action supprimée ; avancement de la mesure recalculé."),
    },
    "jalons": {
        "kind": "milestone",
        "form": forms.MilestoneForm,
        "fields": ("title", "due_date"),
        "update": lambda obj, user, d: services.update_milestone(milestone=obj, acting_user=user, **d),
        "delete": lambda obj, user: services.delete_milestone(milestone=obj, acting_user=user),
        "title": gettext_lazy("Modifier le jalon"),
        "delete_label": gettext_lazy("Supprimer le jalon"),
        "delete_help": "",
        "deleted": gettext_lazy("Jalon supprimé."),
    },
    "indicateurs": {
        "kind": "indicator",
        "form": forms.IndicatorForm,
        "fields": services.INDICATOR_FIELDS,
        "update": lambda obj, user, d: services.update_indicator(indicator=obj, acting_user=user, **d),
        "delete": lambda obj, user: services.delete_indicator(indicator=obj, acting_user=user),
        "title": gettext_lazy("Modifier l'indicateur"),
        "delete_label": gettext_lazy("Supprimer l'indicateur"),
        "delete_help": gettext_lazy(
            "Impossible une fois une valeur validée ; les valeurs en attente de validation sont supprimées avec lui."
        ),
        "deleted": gettext_lazy("Indicateur supprimé."),
    },
}


def _followup_item(request, pk, kind, item_id):
    plan = managed_plan(request, pk)
    spec = FOLLOWUP_ITEMS.get(kind)
    if spec is None:
        raise Http404
    obj = get_object_or_404(selectors.followup_items(plan, spec["kind"]), pk=item_id)
    return plan, spec, obj


@require_http_methods(["GET", "POST"])
def followup_item_edit(request, pk, kind, item_id):
    plan, spec, obj = _followup_item(request, pk, kind, item_id)
    form = spec["form"](request.POST or None, initial={f: getattr(obj, f) for f in spec["fields"]})
    return form_view(
        request,
        form,
        call=lambda data: spec["update"](obj, request.user, data),
        message=_("Modifications enregistrées."),
        success=lambda _item: redirect("plans:measure_followup", pk=plan.pk, measure_id=obj.measure_id),
        template="plans/followup_item.html",
        context={
            "page_title": spec["title"],
            "plan": plan,
            "measure": obj.measure,
            "kind": kind,
            "item": obj,
            "spec": spec,
            "can_edit": plan.status != PlanStatus.CLOSED,
        },
    )


@require_POST
def followup_item_delete(request, pk, kind, item_id):
    plan, spec, obj = _followup_item(request, pk, kind, item_id)
    measure_id = obj.measure_id
    run_action(request, lambda: spec["delete"](obj, request.user), success=spec["deleted"], refusal_level=REFUSAL)
    return redirect("plans:measure_followup", pk=plan.pk, measure_id=measure_id)


@require_POST
def milestone_reached(request, milestone_id):
    """The coordination, or a member of the lead or a co-lead organisation,
    records the date a milestone was reached."""
    actor = actor_for_request(request)
    milestone = get_object_or_404(selectors.milestones_with_plan(), pk=milestone_id)
    measure = milestone.measure
    if not policies.can_follow_up(actor, measure):
        raise Http404
    form = forms.MilestoneReachedForm(request.POST, prefix=f"jalon-{milestone.pk}")
    if form.is_valid():
        run_action(
            request,
            lambda: services.set_milestone_reached(
                milestone=milestone, reached_on=form.cleaned_data["reached_on"], acting_user=request.user
            ),
            success=_("Jalon « %(t)s » marqué comme atteint.") % {"t": milestone.title},
            refusal_level=REFUSAL,
        )
    else:
        messages.warning(request, _("Indiquez la date à laquelle le jalon a été atteint."))
    if policies.can_manage_plans(actor):
        return redirect("plans:measure_followup", pk=measure.plan_id, measure_id=measure.pk)
    return redirect("plans:report", measure_id=measure.pk)


@require_POST
def measurement_add(request, indicator_id):
    """Responsible bodies (or the coordination) enter a value; public once validated."""
    actor = actor_for_request(request)
    indicator = get_object_or_404(selectors.indicators_with_plan(), pk=indicator_id)
    measure = indicator.measure
    if not policies.can_follow_up(actor, measure):
        raise Http404
    form = forms.MeasurementForm(request.POST, prefix=f"indicateur-{indicator.pk}")
    if form.is_valid():
        run_action(
            request,
            lambda: services.record_measurement(indicator=indicator, acting_user=request.user, **form.cleaned_data),
            success=_("Valeur enregistrée ; elle sera publiée après validation par la coordination."),
            refusal_level=REFUSAL,
        )
    else:
        messages.warning(request, form_errors_text(form))
    if policies.can_manage_plans(actor):
        return redirect("plans:measure_followup", pk=measure.plan_id, measure_id=measure.pk)
    return redirect("plans:report", measure_id=measure.pk)


@require_POST
def measurement_validate(request, pk, measurement_id):
    plan = managed_plan(request, pk)
    measurement = get_object_or_404(selectors.plan_measurements(plan), pk=measurement_id)
    run_action(
        request,
        lambda: services.validate_measurement(measurement=measurement, acting_user=request.user),
        success=_("Valeur validée et publiée."),
        refusal_level=REFUSAL,
    )
    return redirect("plans:measure_followup", pk=plan.pk, measure_id=measurement.indicator.measure_id)
