"""After a meeting: the attendance sheet and the minutes."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.coordination import selectors, services

from ...common import form_view, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, managed_meeting, to


@membership_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = managed_meeting(request, pk)
    form = f.AttendanceForm(request.POST or None, meeting=meeting, initial=selectors.attendance_sheet(meeting))
    return coordination_form(
        request,
        form,
        call=lambda data: services.record_attendance(
            meeting=meeting,
            acting_user=request.user,
            present_user_ids=[int(v) for v in data["present"]],
            organisation_ids=[o.pk for o in data["organisations"]],
            present_guest_ids=[int(v) for v in data.get("present_guests", [])],
        ),
        message=_("Présences enregistrées."),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Feuille de présence"),
        back="coordination:index",
        submit=_("Enregistrer"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk):
    meeting = managed_meeting(request, pk)
    op = request.POST.get("op") if request.method == "POST" else None
    if op == "draft":
        run_action(request, lambda: services.draft_minutes(meeting=meeting, acting_user=request.user))
        return redirect("coordination:meeting_minutes", pk=meeting.pk)
    if op == "approve":
        ok, _meeting = run_action(
            request,
            lambda: services.approve_minutes(meeting=meeting, acting_user=request.user),
            success=_("Compte rendu approuvé."),
        )
        return redirect("coordination:meeting" if ok else "coordination:meeting_minutes", pk=meeting.pk)
    form = f.MinutesForm(request.POST or None, initial={"text": meeting.minutes})
    return form_view(
        request,
        form,
        call=lambda data: services.edit_minutes(meeting=meeting, text=data["text"], acting_user=request.user),
        message=_("Compte rendu enregistré."),
        success=to("coordination:meeting", pk=meeting.pk),
        template="coordination/minutes.html",
        context={"page_title": _("Compte rendu"), "meeting": meeting},
    )
