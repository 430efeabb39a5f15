from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.core.selectors import access_log_for
from maillage.organisations import policies, services
from maillage.organisations.middleware import SESSION_ACTIVE_MEMBERSHIP
from maillage.organisations.selectors import organisation_for_member

from .forms import InviteForm, RoleForm, SwitchForm


def _organisation_or_404(request, slug):
    """Only members reach an organisation's internal pages; anyone else gets a
    404 that does not confirm the organisation exists internally."""
    organisation = organisation_for_member(request.user, slug)
    if organisation is None:
        raise Http404
    return organisation


def _admin_organisation_or_404(request, slug):
    organisation = _organisation_or_404(request, slug)
    if not policies.can_manage_members(request.user, organisation):
        raise Http404
    return organisation


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def members(request, slug):
    organisation = _organisation_or_404(request, slug)
    can_manage = policies.can_manage_members(request.user, organisation)
    context = {
        "page_title": _("Membres de %(org)s") % {"org": organisation.display_name},
        "organisation": organisation,
        "memberships": policies.members_visible_for(request.user, organisation),
        "invitations": policies.invitations_visible_for(request.user, organisation).filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ),
        "can_manage": can_manage,
        "invite_form": InviteForm(organisation=organisation) if can_manage else None,
    }
    return render(request, "organisations/members.html", context)


@require_http_methods(["GET", "POST"])
def invite(request, slug):
    organisation = _admin_organisation_or_404(request, slug)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                is_admin=form.cleaned_data["is_admin"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s. Le lien est valable 7 jours et ne sert qu'une fois.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisation_members", slug=organisation.slug)
    return render(
        request,
        "organisations/invite.html",
        {"page_title": _("Inviter une personne"), "organisation": organisation, "form": form},
    )


@require_POST
def remove_member(request, slug, membership_id):
    organisation = _admin_organisation_or_404(request, slug)
    membership = get_object_or_404(policies.members_visible_for(request.user, organisation), pk=membership_id)
    try:
        services.remove_member(membership=membership, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("%(person)s n'a plus accès aux données de l'organisation.") % {"person": membership.user}
        )
    return redirect("organisation_members", slug=organisation.slug)


@require_http_methods(["GET", "POST"])
def change_role(request, slug, membership_id):
    organisation = _admin_organisation_or_404(request, slug)
    membership = get_object_or_404(
        policies.members_visible_for(request.user, organisation).filter(is_active=True), pk=membership_id
    )
    form = RoleForm(
        request.POST or None,
        organisation=organisation,
        initial={"role": membership.role, "is_admin": membership.is_admin},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                is_admin=form.cleaned_data["is_admin"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Rôle mis à jour."))
            return redirect("organisation_members", slug=organisation.slug)
    return render(
        request,
        "organisations/change_role.html",
        {"page_title": _("Modifier le rôle"), "organisation": organisation, "membership": membership, "form": form},
    )


@require_POST
def revoke_invitation(request, slug, invitation_id):
    organisation = _admin_organisation_or_404(request, slug)
    invitation = get_object_or_404(policies.invitations_visible_for(request.user, organisation), pk=invitation_id)
    try:
        services.revoke_invitation(invitation=invitation, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else _("Action non autorisée."))
    else:
        messages.success(request, _("Invitation annulée."))
    return redirect("organisation_members", slug=organisation.slug)


def access_log(request, slug):
    """Who read or changed this organisation's records (administrators only)."""
    organisation = _organisation_or_404(request, slug)
    if not policies.can_view_access_log(request.user, organisation):
        raise Http404
    kind = request.GET.get("type", "")
    qs = access_log_for(request.user, organisation, kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/access_log.html",
        {"page_title": _("Journal des accès"), "organisation": organisation, "page": page, "kind": kind},
    )


@require_http_methods(["GET", "POST"])
def switch(request):
    memberships = list(policies.active_memberships(request.user).order_by("organisation__name"))
    if request.method == "POST":
        form = SwitchForm(request.POST)
        if form.is_valid():
            chosen = next((m for m in memberships if m.pk == form.cleaned_data["membership"]), None)
            if chosen is None:
                raise Http404
            request.session[SESSION_ACTIVE_MEMBERSHIP] = chosen.pk
            messages.success(request, _("Vous agissez maintenant pour %(org)s.") % {"org": chosen.organisation.name})
            return redirect("home")
    return render(
        request,
        "organisations/switch.html",
        {"page_title": _("Mes organisations"), "memberships": memberships, "active": request.membership},
    )
