"""Decisions and actions of working groups, and « My actions »."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import policies, selectors, services
from maillage.coordination.enums import ActionStatus

from ...common import actor_for_request, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, filters_query, managed_meeting, to


@membership_required
@require_http_methods(["GET", "POST"])
def decision_create(request, pk):
    meeting = managed_meeting(request, pk)
    form = f.DecisionForm(request.POST or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.record_decision(acting_user=request.user, meeting=meeting, **data),
        message=_("Décision enregistrée."),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Enregistrer une décision"),
        back="coordination:index",
        submit=_("Enregistrer"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    meeting = managed_meeting(request, pk)
    form = f.ActionForm(request.POST or None, decisions=meeting.decisions.all())
    return coordination_form(
        request,
        form,
        call=lambda data: services.create_action(acting_user=request.user, meeting=meeting, **data),
        message=_("Action enregistrée."),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Enregistrer une action"),
        back="coordination:index",
        submit=_("Enregistrer"),
    )


@membership_required
@require_POST
def decision_forward(request, pk):
    decision = get_object_or_404(policies.decisions_visible_to(actor_for_request(request)), pk=pk)
    run_action(
        request,
        lambda: services.forward_decision_to_plan(decision=decision, acting_user=request.user),
        success=_("Décision transmise au plan d'action."),
    )
    return redirect("coordination:group", pk=decision.group_id)


@membership_required
@require_http_methods(["GET", "POST"])
def decision_update(request, pk):
    actor = actor_for_request(request)
    decision = get_object_or_404(policies.decisions_visible_to(actor).select_related("group"), pk=pk)
    if not policies.can_manage_group(actor, decision.group):
        raise PermissionDenied
    form = f.DecisionStatusForm(
        request.POST or None, initial={"status": decision.status, "review_on": decision.review_on}
    )
    return coordination_form(
        request,
        form,
        call=lambda data: services.set_decision_status(decision=decision, acting_user=request.user, **data),
        message=_("Décision mise à jour."),
        success=to("coordination:group", pk=decision.group_id),
        title=_("Réexaminer la décision"),
        intro=decision.statement,
        back="coordination:index",
        submit=_("Enregistrer"),
    )


def _status_choices():
    # Evaluated once per request (in the active language), not once per row.
    return [(value, str(label)) for value, label in ActionStatus.choices]


@membership_required
def my_actions(request):
    actor = actor_for_request(request)
    form = f.ActionFilterForm(request.GET or None, groups=policies.groups_visible_to(actor).order_by("name"))
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.my_actions_page(
        actor,
        page_number=request.GET.get("page"),
        status=filters.get("status") or "open",
        scope=filters.get("scope") or "all",
        overdue_only=bool(filters.get("overdue")),
        group_id=filters["group"].pk if filters.get("group") else None,
    )
    return render(
        request,
        "coordination/my_actions.html",
        {
            "page_title": _("Mes actions"),
            "form": form,
            "page": page,
            "query": filters_query(request),
            "today": timezone.localdate(),
            "status_choices": _status_choices(),
            "open_statuses": ("open", "in_progress"),
        },
    )


@membership_required
@require_POST
def action_status(request, pk):
    action = get_object_or_404(policies.actions_visible_to(actor_for_request(request)), pk=pk)
    form = f.ActionStatusForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: services.set_action_status(
                action=action, status=form.cleaned_data["status"], acting_user=request.user
            ),
            success=_("Action mise à jour."),
        )
    else:
        messages.error(request, _("Statut inconnu."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/coordination/") else "coordination:my_actions")
