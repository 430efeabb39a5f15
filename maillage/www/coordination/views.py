"""Coordination pages. Views only translate HTTP into service calls: every
object comes from a policy queryset (404 if not visible), every write goes
through maillage.coordination.services."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import policies, selectors, services
from maillage.coordination.enums import ActionStatus, InvitationResponse
from maillage.coordination.ical import feed_ics
from maillage.coordination.models import (
    CalendarFeedToken,
    DossierStep,
    GroupDocument,
    GroupMember,
    MeetingGuest,
    MeetingInvitation,
)
from maillage.organisations.selectors import active_memberships

from . import forms as f


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _form_page(
    request, form, *, title: str, back: str, submit: str, intro: str = "", multipart: bool = False, warning: str = ""
):
    return render(
        request,
        "coordination/form.html",
        {
            "page_title": title,
            "form": form,
            "back": back,
            "submit": submit,
            "intro": intro,
            "multipart": multipart,
            "warning": warning,
        },
    )


def _run(form, call):
    """Call a service, copying its French ValidationError onto the form."""
    try:
        return call()
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None


def member_required(view):
    """Coordination pages need an active membership (otherwise 404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not active_memberships(request.user).exists():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _group(request, pk):
    return get_object_or_404(policies.groups_visible_to(request.user), pk=pk)


def _managed_group(request, pk):
    group = _group(request, pk)
    if not policies.can_manage_group(request.user, group):
        raise PermissionDenied
    return group


def _meeting(request, pk):
    return get_object_or_404(policies.meetings_visible_to(request.user).select_related("group", "organiser"), pk=pk)


def _managed_meeting(request, pk):
    meeting = _meeting(request, pk)
    if not policies.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


# --- Index and groups -------------------------------------------------------------


@member_required
def index(request):
    user = request.user
    return render(
        request,
        "coordination/index.html",
        {
            "page_title": _("Coordination"),
            "groups": policies.groups_visible_to(user).filter(parent__isnull=True).select_related("lead_organisation"),
            "meetings": selectors.upcoming_meetings(user, limit=10),
            "overdue": selectors.my_actions(user, overdue_only=True)[:10],
            "can_create_group": policies.can_create_group(user),
            "is_coordination_body": policies.is_coordination_body(user),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    if not policies.can_create_group(request.user):
        raise PermissionDenied
    form = f.GroupForm(request.POST or None, parents=policies.groups_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        group = _run(form, lambda: services.create_group(acting_user=request.user, **form.cleaned_data))
        if group:
            messages.success(request, _("Groupe de travail créé."))
            return redirect("coordination:group", pk=group.pk)
    return _form_page(
        request, form, title=_("Créer un groupe de travail"), back="coordination:index", submit=_("Créer le groupe")
    )


@member_required
def group_detail(request, pk):
    group = _group(request, pk)
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "coordination/group_detail.html",
        {
            "page_title": group.name,
            "group": group,
            "members": group.members.select_related("user", "organisation"),
            "subgroups": policies.groups_visible_to(user).filter(parent=group),
            # A « whole network » subgroup may sit under a members-only group
            # whose name is not for everyone.
            "parent": policies.groups_visible_to(user).filter(pk=group.parent_id).first() if group.parent_id else None,
            "next_meeting": selectors.upcoming_meetings(user, group=group).first(),
            "past_meetings": group.meetings.filter(starts_at__lt=timezone.now()).order_by("-starts_at")[:10],
            "decisions": selectors.open_decisions(group),
            "overdue": selectors.overdue_actions(group, today=today),
            "documents": group.documents.all(),
            "can_manage": policies.can_manage_group(user, group),
            "today": today,
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = _managed_group(request, pk)
    initial = {name: getattr(group, name) for name in ("name", "mandate", "focus", "status", "visibility", "pilot")}
    form = f.GroupEditForm(request.POST or None, initial=initial, group=group)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "pilot" and v is None)}
        if _run(form, lambda: services.update_group(group=group, acting_user=request.user, **data)):
            messages.success(request, _("Groupe de travail mis à jour."))
            return redirect("coordination:group", pk=group.pk)
    return _form_page(
        request, form, title=_("Modifier le groupe de travail"), back="coordination:index", submit=_("Enregistrer")
    )


@member_required
@require_http_methods(["GET", "POST"])
def group_member_add(request, pk):
    group = _managed_group(request, pk)
    form = f.GroupMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        if _run(
            form,
            lambda: services.add_group_member(
                group=group,
                user=membership.user,
                organisation=membership.organisation,
                role=form.cleaned_data["role"],
                acting_user=request.user,
            ),
        ):
            messages.success(request, _("Membre ajouté au groupe."))
            return redirect("coordination:group", pk=group.pk)
    return _form_page(
        request,
        form,
        title=_("Ajouter un membre à « %(g)s »") % {"g": group.name},
        back="coordination:index",
        submit=_("Ajouter"),
    )


@member_required
@require_http_methods(["GET", "POST"])
def group_member_remove(request, pk, member_id):
    group = _managed_group(request, pk)
    member = get_object_or_404(GroupMember.objects.select_related("user", "organisation"), group=group, pk=member_id)
    if request.method == "POST":
        try:
            withdrawn = services.remove_group_member(member=member, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(who)s ne fait plus partie du groupe.") % {"who": member.user})
            if withdrawn:
                messages.info(request, _("Invitations retirées aux réunions à venir : %(n)s.") % {"n": withdrawn})
        return redirect("coordination:group", pk=group.pk)
    return render(
        request,
        "coordination/group_member_remove.html",
        {"page_title": _("Retirer un membre du groupe"), "group": group, "member": member},
    )


@member_required
@require_http_methods(["GET", "POST"])
def group_document_add(request, pk):
    group = _group(request, pk)
    form = f.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                acting_user=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["attachment"],
                group=group,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Document ajouté."))
            return redirect("coordination:group", pk=group.pk)
    return _form_page(
        request,
        form,
        title=_("Ajouter un document"),
        back="coordination:index",
        submit=_("Ajouter"),
        multipart=True,
        warning=_("Un document ne contient jamais l'identité d'une victime."),
    )


@member_required
def document_download(request, pk):
    document = get_object_or_404(GroupDocument.objects.select_related("group", "dossier"), pk=pk)
    if document.group_id and not policies.groups_visible_to(request.user).filter(pk=document.group_id).exists():
        raise Http404
    if document.dossier_id and not policies.dossiers_visible_to(request.user).filter(pk=document.dossier_id).exists():
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"document-{document.pk}.pdf",
    )


# --- Meetings ----------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, group_pk):
    group = _managed_group(request, group_pk)
    form = f.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = _run(
            form,
            lambda: services.schedule_meeting(
                acting_user=request.user,
                group=group,
                organiser_organisation=group.lead_organisation,
                **form.cleaned_data,
            ),
        )
        if meeting:
            messages.success(request, _("Réunion programmée. Ajoutez l'ordre du jour puis invitez les membres."))
            return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Programmer une réunion"), back="coordination:index", submit=_("Programmer")
    )


@member_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    invitation = meeting.invitations.filter(user=request.user).first()
    return render(
        request,
        "coordination/meeting_detail.html",
        {
            "page_title": meeting.title,
            "meeting": meeting,
            "agenda": meeting.agenda_items.filter(parent__isnull=True)
            .prefetch_related("children__presenter")
            .select_related("presenter"),
            "invitations": meeting.invitations.select_related("user", "organisation"),
            "guests": meeting.guests.filter(removed_at__isnull=True).select_related("organisation"),
            "decisions": meeting.decisions.all(),
            "actions": meeting.actions.select_related("owner_user", "owner_organisation"),
            "attending": meeting.attending_organisations.all(),
            "invitation": invitation,
            "response_form": f.ResponseForm(initial={"response": invitation.response})
            if invitation and not meeting.is_cancelled
            else None,
            "can_manage": policies.can_manage_meeting(request.user, meeting),
            "is_past": meeting.starts_at <= timezone.now(),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _managed_meeting(request, pk)
    initial = {
        name: getattr(meeting, name) for name in ("title", "starts_at", "ends_at", "mode", "place", "video_url")
    }
    form = f.MeetingForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda: services.update_meeting(meeting=meeting, acting_user=request.user, **form.cleaned_data))
    ):
        messages.success(request, _("Réunion modifiée ; les personnes invitées ont reçu la mise à jour."))
        return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Modifier la réunion"), back="coordination:index", submit=_("Enregistrer")
    )


@member_required
@require_POST
def meeting_cancel(request, pk):
    meeting = _managed_meeting(request, pk)
    try:
        services.cancel_meeting(meeting=meeting, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Réunion annulée ; les personnes invitées en sont informées."))
    return redirect("coordination:meeting", pk=meeting.pk)


@member_required
@require_http_methods(["GET", "POST"])
def agenda_add(request, pk):
    meeting = _managed_meeting(request, pk)
    form = f.AgendaItemForm(request.POST or None, meeting=meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form, lambda: services.add_agenda_item(meeting=meeting, acting_user=request.user, **form.cleaned_data)
        )
    ):
        return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Ajouter un point à l'ordre du jour"), back="coordination:index", submit=_("Ajouter")
    )


