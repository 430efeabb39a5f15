"""Referral pages. Thin: reads through maillage.referrals.selectors (restricted
querysets, anything else is a 404), writes through maillage.referrals.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cases import policies as case_policies
from maillage.cases import selectors as case_selectors
from maillage.organisations.models import Organisation
from maillage.referrals import policies, selectors, services
from maillage.referrals.enums import ConsentBasis, ReferralKind

from . import forms


def _organisation(request):
    membership = request.membership  # lazy: may wrap None
    return membership.organisation if membership else None


def _require_worker(request):
    organisation = _organisation(request)
    if policies.acting_membership(request.user, organisation) is None:
        raise Http404
    return organisation


def _attach_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            visible = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if visible else None, errors)
    else:
        form.add_error(None, exc.messages)


def inbox(request):
    organisation = _require_worker(request)
    box = selectors.box_for(
        request.user, organisation, box=request.GET.get("boite", "recues"), group=request.GET.get("etat", "")
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
    case = case_selectors.case_for(request.user, organisation, case_pk)
    if case is None:
        raise Http404
    return case


def case_referrals(request, case_pk):
    organisation = _require_worker(request)
    case = _case_or_404(request, organisation, case_pk)
    referrals = list(selectors.referrals_for_case(request.user, organisation, case))
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
    case = _case_or_404(request, organisation, case_pk)
    if not policies.can_refer(request.user, organisation, case):
        raise Http404
    visible_parts = case_policies.parts_for(request.user, case)
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
        recipient = Organisation.objects.filter(pk=data["recipient"] or 0, is_active=True).first()
        if recipient is None:
            form.add_error(None, _("Choisissez l'organisation destinataire dans la liste des suggestions."))
        else:
            try:
                referral = services.create_referral(
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
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request,
                    _("Orientation envoyée.")
                    if referral.status == "sent"
                    else _("Brouillon d'orientation enregistré."),
                )
                return redirect("referrals:detail", pk=referral.pk)
    chosen = request.POST.get("recipient") or ""
    return render(
        request,
        "referrals/create.html",
        {
            "page_title": _("Orienter le dossier %(ref)s") % {"ref": case.reference},
            "case": case,
            "search": search,
            "form": form,
            "suggestions": suggestions,
            "chosen": chosen,
            "can_transfer": policies.can_transfer(request.user, organisation, case),
            "transfer": ReferralKind.TRANSFER,
        },
        status=400 if request.method == "POST" else 200,
    )


def detail(request, pk):
    organisation = _require_worker(request)
    referral = selectors.referral_for(request.user, organisation, pk)
    if referral is None:
        raise Http404
    side = policies.side(request.user, organisation, referral)
    can_open_case = case_selectors.case_for(request.user, organisation, referral.case_id) is not None
    return render(
        request,
        "referrals/detail.html",
        {
            "page_title": referral.label,
            "referral": referral,
            "side": side,
            "events": referral.events.select_related("actor"),
            "decline_form": forms.DeclineForm(),
            "can_open_case": can_open_case,
            "service_label": selectors.service_labels().get(referral.service),
        },
    )


ACTIONS = {
    "envoyer": (
        "sender",
        lambda r, o, u, p: services.send_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Orientation envoyée."),
    ),
    "retirer": (
        "sender",
        lambda r, o, u, p: services.withdraw_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Orientation retirée."),
    ),
    "accepter": (
        "recipient",
        lambda r, o, u, p: services.accept_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Orientation acceptée."),
    ),
    "refuser": (
        "recipient",
        lambda r, o, u, p: services.decline_referral(
            referral=r, organisation=o, acting_user=u, reason=p.get("reason", ""), comment=p.get("comment", "")
        ),
        _lazy("Orientation refusée."),
    ),
    "terminer": (
        "recipient",
        lambda r, o, u, p: services.complete_referral(referral=r, organisation=o, acting_user=u),
        _lazy("Service rendu : orientation terminée."),
    ),
}


@require_POST
def act(request, pk, action):
    organisation = _require_worker(request)
    referral = selectors.referral_for(request.user, organisation, pk)
    spec = ACTIONS.get(action)
    if referral is None or spec is None:
        raise Http404
    try:
        spec[1](referral, organisation, request.user, request.POST)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, str(spec[2]))
    return redirect("referrals:detail", pk=referral.pk)


@require_http_methods(["GET", "POST"])
def anonymous_notification(request):
    organisation = _require_worker(request)
    form = forms.AnonymousNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_anonymous_notification(
                organisation=organisation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(
                request, _("Signalement anonyme enregistré : seuls des éléments non identifiants ont été conservés.")
            )
            return redirect("referrals:inbox")
    return render(request, "referrals/anonymous.html", {"page_title": _("Signalement anonyme"), "form": form})


# --- minors' chain, return plans, cross-border exchanges ------------------------------------


def _owned_case_or_404(request, organisation, case_pk):
    case = _case_or_404(request, organisation, case_pk)
    if not case_policies.can_edit(request.user, case) or case.organisation_id != organisation.pk:
        raise Http404
    return case


@require_http_methods(["GET", "POST"])
def minors(request, case_pk):
    """The pathways page of a case: minors' chain, return plans, exchanges."""
    from maillage.referrals import pathways
    from maillage.referrals.enums import MinorStepKind
    from maillage.referrals.models import InternationalExchange, MinorStep, ReturnPlan

    organisation = _require_worker(request)
    case = _owned_case_or_404(request, organisation, case_pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "demarrer":
                form = forms.StartChainForm(request.POST)
                form.is_valid()
                pathways.start_minor_chain(
                    case=case,
                    acting_user=request.user,
                    organisation=organisation,
                    unaccompanied=form.cleaned_data.get("unaccompanied", False),
                )
            elif action in ("terminer", "lever"):
                step = MinorStep.objects.filter(case=case, pk=request.POST.get("step") or 0).first()
                if step is None:
                    raise Http404
                if action == "terminer":
                    form = forms.StepForm(request.POST)
                    form.is_valid()
                    pathways.complete_step(
                        step=step, organisation=organisation, acting_user=request.user, **form.cleaned_data
                    )
                else:
                    pathways.waive_step(
                        step=step,
                        organisation=organisation,
                        acting_user=request.user,
                        reason=request.POST.get("reason", ""),
                    )
            elif action == "prolonger":
                pathways.renew_emergency_reception(case=case, organisation=organisation, acting_user=request.user)
            elif action == "retour":
                form = forms.ReturnPlanForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Plan de retour : vérifiez le pays de retour."))
                pathways.create_return_plan(
                    case=case, organisation=organisation, acting_user=request.user, **form.cleaned_data
                )
            elif action == "valider-retour":
                plan = ReturnPlan.objects.filter(case=case, pk=request.POST.get("plan") or 0).first()
                if plan is None:
                    raise Http404
                pathways.approve_return_plan(plan=plan, organisation=organisation, acting_user=request.user)
            elif action == "echange":
                form = forms.ExchangeForm(request.POST, visible_parts=case_policies.parts_for(request.user, case))
                if not form.is_valid():
                    raise ValidationError(_("Échange international : vérifiez l'homologue, l'objet et le canal."))
                pathways.record_exchange(
                    case=case, organisation=organisation, acting_user=request.user, **form.cleaned_data
                )
            elif action == "reponse-echange":
                exchange = InternationalExchange.objects.filter(
                    case=case, pk=request.POST.get("exchange") or 0
                ).first()
                if exchange is None:
                    raise Http404
                form = forms.ExchangeAnswerForm(request.POST)
                form.is_valid()
                pathways.record_exchange_answer(
                    exchange=exchange,
                    organisation=organisation,
                    acting_user=request.user,
                    answered_on=form.cleaned_data.get("answered_on"),
                    summary=request.POST.get("summary", ""),
                )
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Enregistré."))
        return redirect("referrals:minors", case_pk=case.pk)
    steps = list(selectors.minor_steps_for(request.user, organisation, case))
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
            "exchange_form": forms.ExchangeForm(visible_parts=case_policies.parts_for(request.user, case)),
            "plans": ReturnPlan.objects.filter(case=case).order_by("-created_at"),
            "exchanges": InternationalExchange.objects.filter(case=case).select_related("counterpart"),
            "answer_form": forms.ExchangeAnswerForm(),
        },
    )


