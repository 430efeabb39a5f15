"""Shared by the case pages: the case read through the case file's policy (404 otherwise)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from maillage.cases import access as case_access
from maillage.cases import enums, policies, selectors, workflow
from maillage.organisations.actor import actor_for_request
from maillage.www.common import acting_organisation


def access_or_404(request, pk, part="owner") -> case_access.CaseAccess:
    """`part`: what the page shows. Partners reached through a grant (an
    accepted referral, an Ac.Sé host's place) open only the detail page and
    the parts shared with them (data minimisation); every other page is the
    owner's. Anything else is a 404, whether the case exists elsewhere or not
    (R-PRIVACY)."""
    access = selectors.case_access_for(actor_for_request(request), acting_organisation(request), pk, part=part)
    if access is None:
        raise Http404
    return access


def case_or_404(request, pk, part="owner"):
    return access_or_404(request, pk, part).case


def case_context(request, case, **extra):
    return {"case": case, "page_title": case.reference, **extra}


def target_choices(case) -> list[tuple[str, str]]:
    if case.is_closed:
        return [("reopen", _("Rouvrir le dossier"))]
    labels = dict(enums.CaseStatus.choices)
    return [(t, labels[t]) for t in workflow.allowed_targets(case.status)]


def require_case_worker(request):
    organisation = acting_organisation(request)
    if not policies.can_create_in(actor_for_request(request), organisation):
        raise Http404
    return organisation