@member_required
@require_http_methods(["GET", "POST"])
def meeting_invite(request, pk):
    meeting = _managed_meeting(request, pk)
    form = f.InviteForm(request.POST or None)
    if request.method == "POST":
        if "all_members" in request.POST and meeting.group_id:
            try:
                count = services.invite_group_members(meeting=meeting, acting_user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(n)s invitation(s) envoyée(s).") % {"n": count})
            return redirect("coordination:meeting", pk=meeting.pk)
        if form.is_valid() and _run(
            form, lambda: services.invite(meeting=meeting, user=form.cleaned_data["user"], acting_user=request.user)
        ):
            messages.success(request, _("Invitation envoyée avec le fichier d'agenda."))
            return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(request, form, title=_("Inviter une personne"), back="coordination:index", submit=_("Inviter"))


@member_required
@require_POST
def meeting_respond(request, pk):
    meeting = _meeting(request, pk)
    invitation = get_object_or_404(MeetingInvitation, meeting=meeting, user=request.user)
    form = f.ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une réponse."))
    else:
        try:
            services.respond(invitation=invitation, response=form.cleaned_data["response"], acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Réponse enregistrée."))
    return redirect("coordination:meeting", pk=meeting.pk)


# --- Guests (people without an account) ----------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def guest_invite(request, pk):
    meeting = _managed_meeting(request, pk)
    form = f.GuestForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda: services.invite_guest(meeting=meeting, acting_user=request.user, **form.cleaned_data))
    ):
        messages.success(request, _("Invitation envoyée avec le fichier d'agenda et un lien personnel pour répondre."))
        return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Inviter une personne extérieure"),
        intro=_(
            "Pour une personne sans compte Maillage : un homologue étranger, un expert, un magistrat… Elle reçoit l'invitation par courriel et répond avec un lien personnel, sans se connecter. Elle ne voit que l'objet, la date, le lieu ou le lien de la réunion."
        ),
        back="coordination:index",
        submit=_("Inviter"),
    )


