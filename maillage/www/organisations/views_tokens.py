"""An organisation's API tokens (issue 14): its administrators create them
(the secret is shown once, on the page that answers the creation, never
stored in clear nor put in a message), see their last use, and revoke them."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.api import policies, selectors, services

from ..common import actor_for_request, denied_as_404, run_action, run_service
from .forms import ApiTokenForm
from .views import _organisation_or_404


def _admin_or_404(request, slug):
    organisation = _organisation_or_404(request, slug)
    if not policies.can_manage_tokens(actor_for_request(request), organisation):
        raise Http404
    return organisation


@require_http_methods(["GET", "POST"])
def tokens(request, slug):
    organisation = _admin_or_404(request, slug)
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        with denied_as_404():
            ok, result = run_service(
                form,
                lambda: services.create_token(
                    organisation=organisation, acting_user=request.user, **form.cleaned_data
                ),
            )
        if ok:
            _token, secret = result
            form = ApiTokenForm()
    context = {
        "page_title": _("Jetons d'API de %(org)s") % {"org": organisation.display_name},
        "organisation": organisation,
        "tokens": selectors.tokens_of(actor_for_request(request), organisation),
        "form": form,
        "secret": secret,
    }
    response = render(request, "organisations/api_tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke_token(request, slug, token_id):
    organisation = _admin_or_404(request, slug)
    token = selectors.token_of(actor_for_request(request), organisation, token_id)
    if token is None:
        raise Http404
    with denied_as_404():
        run_action(
            request,
            lambda: services.revoke_token(token=token, acting_user=request.user),
            success=_("Jeton « %(name)s » révoqué : il ne donne plus accès.") % {"name": token.name},
        )
    return redirect("organisation_api_tokens", slug=organisation.slug)
