"""After a meeting: the attendance sheet and the minutes."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import selectors, services

from ...common import denied_as_404, form_view, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, managed_meeting, to, visible_meeting


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
    if op == "circulate":
        days = request.POST.get("days", "")
        run_action(
            request,
            lambda: services.circulate_minutes(
                meeting=meeting, acting_user=request.user, days=int(days) if days.isdigit() else None
            ),
            success=_("Compte rendu adressé aux participants pour relecture."),
        )
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
        context={
            "page_title": _("Compte rendu"),
            "meeting": meeting,
            "remarks": selectors.minutes_remarks(meeting),
            "review": selectors.minutes_review_progress(meeting),
            "readers": selectors.minutes_readers(meeting).select_related("user", "organisation"),
            "default_days": services.minutes_remarks_days(),
        },
    )


@membership_required
@require_POST
def minutes_remark(request, pk):
    meeting = visible_meeting(request, pk)
    form = f.RemarkForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: services.remark_on_minutes(
                meeting=meeting, body=form.cleaned_data["body"], acting_user=request.user
            ),
            success=_(
                "Votre relecture est enregistrée ; le pilote en tient compte avant d'approuver le compte rendu."
            ),
            denied=_("Vous ne faites pas partie des relecteurs de ce compte rendu."),
        )
    return redirect(reverse("coordination:meeting", args=[meeting.pk]) + "#compte-rendu")


@membership_required
def minutes_pdf(request, pk):
    meeting = visible_meeting(request, pk)
    with denied_as_404():
        content = services.export_minutes_pdf(meeting=meeting, acting_user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="compte-rendu-reunion-{meeting.pk}.pdf"'
    return response
