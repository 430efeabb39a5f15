"""Rights, assistance, reflection period, residence permits, protection, proceedings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.cases import selectors, services
from maillage.www.common import denied_as_404, run_service

from .. import forms
from .common import case_context, case_or_404

# --- rights, assistance, reflection, residence, protection, proceedings ----------------


def record_specs():
    return {
        "droits": (
            forms.RightsForm,
            _("Information sur les droits"),
            lambda case, user, d: services.record_rights_information(case=case, acting_user=user, **d),
        ),
        "assistance": (
            forms.AssistanceForm,
            _("Mesure d'assistance"),
            lambda case, user, d: services.set_assistance(case=case, acting_user=user, **d),
        ),
        "reflexion": (
            forms.ReflectionForm,
            _("Délai de réflexion"),
            lambda case, user, d: services.record_reflection_period(case=case, acting_user=user, **d),
        ),
        "sejour": (
            forms.PermitForm,
            _("Titre de séjour"),
            lambda case, user, d: services.record_residence_permit(case=case, acting_user=user, **d),
        ),
        "protection": (
            forms.ProtectionForm,
            _("Mesure de protection"),
            lambda case, user, d: services.record_protection_measure(case=case, acting_user=user, **d),
        ),
        "aide-juridique": (
            forms.LegalAidForm,
            _("Aide juridique"),
            lambda case, user, d: services.record_legal_aid(case=case, acting_user=user, **d),
        ),
        "indemnisation": (
            forms.CompensationForm,
            _("Indemnisation"),
            lambda case, user, d: services.record_compensation_claim(case=case, acting_user=user, **d),
        ),
        "procedure": (
            forms.ProceedingForm,
            _("Procédure"),
            lambda case, user, d: services.record_proceeding(case=case, acting_user=user, **d),
        ),
    }


@require_http_methods(["GET", "POST"])
def record_add(request, pk, kind):
    case = case_or_404(request, pk)
    spec = record_specs().get(kind)
    if spec is None:
        raise Http404
    form_class, title, action = spec
    # A permit may renew one of the case's permits: the form lists them.
    form = form_class(request.POST or None, **({"case": case} if form_class is forms.PermitForm else {}))
    if request.method == "POST" and form.is_valid():
        with denied_as_404():
            ok, _result = run_service(form, lambda: action(case, request.user, form.cleaned_data))
        if ok:
            messages.success(request, _("%(title)s enregistré(e).") % {"title": title})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/record_form.html", case_context(request, case, form=form, title=title))


@require_http_methods(["GET", "POST"])
def reflection_edit(request, pk, period_id):
    case = case_or_404(request, pk)
    period = selectors.reflection_period_of(case, period_id)
    if period is None:
        raise Http404
    initial = {
        f: getattr(period, f)
        for f in ("start", "end", "status", "interruption_reason", "granting_authority", "document_reference")
    }
    form = forms.ReflectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _period = run_service(
            form,
            lambda: services.record_reflection_period(
                case=case, acting_user=request.user, period=period, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(request, _("Délai de réflexion mis à jour."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/record_form.html", case_context(request, case, form=form, title=_("Délai de réflexion"))
    )


@require_http_methods(["GET", "POST"])
def reflection_offer_answer(request, pk, offer_id):
    """R-REASONABLE-GROUNDS (art. 13.1): the person's answer to the proposal."""
    case = case_or_404(request, pk)
    offer = selectors.reflection_offer_of(case, offer_id)
    if offer is None:
        raise Http404
    form = forms.ReflectionOfferAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _offer = run_service(
            form,
            lambda: services.answer_reflection_offer(offer=offer, acting_user=request.user, **form.cleaned_data),
        )
        if ok:
            messages.success(request, _("Réponse de la personne enregistrée."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/record_form.html",
        case_context(request, case, form=form, title=_("Réponse à la proposition du délai de réflexion")),
    )
