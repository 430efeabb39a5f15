"""Screening (ILO/EC indicators) and the art. 225-4-1 pre-qualification."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from maillage.cases import selectors, services
from maillage.identification import qualification
from maillage.identification import screening as engine
from maillage.www.common import run_service

from .. import forms
from .common import case_context, case_or_404

# --- screening and pre-qualification -----------------------------------------------


@require_http_methods(["GET", "POST"])
def screening_new(request, pk):
    case = case_or_404(request, pk)
    candidates = services.candidate_set_codes(case)
    set_code = request.GET.get("jeu") or request.POST.get("set_code") or services.indicator_set_code_for(case)
    if set_code not in candidates:
        set_code = services.indicator_set_code_for(case)
    stored = services.current_indicator_set(set_code)
    if stored is None:
        raise Http404
    form = forms.ScreeningForm(request.POST or None, indicator_set=stored)
    if request.method == "POST" and form.is_valid():
        ok, screening = run_service(
            form,
            lambda: services.record_screening(
                case=case,
                acting_user=request.user,
                present_codes=form.cleaned_data["present_codes"],
                act_established=form.cleaned_data["act_established"],
                set_code=set_code,
            ),
        )
        if ok:
            return redirect("cases:screening", pk=case.pk, screening_id=screening.pk)
    by_dimension = [
        (
            code,
            engine.DIMENSION_LABELS_FR[code],
            [
                form["present_codes"][i]
                for i, c in enumerate(form.fields["present_codes"].choices)
                if c[0].split("-")[1] == code
            ],
        )
        for code in engine.DIMENSIONS
    ]
    return render(
        request,
        "cases/screening_form.html",
        case_context(
            request,
            case,
            form=form,
            stored=stored,
            set_code=set_code,
            candidates=candidates,
            by_dimension=by_dimension,
        ),
    )


def screening_detail(request, pk, screening_id):
    case = case_or_404(request, pk, part="screening")
    screening = selectors.screening_of(case, screening_id)
    if screening is None:
        raise Http404
    rows = selectors.screening_rows(screening)
    return render(request, "cases/screening_detail.html", case_context(request, case, screening=screening, rows=rows))


@require_http_methods(["GET", "POST"])
def prequalification(request, pk):
    """225-4-1 helper: computed on the fly, nothing stored (indicative only)."""
    case = case_or_404(request, pk)
    form = forms.PrequalificationForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = qualification.prequalify(
            acts=form.cleaned_data["acts"],
            purposes=form.cleaned_data["purposes"],
            means=form.cleaned_data["means"],
            minor=case.child_at_facts,  # 225-4-1 II: age at the time of the facts
        )
    return render(
        request,
        "cases/prequalification.html",
        case_context(request, case, form=form, result=result, disclaimer=qualification.DISCLAIMER_FR),
    )
