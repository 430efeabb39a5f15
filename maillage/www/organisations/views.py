"""An organisation's own pages: members, invitations, journal, and the choice
of the organisation one acts for. Pages about another organisation answer 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.organisations import policies, selectors, services
from maillage.organisations.middleware import SESSION_ACTIVE_MEMBERSHIP, request_memberships

from ..common import actor_for_request, form_view, run_action
from .forms import InviteForm, RoleForm, SwitchForm


def _organisation_or_404(request, slug):
    """Only members reach an organisation's internal pages; anyone else gets a
    404 that does not confirm the organisation exists internally."""
    organisation = selectors.organisation_for_member(request.user, slug)
    if organisation is None:
        raise Http404
    return organisation


def _admin_organisation_or_404(request, slug):
    organisation = _organisation_or_404(request, slug)
    if not policies.can_manage_members(actor_for_request(request), organisation):
        raise Http404
    return organisation


def _to_members(organisation):
    return lambda _result: redirect("organisation_members", slug=organisation.slug)


def members(request, slug):
    organisation = _organisation_or_404(request, slug)
    actor = actor_for_request(request)
    can_manage = policies.can_manage_members(actor, organisation)
    context = {
        "page_title": _("Membres de %(org)s") % {"org": organisation.display_name},
        "organisation": organisation,
        "memberships": policies.members_visible_to(actor, organisation),
        "invitations": selectors.pending_invitations(actor, organisation),
        "can_manage": can_manage,
        "invite_form": InviteForm(organisation=organisation) if can_manage else None,
    }
    return render(request, "organisations/members.html", context)


@require_http_methods(["GET", "POST"])
def invite(request, slug):
    organisation = _admin_organisation_or_404(request, slug)
    form = InviteForm(request.POST or None, organisation=organisation)
    return form_view(
        request,
        form,
        call=lambda data: services.invite_member(organisation=organisation, acting_user=request.user, **data),
        message=lambda _issued: (
            _("Invitation envoyée à %(email)s. Le lien est valable 7 jours et ne sert qu'une fois.")
            % {"email": form.cleaned_data["email"]}
        ),
        success=_to_members(organisation),
        template="organisations/invite.html",
        context={"page_title": _("Inviter une personne"), "organisation": organisation},
    )


@require_POST
def remove_member(request, slug, membership_id):
    organisation = _admin_organisation_or_404(request, slug)
    membership = get_object_or_404(
        policies.members_visible_to(actor_for_request(request), organisation), pk=membership_id
    )
    run_action(
        request,
        lambda: services.remove_member(membership=membership, acting_user=request.user),
        success=_("%(person)s n'a plus accès aux données de l'organisation.") % {"person": membership.user},
    )
    return redirect("organisation_members", slug=organisation.slug)


@require_http_methods(["GET", "POST"])
def change_role(request, slug, membership_id):
    organisation = _admin_organisation_or_404(request, slug)
    membership = get_object_or_404(
        selectors.active_members(actor_for_request(request), organisation), pk=membership_id
    )
    form = RoleForm(
        request.POST or None,
        organisation=organisation,
        initial={"role": membership.role, "is_admin": membership.is_admin},
    )
    return form_view(
        request,
        form,
        call=lambda data: services.change_role(membership=membership, acting_user=request.user, **data),
        message=_("Rôle mis à jour."),
        success=_to_members(organisation),
        template="organisations/change_role.html",
        context={"page_title": _("Modifier le rôle"), "organisation": organisation, "membership": membership},
    )


@require_POST
def revoke_invitation(request, slug, invitation_id):
    organisation = _admin_organisation_or_404(request, slug)
    invitation = get_object_or_404(
        policies.invitations_visible_to(actor_for_request(request), organisation), pk=invitation_id
    )
    run_action(
        request,
        lambda: services.revoke_invitation(invitation=invitation, acting_user=request.user),
        success=_("Invitation annulée."),
        denied=_("Action non autorisée."),
    )
    return redirect("organisation_members", slug=organisation.slug)


def access_log(request, slug):
    """Who read or changed this organisation's records (administrators only)."""
    organisation = _organisation_or_404(request, slug)
    actor = actor_for_request(request)
    if not policies.can_view_access_log(actor, organisation):
        raise Http404
    kind = request.GET.get("type", "")
    page = Paginator(selectors.access_log_for(actor, organisation, kind=kind), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/access_log.html",
        {"page_title": _("Journal des accès"), "organisation": organisation, "page": page, "kind": kind},
    )


@require_http_methods(["GET", "POST"])
def switch(request):
    memberships = request_memberships(request)
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
