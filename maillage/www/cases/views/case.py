"""The case list, creation, the case page, edition and status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cases import enums, selectors, services
from maillage.cases.enums import AuditAction
from maillage.core.listing import CappedPaginator, choice_labels
from maillage.directory.selectors import display_language
from maillage.organisations.actor import actor_for_request
from maillage.referrals.enums import SharedPart
from maillage.territories import reference as ref
from maillage.www.common import deny_as_404, run_service

from .. import forms
from .common import access_or_404, case_context, case_or_404, require_case_worker, target_choices


def _own_rows(cases) -> list[dict]:
    language = get_language() or "fr"
    return [
        {
            "case": case,
            "forms": case.exploitation_form_labels(),
            "nationalities": [
                ref.citizenship_name(c, language) for c in case.nationalities if ref.is_citizenship_code(c)
            ],
        }
        for case in cases
    ]


def _shared_rows(grants) -> list[dict]:
    """What the list may say of a case another organisation shares: its owner
    (an Ac.Sé host is told the coordination, R-ACSE), the parts shared, and the
    age and forms only when the facts are among them (Warsaw art. 11)."""
    part_labels = dict(SharedPart.choices)
    rows = []
    for grant in grants:
        case, facts = grant.case, "facts" in grant.parts
        rows.append(
            {
                "case": case,
                "owner": case.organisation.name
                if grant.reason != enums.AccessReason.ACSE_HOST
                else _("la coordination Ac.Sé"),
                # Why the organisation reads the case, and by what right (cases.enums.ACCESS_LEGAL_BASES).
                "reason": grant.get_reason_display(),
                "legal_basis": grant.legal_basis,
                "parts": [str(part_labels[p]) for p in grant.parts if p in part_labels],
                "facts": facts,
                "minor": case.treated_as_minor if facts else None,
                "forms": case.exploitation_form_labels() if facts else [],
                "since": grant.granted_at,
            }
        )
    return rows


def case_list(request):
    organisation = require_case_worker(request)
    actor = actor_for_request(request)
    status = request.GET.get("statut", "")
    form_code = request.GET.get("forme", "")
    minors = request.GET.get("mineurs") == "1"
    qs = selectors.case_list(
        actor,
        organisation,
        status=status,
        minors_only=minors,
        form=form_code if form_code in enums.ExploitationForm.values else "",
    )
    # A capped count (the full COUNT grew with the organisation's cases) and
    # labels translated once per language, not per row (issue 17).
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    status_labels, sex_labels = choice_labels(enums.CaseStatus), choice_labels(enums.Sex)
    for case in page:
        case.status_label = status_labels.get(case.status, case.status)
        case.sex_label = sex_labels.get(case.sex, case.sex)
    # Cases handed on by other organisations stay visible where they are worked
    # on (issue 10 item 5), in their own table: their columns are what is shared.
    shared = CappedPaginator(selectors.shared_case_list(actor, organisation), 50).get_page(request.GET.get("partages"))
    return render(
        request,
        "cases/list.html",
        {
            "page_title": _("Dossiers"),
            "page": page,
            "rows": _own_rows(page),
            "shared": shared,
            "shared_rows": _shared_rows(shared),
            "organisation": organisation,
            "statuses": enums.CaseStatus.choices,
            "forms_choices": enums.ExploitationForm.choices,
            "status": status,
            "forme": form_code,
            "mineurs": minors,
        },
    )


@require_http_methods(["GET", "POST"])
def case_create(request):
    organisation = require_case_worker(request)
    form = forms.CaseCreateForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        facts, identity = form.split()
        try:
            ok, case = run_service(
                form,
                lambda: services.create_case(
                    organisation=organisation,
                    acting_user=request.user,
                    facts=facts,
                    identity=identity,
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                ),
            )
        except services.DuplicateWarning as warning:
            # Confirmation step: the same form, with the warning and a hidden flag.
            duplicates = warning.references
            data = request.POST.copy()
            data["confirm_duplicate"] = "on"
            form = forms.CaseCreateForm(data)
            form.is_valid()
        else:
            if ok:
                messages.success(request, _("Dossier %(ref)s créé.") % {"ref": case.reference})
                return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/form.html", {"page_title": _("Nouveau dossier"), "form": form, "duplicates": duplicates}
    )


def case_detail(request, pk):
    access = access_or_404(request, pk, part=None)
    case = access.case
    # Writes the access log (the host of an Ac.Sé placement is journaled without its name to the owner).
    person = selectors.identity_for_display(actor_for_request(request), case, access=access)
    context = case_context(
        request,
        case,
        person=person,
        parts=access.parts,
        is_owner=access.is_owner,
        grants=access.grants,
        nationalities=[
            ref.citizenship_name(c, display_language()) for c in case.nationalities if ref.is_citizenship_code(c)
        ],
        languages=[ref.language_name(c, display_language()) for c in case.languages if ref.is_language_code(c)],
        control_labels=[dict(enums.ControlMethod.choices).get(c, c) for c in case.control_methods],
        status_form=forms.StatusForm(),
        targets=target_choices(case),
        **selectors.case_page(access),
    )
    return render(request, "cases/detail.html", context)


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    """Edit facts and identity (also GDPR art. 16 rectification)."""
    access = access_or_404(request, pk)
    case = access.case
    if request.method == "POST":
        form = forms.CaseForm(request.POST)
        if form.is_valid():
            facts, identity = form.split()
            ok, _case = run_service(
                form,
                lambda: services.update_case(
                    case=case,
                    acting_user=request.user,
                    facts=facts,
                    identity=identity if access.can_see_identity else None,
                ),
            )
            if ok:
                messages.success(request, _("Dossier modifié."))
                return redirect("cases:detail", pk=case.pk)
    else:
        person = selectors.identity_for_display(
            actor_for_request(request), case, purpose=AuditAction.IDENTITY_VIEWED_FOR_EDIT, access=access
        )
        initial = {k: getattr(case, k) for k in services.FACT_FIELDS}
        if person is not None:
            initial.update({k: getattr(person, k) for k in services.IDENTITY_FIELDS})
        form = forms.CaseForm(initial=initial)
    return render(request, "cases/form.html", case_context(request, case, form=form, editing=True))


@require_POST
@deny_as_404
def case_status(request, pk):
    case = case_or_404(request, pk)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(
                case=case,
                target=data["target"],
                acting_user=request.user,
                authority=data["authority"],
                on=data["on"],
                reference=data["reference"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Statut mis à jour."))
    else:
        messages.error(request, _("Statut invalide."))
    return redirect("cases:detail", pk=case.pk)
