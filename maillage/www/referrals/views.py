"""Referral pages. Thin: reads through maillage.referrals.selectors (restricted
querysets, anything else is a 404), writes through maillage.referrals.services
and maillage.referrals.pathways, with the web toolkit (maillage.www.common).
The actor is read once per request (`actor_for_request`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cases import policies as case_policies
from maillage.cases import selectors as case_selectors
from maillage.organisations.actor import actor_for_request
from maillage.referrals import pathways, policies, selectors, services
from maillage.referrals.enums import ConsentBasis, MinorStepKind, ReferralKind
from maillage.www.common import acting_organisation, denied_as_404, deny_as_404, run_service

from . import forms


def _require_worker(request):
    organisation = acting_organisation(request)
    if policies.acting_membership(actor_for_request(request), organisation) is None:
        raise Http404
    return organisation


def _message_error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def inbox(request):
    organisation = _require_worker(request)
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


def _case_or_404(request, organisation, case_pk):
    case = case_selectors.case_for(actor_for_request(request), organisation, case_pk)
    if case is None:
        raise Http404
    return case


def case_referrals(request, case_pk):
    organisation = _require_worker(request)
    case = _case_or_404(request, organisation, case_pk)
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
    organisation = _require_worker(request)
    actor = actor_for_request(request)
    case = _case_or_404(request, organisation, case_pk)
    if not policies.can_refer(actor, organisation, case):
        raise Http404
    visible_parts = case_policies.parts_for(actor, case)
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
    organisation = _require_worker(request)
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
            "side": policies.side(actor, organisation, referral),
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
    organisation = _require_worker(request)
    referral = selectors.referral_for(actor_for_request(request), organisation, pk)
    spec = ACTIONS.get(action)
    if referral is None or spec is None:
        raise Http404
    call, success = spec
    try:
        call(referral, organisation, request.user, request.POST)
    except ValidationError as exc:
        _message_error(request, exc)
    else:
        messages.success(request, str(success))
    return redirect("referrals:detail", pk=referral.pk)


@require_http_methods(["GET", "POST"])
def anonymous_notification(request):
    organisation = _require_worker(request)
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


# --- minors' chain, return plans, cross-border exchanges ------------------------------------


def _owned_case_or_404(request, organisation, case_pk):
    case = _case_or_404(request, organisation, case_pk)
    if not policies.can_act_on_case(actor_for_request(request), organisation, case):
        raise Http404
    return case


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def _start_chain(request, organisation, case):
    form = forms.StartChainForm(request.POST)
    form.is_valid()
    pathways.start_minor_chain(
        case=case,
        acting_user=request.user,
        organisation=organisation,
        unaccompanied=form.cleaned_data.get("unaccompanied", False),
    )


def _complete_step(request, organisation, case):
    step = _found(selectors.minor_step_of(actor_for_request(request), organisation, case, request.POST.get("step")))
    form = forms.StepForm(request.POST)
    form.is_valid()
    pathways.complete_step(step=step, organisation=organisation, acting_user=request.user, **form.cleaned_data)


def _waive_step(request, organisation, case):
    step = _found(selectors.minor_step_of(actor_for_request(request), organisation, case, request.POST.get("step")))
    pathways.waive_step(
        step=step, organisation=organisation, acting_user=request.user, reason=request.POST.get("reason", "")
    )


def _renew_reception(request, organisation, case):
    pathways.renew_emergency_reception(case=case, organisation=organisation, acting_user=request.user)


def _create_return_plan(request, organisation, case):
    form = forms.ReturnPlanForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Plan de retour : vérifiez le pays de retour."))
    pathways.create_return_plan(case=case, organisation=organisation, acting_user=request.user, **form.cleaned_data)


def _approve_return_plan(request, organisation, case):
    plan = _found(selectors.return_plan_of(actor_for_request(request), organisation, case, request.POST.get("plan")))
    pathways.approve_return_plan(plan=plan, organisation=organisation, acting_user=request.user)


def _record_exchange(request, organisation, case):
    visible = case_policies.parts_for(actor_for_request(request), case)
    form = forms.ExchangeForm(request.POST, visible_parts=visible)
    if not form.is_valid():
        raise ValidationError(_("Échange international : vérifiez l'homologue, l'objet et le canal."))
    pathways.record_exchange(case=case, organisation=organisation, acting_user=request.user, **form.cleaned_data)


def _answer_exchange(request, organisation, case):
    actor = actor_for_request(request)
    exchange = _found(selectors.exchange_of(actor, organisation, case, request.POST.get("exchange")))
    form = forms.ExchangeAnswerForm(request.POST)
    form.is_valid()
    pathways.record_exchange_answer(
        exchange=exchange,
        organisation=organisation,
        acting_user=request.user,
        answered_on=form.cleaned_data.get("answered_on"),
        summary=request.POST.get("summary", ""),
    )


# The pathways page posts an `action`; each runs one service (French errors as a message).
PATHWAY_ACTIONS = {
    "demarrer": _start_chain,
    "terminer": _complete_step,
    "lever": _waive_step,
    "prolonger": _renew_reception,
    "retour": _create_return_plan,
    "valider-retour": _approve_return_plan,
    "echange": _record_exchange,
    "reponse-echange": _answer_exchange,
}


@require_http_methods(["GET", "POST"])
@deny_as_404
def minors(request, case_pk):
    """The pathways page of a case: minors' chain, return plans, exchanges."""
    organisation = _require_worker(request)
    actor = actor_for_request(request)
    case = _owned_case_or_404(request, organisation, case_pk)
    if request.method == "POST":
        handler = PATHWAY_ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            raise Http404
        try:
            handler(request, organisation, case)
        except ValidationError as exc:
            _message_error(request, exc)
        else:
            messages.success(request, _("Enregistré."))
        return redirect("referrals:minors", case_pk=case.pk)
    steps = list(selectors.minor_steps_for(actor, organisation, case))
    return render(
        request,
        "referrals/minors.html",
        {
            "page_title": _("Parcours de protection du dossier %(ref)s") % {"ref": case.reference},
            "case": case,
            "steps": steps,
            "has_emergency_reception": any(s.kind == MinorStepKind.EMERGENCY_RECEPTION for s in steps),
            "start_form": forms.StartChainForm(),
            "step_form": forms.StepForm(),
            "return_form": forms.ReturnPlanForm(),
            "exchange_form": forms.ExchangeForm(visible_parts=case_policies.parts_for(actor, case)),
            "plans": selectors.return_plans_for(actor, organisation, case),
            "exchanges": selectors.exchanges_for(actor, organisation, case),
            "answer_form": forms.ExchangeAnswerForm(),
        },
    )


