from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.accounts import mfa
from maillage.accounts.services import update_profile
from maillage.organisations.services import InvitationError, accept_invitation, find_usable_invitation

from ..common import actor_for_request, form_view
from .forms import AcceptInvitationForm, ProfileForm


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Single-use, expiring activation link sent by an organisation administrator."""
    try:
        invitation = find_usable_invitation(token)
    except InvitationError as exc:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"page_title": _("Invitation"), "message": str(exc)},
            status=404,
        )

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = accept_invitation(token=token, user=request.user)
            except InvitationError as exc:
                messages.error(request, str(exc))
                return redirect("home")
            messages.success(request, _("Vous avez rejoint %(org)s.") % {"org": membership.organisation.name})
            return redirect("home")
        return render(
            request, "accounts/invitation_confirm.html", {"page_title": _("Invitation"), "invitation": invitation}
        )

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            accept_invitation(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Votre compte est activé. Connectez-vous, puis configurez votre second facteur d'authentification."),
            )
            return redirect("account_login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"page_title": _("Activer votre compte"), "invitation": invitation, "form": form},
    )


@require_http_methods(["GET"])
def email_address(request):
    """The sign-in address is the one the organisation's invitation was sent to
    and proved by its link: it is not changed by its holder. allauth's page
    would let anyone holding a session (plain members have no second factor)
    add an address and make it primary without verification (our accounts have
    no verified address record), then reset the password there: a stolen
    session would become a stolen account. A new address comes with a new
    invitation from an administrator (docs/security.md)."""
    return render(request, "accounts/email.html", {"page_title": _("Adresse électronique de connexion")})


@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    memberships = actor_for_request(request).memberships
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "weekly_digest_enabled": user.weekly_digest_enabled,
        },
    )
    return form_view(
        request,
        form,
        call=lambda data: update_profile(user=user, acting_user=user, **data),
        message=_("Vos informations ont été enregistrées."),
        success="account_profile",
        template="accounts/profile.html",
        context={
            "page_title": _("Mon compte"),
            "memberships": memberships,
            "has_second_factor": mfa.has_second_factor(user),
            "requires_mfa": mfa.second_factor_required(user, memberships),
        },
    )
