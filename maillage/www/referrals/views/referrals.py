"""Referral pages: inbox and outbox, a case's referrals, sending, answering, the anonymous notification,
the coordination's national view (aggregates only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cases import access as case_access
from maillage.cases import selectors as case_selectors
from maillage.organisations.actor import actor_for_request
from maillage.referrals import policies, roles, selectors, services
from maillage.referrals.enums import ConsentBasis, ReferralKind
from maillage.www.common import denied_as_404, deny_as_404, run_service

from .. import forms
from .common import case_or_404, message_error, require_worker


def inbox(request):
    organisation = require_worker(request)
    box = selectors.box_for(
        actor_for_request(request),
        organisation,
        box=request.GET.get("boite", "recues"),
        group=request.GET.get("etat", ""),
    )
    paginator = Paginator(box.referrals, 50)
    # The groups partition the box: the per-group counts already give the total (one query less).
    paginator.count = box.counts.get(box.group, 0) if box.group else sum(box.counts.values())
    page = paginator.get_page(request.GET.get("page"))
    labels = selectors.service_labels()
    for referral in page:
        referral.service_label = labels.get(referral.service, referral.service)
    groups = [(key, label, box.counts.get(key, 0)) for key, label in selectors.GROUPS.items()]
    return render(
        request,
        "referrals/inbox.html",
        {"page_title": _("Orientations"), "box": box, "page": page, "groups": groups, "organisation": organisation},
    )


def case_referrals(request, case_pk):
    organisation = require_worker(request)
    case = case_or_404(request, organisation, case_pk)
    referrals = list(selectors.referrals_for_case(actor_for_request(request), organisation, case))
    labels = selectors.service_labels()
    for referral in referrals:
        referral.service_label = labels.get(referral.service, referral.service)
    return render(
        request,
        "referrals/case_referrals.html",
        {
            "page_title": _("Orientations du dossier %(ref)s") % {"ref": case.reference},
            "case": case,
            "referrals": referrals,
        },
    )


@require_http_methods(["GET", "POST"])
def create(request, case_pk):
    organisation = require_worker(request)
    actor = actor_for_request(request)
    case = case_or_404(request, organisation, case_pk)
    if not policies.can_refer(actor, organisation, case):
        raise Http404
    visible_parts = case_access.parts_for(actor, case)
    search = forms.SearchForm(request.GET or None, auto_id="recherche-%s")
    service = search.cleaned_data.get("service", "") if search.is_valid() else ""
    suggestions = []
    if service or (search.is_valid() and search.cleaned_data.get("nom")):
        suggestions = selectors.suggest_recipients(
            user=request.user,
            organisation=organisation,
            case=case,
            service=service,
            danger_departements=search.danger_departements(),
            text=search.cleaned_data.get("nom", ""),
        )
    initial = {
        "service": service,
        "consent_basis": ConsentBasis.MINOR_CHILD_PROTECTION if case.treated_as_minor else ConsentBasis.CONSENT,
    }
    form = forms.ReferralForm(request.POST or None, initial=initial, visible_parts=visible_parts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = selectors.chosen_organisation(data["recipient"])
        if recipient is None:
            form.add_error(None, _("Choisissez l'organisation destinataire dans la liste des suggestions."))
        else:
            with denied_as_404():
                ok, referral = run_service(
                    form,
                    lambda: services.create_referral(
                        case=case,
                        organisation=organisation,
                        acting_user=request.user,
                        recipient=recipient,
                        service=data["service"],
                        urgent=data["urgent"],
                        shared_parts=data["shared_parts"],
                        consent_basis=data["consent_basis"],
                        kind=data["kind"],
                        message=data["message"],
                        consent_on=data["consent_on"],
                        consent_method=data["consent_method"],
                        consent_scope=data["consent_scope"],
                        override_reason=data["override_reason"],
                        send=request.POST.get("envoyer") == "1",
                    ),
                )
            if ok:
                messages.success(
                    request,
                    _("Orientation envoyée.")
                    if referral.status == "sent"
                    else _("Brouillon d'orientation enregistré."),
                )
                return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/create.html",
        {
            "page_title": _("Orienter le dossier %(ref)s") % {"ref": case.reference},
            "case": case,
            "search": search,
            "form": form,
            "suggestions": suggestions,
            "chosen": request.POST.get("recipient") or "",
            "can_transfer": policies.can_transfer(actor, organisation, case),
            "transfer": ReferralKind.TRANSFER,
        },
        status=400 if request.method == "POST" else 200,
    )


def detail(request, pk):
    organisation = require_worker(request)
    actor = actor_for_request(request)
    referral = selectors.referral_for(actor, organisation, pk)
    if referral is None:
        raise Http404
    return render(
        request,
        "referrals/detail.html",
        {
            "page_title": referral.label,
            "referral": referral,
            "side": roles.side(actor, organisation, referral),
            "events": selectors.history_of(referral),
            "decline_form": forms.DeclineForm(),
            "can_open_case": case_selectors.case_for(actor, organisation, referral.case_id) is not None,
            "service_label": selectors.service_labels().get(referral.service),
        },
    )


ACTIONS = {
    "envoyer": (
        lambda r, o, u, p: services.send_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Orientation envoyée."),
    ),
    "retirer": (
        lambda r, o, u, p: services.withdraw_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Orientation retirée."),
    ),
    "accepter": (
        lambda r, o, u, p: services.accept_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Orientation acceptée."),
    ),
    "refuser": (
        lambda r, o, u, p: services.decline_referral(
            referral=r, organisation=o, acting_user=u, reason=p.get("reason", ""), comment=p.get("comment", "")
        ),
        _lazy("Orientation refusée."),
    ),
    "terminer": (
        lambda r, o, u, p: services.complete_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Service rendu : orientation terminée."),
    ),
}


@require_POST
@deny_as_404
def act(request, pk, action):
    organisation = require_worker(request)
    referral = selectors.referral_for(actor_for_request(request), organisation, pk)
    spec = ACTIONS.get(action)
    if referral is None or spec is None:
        raise Http404
    call, success = spec
    try:
        call(referral, organisation, request.user, request.POST)
    except ValidationError as exc:
        message_error(request, exc)
    else:
        messages.success(request, str(success))
    return redirect("referrals:detail", pk=referral.pk)


@require_http_methods(["GET", "POST"])
def anonymous_notification(request):
    organisation = require_worker(request)
    form = forms.AnonymousNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _notification = run_service(
            form,
            lambda: services.record_anonymous_notification(
                organisation=organisation, acting_user=request.user, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(
                request, _("Signalement anonyme enregistré : seuls des éléments non identifiants ont été conservés.")
            )
            return redirect("referrals:inbox")
    return render(request, "referrals/anonymous.html", {"page_title": _("Signalement anonyme"), "form": form})


# --- coordination (aggregates only) -------------------------------------------------------------


def coordination(request):
    if not actor_for_request(request).is_coordinator:
        raise Http404
    return render(
        request,
        "referrals/coordination.html",
        {"page_title": _("Orientations : vue nationale"), **selectors.coordination_figures()},
    )