def _managed_guest(request, pk) -> MeetingGuest:
    guest = get_object_or_404(
        MeetingGuest.objects.filter(meeting__in=policies.meetings_visible_to(request.user), removed_at__isnull=True),
        pk=pk,
    )
    if not policies.can_manage_meeting(request.user, guest.meeting):
        raise PermissionDenied
    return guest


def _guest_action(request, pk, service, done_message):
    guest = _managed_guest(request, pk)
    try:
        service(guest=guest, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)
    return redirect("coordination:meeting", pk=guest.meeting_id)


@member_required
@require_POST
def guest_resend(request, pk):
    return _guest_action(
        request,
        pk,
        services.resend_guest_invitation,
        _("Invitation renvoyée avec un nouveau lien ; le lien précédent ne fonctionne plus."),
    )


@member_required
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
                "Ce lien d'invitation n'est pas valide. Si vous avez reçu plusieurs messages pour cette réunion, utilisez le lien du plus récent."
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
    if request.method == "POST":
        valid = form.is_valid()
        # A reply to a cancelled or past meeting is refused by the service,
        # with its French reason, whatever was posted.
        if valid or not can_reply:
            try:
                services.respond_as_guest(token=token, response=form.cleaned_data["response"] if valid else "")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Merci, votre réponse est enregistrée."))
                return redirect(request.path)
        status = 400
    else:
        status = 200
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


