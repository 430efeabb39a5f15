"""The coordination home, working groups, their members and documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.coordination import policies, selectors, services

from ...common import actor_for_request, membership_required, run_action
from .. import forms as f
from .shared import coordination_form, managed_group, to, visible_group


@membership_required
def index(request):
    actor = actor_for_request(request)
    return render(
        request,
        "coordination/index.html",
        {
            "page_title": _("Coordination"),
            "groups": selectors.top_level_groups(actor),
            "meetings": selectors.upcoming_meetings(actor, limit=10),
            "overdue": selectors.my_actions(actor, overdue_only=True)[:10],
            "can_create_group": policies.can_create_group(actor),
            "is_coordination_body": policies.is_coordination_body(actor),
        },
    )


@membership_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    actor = actor_for_request(request)
    if not policies.can_create_group(actor):
        raise PermissionDenied
    form = f.GroupForm(request.POST or None, parents=policies.groups_visible_to(actor))
    return coordination_form(
        request,
        form,
        call=lambda data: services.create_group(acting_user=request.user, **data),
        message=_("Groupe de travail créé."),
        success=lambda group: redirect("coordination:group", pk=group.pk),
        title=_("Créer un groupe de travail"),
        back="coordination:index",
        submit=_("Créer le groupe"),
    )


@membership_required
def group_detail(request, pk):
    group = visible_group(request, pk)
    actor = actor_for_request(request)
    today = timezone.localdate()
    return render(
        request,
        "coordination/group_detail.html",
        {
            "page_title": group.name,
            "group": group,
            "members": selectors.group_members(group),
            "subgroups": selectors.subgroups(actor, group),
            "parent": selectors.visible_parent(actor, group),
            "next_meeting": selectors.upcoming_meetings(actor, group=group).first(),
            "past_meetings": selectors.past_meetings(group),
            "decisions": selectors.open_decisions(group),
            "overdue": selectors.overdue_actions(group, today=today),
            "documents": group.documents.all(),
            "can_manage": policies.can_manage_group(actor, group),
            "today": today,
        },
    )


def _without_empty_pilot(data: dict) -> dict:
    """No pilot chosen means « keep the current one »."""
    return {k: v for k, v in data.items() if not (k == "pilot" and v is None)}


@membership_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = managed_group(request, pk)
    initial = {name: getattr(group, name) for name in ("name", "mandate", "focus", "status", "visibility", "pilot")}
    form = f.GroupEditForm(request.POST or None, initial=initial, group=group)
    return coordination_form(
        request,
        form,
        call=lambda data: services.update_group(group=group, acting_user=request.user, **_without_empty_pilot(data)),
        message=_("Groupe de travail mis à jour."),
        success=to("coordination:group", pk=group.pk),
        title=_("Modifier le groupe de travail"),
        back="coordination:index",
        submit=_("Enregistrer"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def group_member_add(request, pk):
    group = managed_group(request, pk)
    form = f.GroupMemberForm(request.POST or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.add_group_member(
            group=group,
            user=data["membership"].user,
            organisation=data["membership"].organisation,
            role=data["role"],
            acting_user=request.user,
        ),
        message=_("Membre ajouté au groupe."),
        success=to("coordination:group", pk=group.pk),
        title=_("Ajouter un membre à « %(g)s »") % {"g": group.name},
        back="coordination:index",
        submit=_("Ajouter"),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def group_member_remove(request, pk, member_id):
    group = managed_group(request, pk)
    member = get_object_or_404(selectors.group_members(group), pk=member_id)
    if request.method == "POST":
        ok, withdrawn = run_action(
            request,
            lambda: services.remove_group_member(member=member, acting_user=request.user),
            success=_("%(who)s ne fait plus partie du groupe.") % {"who": member.user},
        )
        if ok and withdrawn:
            messages.info(request, _("Invitations retirées aux réunions à venir : %(n)s.") % {"n": withdrawn})
        return redirect("coordination:group", pk=group.pk)
    return render(
        request,
        "coordination/group_member_remove.html",
        {"page_title": _("Retirer un membre du groupe"), "group": group, "member": member},
    )


@membership_required
@require_http_methods(["GET", "POST"])
def group_document_add(request, pk):
    group = visible_group(request, pk)
    if request.method == "POST" and not policies.can_share_documents(actor_for_request(request), group):
        raise PermissionDenied  # observers read the documents, they do not add any
    form = f.DocumentForm(request.POST or None, request.FILES or None)
    return coordination_form(
        request,
        form,
        call=lambda data: services.add_document(
            acting_user=request.user, title=data["title"], upload=data["attachment"], group=group
        ),
        message=_("Document ajouté."),
        success=to("coordination:group", pk=group.pk),
        title=_("Ajouter un document"),
        back="coordination:index",
        submit=_("Ajouter"),
        multipart=True,
        warning=_("Un document ne contient jamais l'identité d'une victime."),
    )


@membership_required
def document_download(request, pk):
    document = get_object_or_404(policies.documents_visible_to(actor_for_request(request)), pk=pk)
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"document-{document.pk}.pdf",
    )