# --- Ac.Sé ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def acse_request(request, case_pk):
    from maillage.referrals import pathways

    organisation = _require_worker(request)
    case = _owned_case_or_404(request, organisation, case_pk)
    form = forms.AcseRequestForm(request.POST or None, visible_parts=case_policies.parts_for(request.user, case))
    refusal = pathways.ACSE_MINOR_REFUSAL if case.treated_as_minor else ""
    if request.method == "POST" and form.is_valid():
        try:
            placement = pathways.request_acse(
                case=case,
                organisation=organisation,
                acting_user=request.user,
                consent_on=form.cleaned_data["consent_on"],
                consent_method=form.cleaned_data["consent_method"],
                danger_departements=form.departements(),
                shared_parts=form.cleaned_data["shared_parts"],
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
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
    placements = list(
        policies.acse_visible_to(request.user, organisation).select_related("case", "host", "referring_organisation")[
            :200
        ]
    )
    for p in placements:
        p.host_label = selectors.acse_host_label(request.user, organisation, p)
    return render(request, "referrals/acse_list.html", {"page_title": _("Ac.Sé"), "placements": placements})


@require_http_methods(["GET", "POST"])
def acse_detail(request, pk):
    from maillage.referrals import pathways

    organisation = _require_worker(request)
    placement = (
        policies.acse_visible_to(request.user, organisation)
        .select_related("case", "host", "referring_organisation", "coordination")
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        raise Http404
    form = forms.AcseStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host = Organisation.objects.filter(pk=data["host"] or 0).first()
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
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Étape enregistrée."))
        return redirect("referrals:acse_detail", pk=placement.pk)
    is_coordination = organisation.pk == placement.coordination_id
    # The host opens the case (shared parts only) through the ordinary case page while its access lasts.
    is_host = placement.host_id is not None and organisation.pk == placement.host_id
    can_open_case = is_host and case_selectors.case_for(request.user, organisation, placement.case_id) is not None
    return render(
        request,
        "referrals/acse_detail.html",
        {
            "page_title": _("Demande Ac.Sé"),
            "placement": placement,
            "form": form,
            "host_label": selectors.acse_host_label(request.user, organisation, placement),
            "can_see_assessment": is_coordination,
            "can_act": is_coordination or organisation.pk in (placement.host_id, placement.referring_organisation_id),
            "shared_part_labels": placement.shared_part_labels(),
            "is_host": is_host,
            "can_open_case": can_open_case,
        },
    )


# --- coordination (aggregates only) -------------------------------------------------------------


def coordination(request):
    from maillage.organisations.policies import is_coordinator

    if not is_coordinator(request.user):
        raise Http404
    return render(
        request,
        "referrals/coordination.html",
        {"page_title": _("Orientations : vue nationale"), **selectors.coordination_figures()},
    )
