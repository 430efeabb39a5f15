"""The person's data rights (GDPR arts. 15-17) and the subject-access export."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.cases import services
from maillage.www.common import run_service

from .. import forms
from .common import access_or_404, case_context, case_or_404

# --- privacy ------------------------------------------------------------------------


@reauthentication_required
@require_http_methods(["GET", "POST"])
def subject_access_export(request, pk):
    access = access_or_404(request, pk)
    case = access.case
    if not access.can_see_identity:
        raise Http404
    form = forms.ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, payload = run_service(
            form,
            lambda: services.build_subject_access_export(
                case=case, acting_user=request.user, password=form.cleaned_data["password"]
            ),
        )
        if ok:
            response = HttpResponse(payload, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{case.reference}-donnees.zip"'
            return response
    return render(request, "cases/export.html", case_context(request, case, form=form))


@require_http_methods(["GET", "POST"])
def privacy(request, pk):
    """Erasure (GDPR art. 17) with the legal-hold exception, and the hold itself."""
    case = case_or_404(request, pk)
    hold_form = forms.LegalHoldForm(
        request.POST if request.POST.get("action") == "hold" else None,
        initial={"hold": case.legal_hold, "legal_hold_reason": case.legal_hold_reason},
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "erase":
                services.erase_identity(case=case, acting_user=request.user)
                messages.success(request, _("L'identité de la personne a été effacée."))
                return redirect("cases:detail", pk=case.pk)
            if hold_form.is_valid():
                services.set_legal_hold(
                    case=case,
                    acting_user=request.user,
                    hold=hold_form.cleaned_data["hold"],
                    reason=hold_form.cleaned_data["legal_hold_reason"],
                )
                messages.success(request, _("Conservation légale mise à jour."))
                return redirect("cases:privacy", pk=case.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "cases/privacy.html", case_context(request, case, hold_form=hold_form))


@require_http_methods(["GET"])
def non_removal_attestation(request, pk):
    """Warsaw art. 10.2: printable attestation for the authorities (journaled as an export)."""
    case = case_or_404(request, pk)
    try:
        attestation = services.issue_non_removal_attestation(case=case, acting_user=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:detail", pk=case.pk)
    context = {**case_context(request, attestation.pop("case")), **attestation}
    context["page_title"] = _("Attestation de non-éloignement")
    return render(request, "cases/non_removal_attestation.html", context)
