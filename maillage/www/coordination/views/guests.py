"""Guests of a meeting (people without an account): their invitation, managed
by the organiser, and their own reply page reached by a personal link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import policies, selectors, services
from maillage.coordination.enums import InvitationResponse

from ...common import actor_for_request, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, managed_meeting, to


@membership_required
@require_http_methods(["GET", "POST"])
def guest_invite(request, pk):
    meeting = managed_meeting(request, pk)
    form = f.GuestForm(request.POST or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.invite_guest(meeting=meeting, acting_user=request.user, **data),
        message=_("Invitation envoyée avec le fichier d'agenda et un lien personnel pour répondre."),
        success=to("coordination:meeting", pk=meeting.pk),
        title=_("Inviter une personne extérieure"),
        intro=_(
            "Pour une personne sans compte Maillage : un homologue étranger, un expert, un magistrat… "
            "Elle reçoit l'invitation par courriel et répond avec un lien personnel, sans se connecter. "
            "Elle ne voit que l'objet, la date, le lieu ou le lien de la réunion."
        ),
        back="coordination:index",
        submit=_("Inviter"),
    )


def _managed_guest(request, pk):
    actor = actor_for_request(request)
    guest = get_object_or_404(selectors.current_guests_visible_to(actor), pk=pk)
    if not policies.can_manage_meeting(actor, guest.meeting):
        raise PermissionDenied
    return guest


def _guest_action(request, pk, service, done_message):
    guest = _managed_guest(request, pk)
    run_action(request, lambda: service(guest=guest, acting_user=request.user), success=done_message)
    return redirect("coordination:meeting", pk=guest.meeting_id)


@membership_required
@require_POST
def guest_resend(request, pk):
    return _guest_action(
        request,
        pk,
        services.resend_guest_invitation,
        _("Invitation renvoyée avec un nouveau lien ; le lien précédent ne fonctionne plus."),
    )


@membership_required
@require_POST
def guest_remove(request, pk):
    return _guest_action(request, pk, services.remove_guest, _("Invitation retirée ; la personne en est informée."))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def guest_reply(request, token):
    """A guest's page, reached from their email without an account: the
    secret token is the credential. It shows the meeting's title, time, place
    or link and the reply form, nothing about the group, its members, its
    documents, the minutes or the other invitees."""
    guest = selectors.guest_for_token(token)
    if guest is None or guest.removed_at is not None:
        message = (
            _(
                "Ce lien d'invitation n'est pas valide. Si vous avez reçu plusieurs messages pour cette réunion, "
                "utilisez le lien du plus récent."
            )
            if guest is None
            else _("Cette invitation a été retirée par l'organisateur ou l'organisatrice de la réunion.")
        )
        return render(
            request, "coordination/guest_invalid.html", {"page_title": _("Invitation"), "message": message}, status=404
        )
    meeting = guest.meeting
    is_over = meeting.ends_at <= timezone.now()
    can_reply = not meeting.is_cancelled and not is_over
    initial = {"response": guest.response} if guest.response != InvitationResponse.NEEDS_ACTION else None
    form = f.ResponseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        # A reply to a cancelled or past meeting is refused by the service,
        # with its French reason, whatever was posted.
        if valid or not can_reply:
            response = form.cleaned_data["response"] if valid else ""
            ok, _guest = run_action(
                request,
                lambda: services.respond_as_guest(token=token, response=response),
                success=_("Merci, votre réponse est enregistrée."),
            )
            if ok:
                return redirect(request.path)
        status = 400
    return render(
        request,
        "coordination/guest_reply.html",
        {
            "page_title": meeting.title,
            "meeting": meeting,
            "guest": guest,
            "form": form if can_reply else None,
            "is_over": is_over,
        },
        status=status,
    )
