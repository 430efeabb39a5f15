"""Meetings: scheduling, the meeting page, changes, cancellation, agenda,
invitations of members and their replies."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import policies, selectors, services
from maillage.coordination.ical import feed_ics

from ...common import actor_for_request, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, managed_group, managed_meeting, to, visible_meeting


@membership_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, group_pk):
    group = managed_group(request, group_pk)
    form = f.MeetingForm(request.POST or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.schedule_meeting(
            acting_user=request.user, group=group, organiser_organisation=group.lead_organisation, **data
        ),
        message=_("Réunion programmée. Ajoutez l'ordre du jour puis invitez les membres."),
        success=lambda meeting: redirect("coordination:meeting", pk=meeting.pk),
        title=_("Programmer une réunion"),
        back="coordination:index",
        submit=_("Programmer"),
    )


@membership_required
def meeting_detail(request, pk):
    meeting = visible_meeting(request, pk)
    actor = actor_for_request(request)
    invitation = selectors.invitation_of(actor, meeting)
    can_manage = policies.can_manage_meeting(actor, meeting)
    # Before the meeting: RSVP, invitations, changes. After it: attendance and minutes.
    upcoming = meeting.status == "scheduled" and meeting.ends_at > timezone.now()
    reader = selectors.minutes_reader(meeting, actor) if meeting.minutes_status == "circulated" else None
    can_remark = reader is not None and timezone.now() < meeting.minutes_remarks_until
    show_minutes = policies.can_read_minutes(actor, meeting) and meeting.minutes_status != "none"
    return render(
        request,
        "coordination/meeting_detail.html",
        {
            "page_title": meeting.title,
            "meeting": meeting,
            "agenda": selectors.agenda(meeting),
            "invitations": meeting.invitations.select_related("user", "organisation"),
            "guests": selectors.active_guests(meeting),
            "decisions": meeting.decisions.all(),
            "actions": meeting.actions.select_related("owner_user", "owner_organisation"),
            "attending": meeting.attending_organisations.all(),
            "invitation": invitation,
            "response_form": f.ResponseForm(initial={"response": invitation.response})
            if invitation and upcoming
            else None,
            "can_manage": can_manage,
            "upcoming": upcoming,
            "is_past": meeting.starts_at <= timezone.now(),
            "show_minutes": show_minutes,
            "remark_form": f.RemarkForm() if can_remark else None,
            "remarks": selectors.minutes_remarks(meeting) if show_minutes and (can_manage or reader) else None,
            "own_remarks": reader is not None,
        },
    )


@membership_required
def meeting_ics(request, pk):
    """The meeting as a calendar file (the same VEVENT as the invitations and
    the feeds: UID and SEQUENCE, so importing it again updates the event)."""
    meeting = visible_meeting(request, pk)
    response = HttpResponse(feed_ics([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response


@membership_required
@require_POST
def meeting_held(request, pk):
    meeting = managed_meeting(request, pk)
    run_action(
        request,
        lambda: services.mark_meeting_held(meeting=meeting, acting_user=request.user),
        success=_("Réunion marquée comme tenue : relevez les présences et rédigez le compte rendu."),
    )
    return redirect("coordination:meeting", pk=meeting.pk)


@membership_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = managed_meeting(request, pk)
    initial = {
        name: getattr(meeting, name) for name in ("title", "starts_at", "ends_at", "mode", "place", "video_url")
    }
    form = f.MeetingForm(request.POST or None, initial=initial)
    return coordination_form(
        request,
        form,
        call=lambda data: services.update_meeting(meeting=meeting, acting_user=request.user, **data),
        message=_("Réunion modifiée ; les personnes invitées ont reçu la mise à jour."),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Modifier la réunion"),
        back="coordination:index",
        submit=_("Enregistrer"),
    )


@membership_required
@require_POST
def meeting_cancel(request, pk):
    meeting = managed_meeting(request, pk)
    run_action(
        request,
        lambda: services.cancel_meeting(meeting=meeting, acting_user=request.user),
        success=_("Réunion annulée ; les personnes invitées en sont informées."),
    )
    return redirect("coordination:meeting", pk=meeting.pk)


@membership_required
@require_http_methods(["GET", "POST"])
def agenda_add(request, pk):
    meeting = managed_meeting(request, pk)
    form = f.AgendaItemForm(request.POST or None, meeting=meeting)
    return coordination_form(
        request,
        form,
        call=lambda data: services.add_agenda_item(meeting=meeting, acting_user=request.user, **data),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Ajouter un point à l'ordre du jour"),
        back="coordination:index",
        submit=_("Ajouter"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def meeting_invite(request, pk):
    meeting = managed_meeting(request, pk)
    if request.method == "POST" and "all_members" in request.POST and meeting.group_id:
        run_action(
            request,
            lambda: services.invite_group_members(meeting=meeting, acting_user=request.user),
            success=lambda count: _("%(n)s invitation(s) envoyée(s).") % {"n": count},
        )
        return redirect("coordination:meeting", pk=meeting.pk)
    form = f.InviteForm(request.POST or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.invite(meeting=meeting, user=data["user"], acting_user=request.user),
        message=_("Invitation envoyée avec le fichier d'agenda."),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Inviter une personne"),
        back="coordination:index",
        submit=_("Inviter"),
    )


@membership_required
@require_POST
def meeting_respond(request, pk):
    meeting = visible_meeting(request, pk)
    invitation = selectors.invitation_of(actor_for_request(request), meeting)
    if invitation is None:
        raise Http404
    form = f.ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une réponse."))
    else:
        run_action(
            request,
            lambda: services.respond(
                invitation=invitation, response=form.cleaned_data["response"], acting_user=request.user
            ),
            success=_("Réponse enregistrée."),
        )
    return redirect("coordination:meeting", pk=meeting.pk)