# --- Ac.Sé ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def acse_request(request, case_pk):
    organisation = _require_worker(request)
    case = _owned_case_or_404(request, organisation, case_pk)
    visible = case_policies.parts_for(actor_for_request(request), case)
    form = forms.AcseRequestForm(request.POST or None, visible_parts=visible)
    refusal = pathways.ACSE_MINOR_REFUSAL if case.treated_as_minor else ""
    if request.method == "POST" and form.is_valid():
        with denied_as_404():
            ok, placement = run_service(
                form,
                lambda: pathways.request_acse(
                    case=case,
                    organisation=organisation,
                    acting_user=request.user,
                    consent_on=form.cleaned_data["consent_on"],
                    consent_method=form.cleaned_data["consent_method"],
                    danger_departements=form.departements(),
                    shared_parts=form.cleaned_data["shared_parts"],
                ),
            )
        if ok:
            messages.success(request, _("Demande transmise à la coordination Ac.Sé."))
            return redirect("referrals:acse_detail", pk=placement.pk)
    return render(
        request,
        "referrals/acse_request.html",
        {"page_title": _("Demande Ac.Sé"), "case": case, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


def acse_list(request):
    organisation = _require_worker(request)
    placements = selectors.placements_for(actor_for_request(request), organisation)
    return render(request, "referrals/acse_list.html", {"page_title": _("Ac.Sé"), "placements": placements})


@require_http_methods(["GET", "POST"])
@deny_as_404
def acse_detail(request, pk):
    organisation = _require_worker(request)
    actor = actor_for_request(request)
    placement = _found(selectors.placement_for(actor, organisation, pk))
    form = forms.AcseStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host = selectors.chosen_organisation(data["host"], active_only=False)
        try:
            if data["target"] == forms.CHANGE_HOST:
                pathways.change_acse_host(
                    placement=placement, organisation=organisation, acting_user=request.user, host=host
                )
            else:
                pathways.advance_acse(
                    placement=placement,
                    organisation=organisation,
                    acting_user=request.user,
                    target=data["target"],
                    host=host,
                    assessment=data["assessment"],
                    reason=data["reason"],
                )
        except ValidationError as exc:
            _message_error(request, exc)
        else:
            messages.success(request, _("Étape enregistrée."))
        return redirect("referrals:acse_detail", pk=placement.pk)
    role = policies.acse_role(actor, organisation, placement)
    # The host opens the case (shared parts only) through the ordinary case page while its access lasts.
    is_host = role == "host"
    can_open_case = is_host and case_selectors.case_for(actor, organisation, placement.case_id) is not None
    return render(
        request,
        "referrals/acse_detail.html",
        {
            "page_title": _("Demande Ac.Sé"),
            "placement": placement,
            "form": form,
            "host_label": selectors.acse_host_label(actor, organisation, placement),
            "can_see_assessment": role == "coordination",
            "can_act": role is not None,
            "shared_part_labels": placement.shared_part_labels(),
            "is_host": is_host,
            "can_open_case": can_open_case,
        },
    )


# --- coordination (aggregates only) -------------------------------------------------------------


def coordination(request):
    if not actor_for_request(request).is_coordinator:
        raise Http404
    return render(
        request,
        "referrals/coordination.html",
        {"page_title": _("Orientations : vue nationale"), **selectors.coordination_figures()},
    )