@member_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = _managed_meeting(request, pk)
    initial = {
        "present": [str(i.user_id) for i in meeting.invitations.filter(attended=True)],
        "present_guests": [
            str(pk)
            for pk in meeting.guests.filter(removed_at__isnull=True, attended=True).values_list("pk", flat=True)
        ],
        "organisations": meeting.attending_organisations.all(),
    }
    form = f.AttendanceForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        ids = [int(v) for v in form.cleaned_data["present"]]
        guest_ids = [int(v) for v in form.cleaned_data.get("present_guests", [])]
        orgs = [o.pk for o in form.cleaned_data["organisations"]]
        if _run(
            form,
            lambda: services.record_attendance(
                meeting=meeting,
                acting_user=request.user,
                present_user_ids=ids,
                organisation_ids=orgs,
                present_guest_ids=guest_ids,
            ),
        ):
            messages.success(request, _("Présences enregistrées."))
            return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Feuille de présence"), back="coordination:index", submit=_("Enregistrer")
    )


@member_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk):
    meeting = _managed_meeting(request, pk)
    if request.method == "POST" and request.POST.get("op") in ("draft", "approve"):
        op = request.POST["op"]
        try:
            if op == "draft":
                services.draft_minutes(meeting=meeting, acting_user=request.user)
            else:
                services.approve_minutes(meeting=meeting, acting_user=request.user)
                messages.success(request, _("Compte rendu approuvé."))
                return redirect("coordination:meeting", pk=meeting.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("coordination:meeting_minutes", pk=meeting.pk)
    form = f.MinutesForm(request.POST or None, initial={"text": meeting.minutes})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: services.edit_minutes(meeting=meeting, text=form.cleaned_data["text"], acting_user=request.user),
        )
    ):
        messages.success(request, _("Compte rendu enregistré."))
        return redirect("coordination:meeting", pk=meeting.pk)
    return render(
        request, "coordination/minutes.html", {"page_title": _("Compte rendu"), "meeting": meeting, "form": form}
    )


@member_required
@require_http_methods(["GET", "POST"])
def decision_create(request, pk):
    meeting = _managed_meeting(request, pk)
    form = f.DecisionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form, lambda: services.record_decision(acting_user=request.user, meeting=meeting, **form.cleaned_data)
        )
    ):
        messages.success(request, _("Décision enregistrée."))
        return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Enregistrer une décision"), back="coordination:index", submit=_("Enregistrer")
    )


@member_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    meeting = _managed_meeting(request, pk)
    form = f.ActionForm(request.POST or None, decisions=meeting.decisions.all())
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda: services.create_action(acting_user=request.user, meeting=meeting, **form.cleaned_data))
    ):
        messages.success(request, _("Action enregistrée."))
        return redirect("coordination:meeting", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Enregistrer une action"), back="coordination:index", submit=_("Enregistrer")
    )


