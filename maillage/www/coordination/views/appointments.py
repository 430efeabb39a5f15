"""Appointments between organisations: proposals of slots and the choice of one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.coordination import policies, selectors, services
from maillage.coordination.enums import AppointmentStatus

from ...common import acting_organisation, actor_for_request, form_view, membership_required
from .. import forms as f
from .shared import coordination_form


def _appointments(request):
    return policies.appointments_visible_to(actor_for_request(request)).select_related(
        "proposer_organisation", "target_organisation", "meeting"
    )


@membership_required
def appointments(request):
    return render(
        request,
        "coordination/appointments.html",
        {"page_title": _("Rendez-vous"), "appointments": _appointments(request)},
    )


@membership_required
@require_http_methods(["GET", "POST"])
def appointment_create(request):
    form = f.AppointmentForm(request.POST or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.propose_appointment(
            acting_user=request.user,
            proposer_organisation=acting_organisation(request),
            target_organisation=data["target_organisation"],
            subject=data["subject"],
            message=data["message"],
            mode=data["mode"],
            place=data["place"],
            slots=form.slots(),
        ),
        message=_("Créneaux proposés ; l'organisation invitée choisira."),
        success=lambda appointment: redirect("coordination:appointment", pk=appointment.pk),
        title=_("Proposer un rendez-vous"),
        back="coordination:appointments",
        submit=_("Proposer ces créneaux"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def appointment_detail(request, pk):
    appointment = get_object_or_404(_appointments(request), pk=pk)
    can_pick = (
        policies.can_pick_slot(actor_for_request(request), appointment)
        and appointment.status == AppointmentStatus.PENDING
        and selectors.open_slots(appointment).exists()
    )
    if request.method == "POST" and not can_pick:
        raise PermissionDenied
    context = {"page_title": appointment.subject, "appointment": appointment, "slots": appointment.slots.all()}
    if not can_pick:
        return render(request, "coordination/appointment_detail.html", {**context, "form": None})
    form = f.PickSlotForm(request.POST or None, appointment=appointment)
    return form_view(
        request,
        form,
        call=lambda data: services.pick_slot(appointment=appointment, slot=data["slot"], acting_user=request.user),
        message=_("Rendez-vous fixé ; les deux parties reçoivent l'invitation."),
        success=lambda meeting: redirect("coordination:meeting", pk=meeting.pk),
        template="coordination/appointment_detail.html",
        context=context,
    )