@member_required
@require_POST
def decision_forward(request, pk):
    from maillage.coordination.models import Decision

    decision = get_object_or_404(Decision.objects.filter(group__in=policies.groups_visible_to(request.user)), pk=pk)
    try:
        services.forward_decision_to_plan(decision=decision, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Décision transmise au plan d'action."))
    return redirect("coordination:group", pk=decision.group_id)


@member_required
@require_http_methods(["GET", "POST"])
def decision_update(request, pk):
    from maillage.coordination.models import Decision

    decision = get_object_or_404(
        Decision.objects.filter(group__in=policies.groups_visible_to(request.user)).select_related("group"), pk=pk
    )
    if not policies.can_manage_group(request.user, decision.group):
        raise PermissionDenied
    form = f.DecisionStatusForm(
        request.POST or None, initial={"status": decision.status, "review_on": decision.review_on}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: services.set_decision_status(decision=decision, acting_user=request.user, **form.cleaned_data),
        )
    ):
        messages.success(request, _("Décision mise à jour."))
        return redirect("coordination:group", pk=decision.group_id)
    return _form_page(
        request,
        form,
        title=_("Réexaminer la décision"),
        intro=decision.statement,
        back="coordination:index",
        submit=_("Enregistrer"),
    )


# --- My actions ------------------------------------------------------------------


def _filters_query(request) -> str:
    """The filters of a list page, for its pagination links: page 2 of a
    search stays that search."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _status_choices():
    # Evaluated once per request (in the active language), not once per row.
    return [(value, str(label)) for value, label in ActionStatus.choices]


@member_required
def my_actions(request):
    form = f.ActionFilterForm(request.GET or None, groups=policies.groups_visible_to(request.user).order_by("name"))
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.my_actions_page(
        request.user,
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
            "query": _filters_query(request),
            "today": timezone.localdate(),
            "status_choices": _status_choices(),
            "open_statuses": ("open", "in_progress"),
        },
    )


@member_required
@require_POST
def action_status(request, pk):
    from maillage.coordination.models import ActionItem

    visible = policies.actions_owed_by(request.user) | ActionItem.objects.filter(
        group__in=policies.groups_visible_to(request.user)
    )
    action = get_object_or_404(visible.distinct(), pk=pk)
    form = f.ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_action_status(action=action, status=form.cleaned_data["status"], acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Action mise à jour."))
    else:
        messages.error(request, _("Statut inconnu."))
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/coordination/")
        else "coordination:my_actions"
    )


# --- Calendar feeds --------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def feeds(request):
    new_url = None
    if request.method == "POST":
        group = None
        if request.POST.get("group"):
            group = get_object_or_404(policies.groups_visible_to(request.user), pk=request.POST["group"])
        issued = services.issue_feed_token(acting_user=request.user, group=group)
        new_url = request.build_absolute_uri(f"/coordination/agenda/{issued.token}.ics")
        messages.success(request, _("Adresse d'abonnement créée. Copiez-la maintenant : elle ne sera plus affichée."))
    tokens = CalendarFeedToken.objects.filter(user=request.user).select_related("group")
    return render(
        request,
        "coordination/feeds.html",
        {
            "page_title": _("Agendas privés"),
            "tokens": tokens,
            "new_url": new_url,
            "groups": policies.groups_visible_to(request.user),
        },
    )


@member_required
@require_POST
def feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeedToken, pk=pk, user=request.user)
    services.revoke_feed_token(feed=feed, acting_user=request.user)
    messages.success(request, _("Adresse d'abonnement révoquée : les agendas abonnés ne seront plus mis à jour."))
    return redirect("coordination:feeds")


@login_not_required
def feed(request, token):
    """Calendar applications fetch this without a session: the secret token is
    the credential. Unknown and revoked tokens are the same 404."""
    found = selectors.feed_for_token(token)
    if found is None:
        raise Http404
    name = found.group.name if found.group_id else _("Maillage — mes réunions")
    meetings = list(selectors.feed_meetings(found))
    # Calendar applications poll the same feed every few minutes: the text is
    # cached under a key made of what it shows (meetings, versions, statuses),
    # so any change or loss of visibility gives a new key at once.
    fingerprint = repr([name, found.pk, *((m.pk, m.sequence, m.status, m.updated_at.isoformat()) for m in meetings)])
    key = "coordination-feed:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
    body = cache.get(key)
    if body is None:
        body = feed_ics(meetings, name=name)
        cache.set(key, body, 300)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Correspondence register ------------------------------------------------------


def _assignees():
    return selectors.coordination_people()


@member_required
def letters(request):
    form = f.LetterSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.search_letters(
        request.user,
        words=filters.get("q") or "",
        organisation_id=filters["organisation"].pk if filters.get("organisation") else None,
        start=filters.get("start"),
        end=filters.get("end"),
        status=filters.get("status") or "",
        direction=filters.get("direction") or "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/letters.html",
        {
            "page_title": _("Registre du courrier"),
            "form": form,
            "page": page,
            "query": _filters_query(request),
            "can_manage": policies.can_manage_letters(request.user),
            "overdue_view": False,
            "today": timezone.localdate(),
        },
    )


@member_required
def letters_overdue(request):
    qs = selectors.overdue_letters(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/letters.html",
        {
            "page_title": _("Courriers en retard de réponse"),
            "page": page,
            "can_manage": policies.can_manage_letters(request.user),
            "overdue_view": True,
            "today": timezone.localdate(),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def letter_create(request):
    if not policies.can_manage_letters(request.user):
        raise PermissionDenied
    user = request.user
    initial = {"in_reply_to": request.GET.get("reponse")} if request.GET.get("reponse", "").isdigit() else None
    form = f.LetterForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        letters=policies.letters_visible_to(user),
        groups=policies.groups_visible_to(user),
        dossiers=policies.dossiers_visible_to(user),
        assignees=_assignees(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        letter = _run(form, lambda: services.register_letter(acting_user=user, **data))
        if letter:
            messages.success(request, _("Courrier enregistré sous le numéro %(ref)s.") % {"ref": letter.reference})
            return redirect("coordination:letter", pk=letter.pk)
    return _form_page(
        request,
        form,
        title=_("Enregistrer un courrier"),
        back="coordination:letters",
        submit=_("Enregistrer"),
        multipart=True,
        warning=_(
            "Un courrier ne contient jamais l'identité d'une victime : ni nom, ni date de naissance, ni adresse. Vérifiez le fichier avant de le joindre."
        ),
    )


@member_required
@require_http_methods(["GET", "POST"])
def letter_detail(request, pk):
    letter = get_object_or_404(
        policies.letters_visible_to(request.user).select_related(
            "sender_organisation", "recipient_organisation", "assignee", "in_reply_to", "group", "dossier"
        ),
        pk=pk,
    )
    can_manage = policies.can_manage_letters(request.user)
    form = (
        f.LetterUpdateForm(
            request.POST or None,
            assignees=_assignees(),
            initial={"status": letter.status, "assignee": letter.assignee},
        )
        if can_manage
        else None
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid() and _run(
            form,
            lambda: services.update_letter(
                letter=letter,
                acting_user=request.user,
                status=form.cleaned_data["status"],
                assignee=form.cleaned_data["assignee"],
            ),
        ):
            messages.success(request, _("Courrier mis à jour."))
            return redirect("coordination:letter", pk=letter.pk)
    # A partner sees its own correspondence with the mission, no more: the
    # linked letters, group and dossier are shown only when the reader may
    # open them (another organisation's letter, a members-only group).
    visible_letters = policies.letters_visible_to(request.user)
    in_reply_to = (
        letter.in_reply_to
        if letter.in_reply_to_id and visible_letters.filter(pk=letter.in_reply_to_id).exists()
        else None
    )
    group = (
        letter.group
        if letter.group_id and policies.groups_visible_to(request.user).filter(pk=letter.group_id).exists()
        else None
    )
    dossier = (
        letter.dossier
        if letter.dossier_id and policies.dossiers_visible_to(request.user).filter(pk=letter.dossier_id).exists()
        else None
    )
    return render(
        request,
        "coordination/letter_detail.html",
        {
            "page_title": letter.reference,
            "letter": letter,
            "form": form,
            "replies": visible_letters.filter(in_reply_to=letter),
            "in_reply_to": in_reply_to,
            "group": group,
            "dossier": dossier,
            "can_manage": can_manage,
        },
    )


@member_required
def letter_attachment(request, pk):
    letter = get_object_or_404(policies.letters_visible_to(request.user), pk=pk)
    if not letter.attachment:
        raise Http404
    return FileResponse(
        letter.attachment.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"courrier-{letter.reference}.pdf",
    )


# --- Advocacy dossiers --------------------------------------------------------------


def _dossier(request, pk):
    return get_object_or_404(policies.dossiers_visible_to(request.user).select_related("lead_organisation"), pk=pk)


@member_required
def dossiers(request):
    return render(
        request,
        "coordination/dossiers.html",
        {
            "page_title": _("Dossiers de plaidoyer"),
            "dossiers": policies.dossiers_visible_to(request.user).select_related("lead_organisation"),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def dossier_create(request):
    form = f.DossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_dossier(acting_user=request.user, **form.cleaned_data)
        except PermissionDenied:
            form.add_error("lead_organisation", _("Vous ne pouvez porter un dossier qu'au nom de votre organisation."))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Dossier créé."))
            return redirect("coordination:dossier", pk=dossier.pk)
    return _form_page(
        request, form, title=_("Nouveau dossier de plaidoyer"), back="coordination:dossiers", submit=_("Créer")
    )


@member_required
@require_http_methods(["GET", "POST"])
def dossier_detail(request, pk):
    dossier = _dossier(request, pk)
    can_manage = policies.can_manage_dossier(request.user, dossier)
    step_form = f.StepForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if request.POST.get("op") == "status":
            status_form = f.DossierStatusForm(request.POST)
            if status_form.is_valid():
                services.set_dossier_status(
                    dossier=dossier, status=status_form.cleaned_data["status"], acting_user=request.user
                )
                messages.success(request, _("Statut du dossier mis à jour."))
            return redirect("coordination:dossier", pk=dossier.pk)
        if step_form.is_valid() and _run(
            step_form, lambda: services.add_step(dossier=dossier, acting_user=request.user, **step_form.cleaned_data)
        ):
            messages.success(request, _("Étape ajoutée."))
            return redirect("coordination:dossier", pk=dossier.pk)
    return render(
        request,
        "coordination/dossier_detail.html",
        {
            "page_title": dossier.title,
            "dossier": dossier,
            "linkable_meetings": policies.meetings_visible_to(request.user)
            .exclude(dossiers=dossier)
            .order_by("-starts_at")[:50]
            if can_manage
            else [],
            "steps": dossier.steps.all(),
            "supporters": dossier.supporting_organisations.all(),
            "letters": policies.letters_visible_to(request.user).filter(dossier=dossier),
            "meetings": dossier.meetings.filter(pk__in=policies.meetings_visible_to(request.user).values("pk")),
            "documents": dossier.documents.all(),
            "can_manage": can_manage,
            "step_form": step_form,
            "status_form": f.DossierStatusForm(initial={"status": dossier.status}),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def dossier_document_add(request, pk):
    dossier = _dossier(request, pk)
    if not policies.can_manage_dossier(request.user, dossier):
        raise PermissionDenied
    form = f.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                acting_user=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["attachment"],
                dossier=dossier,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Document ajouté."))
            return redirect("coordination:dossier", pk=dossier.pk)
    return _form_page(
        request,
        form,
        title=_("Ajouter un document au dossier"),
        back="coordination:dossiers",
        submit=_("Ajouter"),
        multipart=True,
        warning=_("Un document ne contient jamais l'identité d'une victime."),
    )


@member_required
@require_POST
def dossier_link_meeting(request, pk):
    dossier = _dossier(request, pk)
    if not policies.can_manage_dossier(request.user, dossier):
        raise PermissionDenied
    meeting = get_object_or_404(policies.meetings_visible_to(request.user), pk=request.POST.get("meeting") or 0)
    services.link_meeting_to_dossier(dossier=dossier, meeting=meeting, acting_user=request.user)
    messages.success(request, _("Réunion liée au dossier."))
    return redirect("coordination:dossier", pk=dossier.pk)


@member_required
@require_http_methods(["GET", "POST"])
def step_update(request, pk):
    step = get_object_or_404(DossierStep.objects.filter(dossier__in=policies.dossiers_visible_to(request.user)), pk=pk)
    if not policies.can_manage_dossier(request.user, step.dossier):
        raise PermissionDenied
    form = f.StepUpdateForm(request.POST or None, initial={"due_on": step.due_on, "done_on": step.done_on})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda: services.update_step(step=step, acting_user=request.user, **form.cleaned_data))
    ):
        messages.success(request, _("Étape mise à jour."))
        return redirect("coordination:dossier", pk=step.dossier_id)
    return _form_page(
        request,
        form,
        title=_("Étape : %(l)s") % {"l": step.label},
        back="coordination:dossiers",
        submit=_("Enregistrer"),
    )


# --- Appointments ------------------------------------------------------------------------


@member_required
def appointments(request):
    qs = policies.appointments_visible_to(request.user).select_related(
        "proposer_organisation", "target_organisation", "meeting"
    )
    return render(request, "coordination/appointments.html", {"page_title": _("Rendez-vous"), "appointments": qs})


@member_required
@require_http_methods(["GET", "POST"])
def appointment_create(request):
    form = f.AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        appointment = _run(
            form,
            lambda: services.propose_appointment(
                acting_user=request.user,
                proposer_organisation=request.membership.organisation,
                target_organisation=data["target_organisation"],
                subject=data["subject"],
                message=data["message"],
                mode=data["mode"],
                place=data["place"],
                slots=form.slots(),
            ),
        )
        if appointment:
            messages.success(request, _("Créneaux proposés ; l'organisation invitée choisira."))
            return redirect("coordination:appointment", pk=appointment.pk)
    return _form_page(
        request,
        form,
        title=_("Proposer un rendez-vous"),
        back="coordination:appointments",
        submit=_("Proposer ces créneaux"),
    )


@member_required
@require_http_methods(["GET", "POST"])
def appointment_detail(request, pk):
    appointment = get_object_or_404(
        policies.appointments_visible_to(request.user).select_related(
            "proposer_organisation", "target_organisation", "meeting"
        ),
        pk=pk,
    )
    can_pick = (
        policies.can_pick_slot(request.user, appointment)
        and appointment.status == "pending"
        and appointment.slots.filter(starts_at__gt=timezone.now()).exists()
    )
    form = f.PickSlotForm(request.POST or None, appointment=appointment) if can_pick else None
    if request.method == "POST":
        if not can_pick:
            raise PermissionDenied
        if form.is_valid():
            meeting = _run(
                form,
                lambda: services.pick_slot(
                    appointment=appointment, slot=form.cleaned_data["slot"], acting_user=request.user
                ),
            )
            if meeting:
                messages.success(request, _("Rendez-vous fixé ; les deux parties reçoivent l'invitation."))
                return redirect("coordination:meeting", pk=meeting.pk)
    return render(
        request,
        "coordination/appointment_detail.html",
        {
            "page_title": appointment.subject,
            "appointment": appointment,
            "form": form,
            "slots": appointment.slots.all(),
        },
    )


# --- Weekly digest (in-app) ---------------------------------------------------------------


@member_required
def digest(request):
    return render(
        request,
        "coordination/digest.html",
        {
            "page_title": _("Ma semaine"),
            **selectors.digest_for(request.user),
            "enabled": request.user.weekly_digest_enabled,
        },
    )


@member_required
@require_POST
def digest_toggle(request):
    services.set_digest_preference(user=request.user, enabled=request.POST.get("enabled") == "1")
    messages.success(request, _("Préférence enregistrée."))
    return redirect("coordination:digest")
