"""Case pages. Thin: every read goes through maillage.cases.selectors (already
restricted querysets; anything else is a 404), every write through
maillage.cases.services, with the web toolkit (maillage.www.common). The
actor — the person's active memberships — is read once per request
(`actor_for_request`) and every policy question of the page is asked of it."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cases import enums, policies, selectors, services, workflow
from maillage.cases.enums import AuditAction
from maillage.identification import qualification
from maillage.identification import screening as engine
from maillage.organisations.actor import actor_for_request
from maillage.territories import reference as ref
from maillage.www.common import acting_organisation, denied_as_404, deny_as_404, run_service

from . import forms


def _access_or_404(request, pk, part="owner") -> policies.CaseAccess:
    """`part`: what the page shows. Partners reached through a grant (an
    accepted referral, an Ac.Sé host's place) open only the detail page and
    the parts shared with them (data minimisation); every other page is the
    owner's. Anything else is a 404, whether the case exists elsewhere or not
    (R-PRIVACY)."""
    access = selectors.case_access_for(actor_for_request(request), acting_organisation(request), pk, part=part)
    if access is None:
        raise Http404
    return access


def _case_or_404(request, pk, part="owner"):
    return _access_or_404(request, pk, part).case


def _case_context(request, case, **extra):
    return {"case": case, "page_title": case.reference, **extra}


def _target_choices(case) -> list[tuple[str, str]]:
    if case.is_closed:
        return [("reopen", _("Rouvrir le dossier"))]
    labels = dict(enums.CaseStatus.choices)
    return [(t, labels[t]) for t in workflow.allowed_targets(case.status)]


def _require_case_worker(request):
    organisation = acting_organisation(request)
    if not policies.can_create_in(actor_for_request(request), organisation):
        raise Http404
    return organisation


def case_list(request):
    organisation = _require_case_worker(request)
    status = request.GET.get("statut", "")
    form_code = request.GET.get("forme", "")
    minors = request.GET.get("mineurs") == "1"
    qs = selectors.case_list(
        actor_for_request(request),
        organisation,
        status=status,
        minors_only=minors,
        form=form_code if form_code in enums.ExploitationForm.values else "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {
            "page_title": _("Dossiers"),
            "page": page,
            "organisation": organisation,
            "statuses": enums.CaseStatus.choices,
            "forms_choices": enums.ExploitationForm.choices,
            "status": status,
            "forme": form_code,
            "mineurs": minors,
            "form_labels": dict(enums.ExploitationForm.choices),
        },
    )


@require_http_methods(["GET", "POST"])
def case_create(request):
    organisation = _require_case_worker(request)
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
    access = _access_or_404(request, pk, part=None)
    case = access.case
    # Writes the access log (the host of an Ac.Sé placement is journaled without its name to the owner).
    person = selectors.identity_for_display(actor_for_request(request), case, access=access)
    context = _case_context(
        request,
        case,
        person=person,
        parts=access.parts,
        is_owner=access.is_owner,
        nationalities=[ref.citizenship_name(c) for c in case.nationalities if ref.is_citizenship_code(c)],
        languages=[ref.language_name(c) for c in case.languages if ref.is_language_code(c)],
        control_labels=[dict(enums.ControlMethod.choices).get(c, c) for c in case.control_methods],
        status_form=forms.StatusForm(),
        targets=_target_choices(case),
        **selectors.case_page(access),
    )
    return render(request, "cases/detail.html", context)


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    """Edit facts and identity (also GDPR art. 16 rectification)."""
    access = _access_or_404(request, pk)
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
    return render(request, "cases/form.html", _case_context(request, case, form=form, editing=True))


@require_POST
@deny_as_404
def case_status(request, pk):
    case = _case_or_404(request, pk)
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


# --- notes, tasks, documents --------------------------------------------------


def _simple_post(request, case, form, action, success, title=None):
    """GET: the blank form on its own page (keeps the detail page light);
    POST: call the service, or show the form again with French errors."""
    if request.method == "GET":
        return render(request, "cases/record_form.html", _case_context(request, case, form=form, title=title))
    if form.is_valid():
        with denied_as_404():
            ok, _result = run_service(form, lambda: action(form.cleaned_data))
        if ok:
            messages.success(request, success)
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/record_form.html",
        _case_context(request, case, form=form, title=_("Corriger la saisie")),
        status=400,
    )


@require_http_methods(["GET", "POST"])
def note_add(request, pk):
    case = _case_or_404(request, pk)
    form = forms.NoteForm(request.POST or None)
    return _simple_post(
        request,
        case,
        form,
        lambda d: services.add_note(case=case, acting_user=request.user, text=d["text"], visibility=d["visibility"]),
        _("Note ajoutée."),
        _("Ajouter une note"),
    )


@require_http_methods(["GET", "POST"])
def task_add(request, pk):
    case = _case_or_404(request, pk)
    form = forms.TaskForm(request.POST or None, assignees=policies.assignable_users(case.organisation))
    return _simple_post(
        request,
        case,
        form,
        lambda d: services.add_task(
            case=case, acting_user=request.user, title=d["title"], due_on=d["due_on"], assignee=d["assignee"]
        ),
        _("Tâche créée."),
        _("Ajouter une tâche"),
    )


@require_POST
@deny_as_404
def task_done(request, pk, task_id):
    case = _case_or_404(request, pk)
    task = selectors.task_of(case, task_id)
    if task is None:
        raise Http404
    services.complete_task(task=task, acting_user=request.user)
    messages.success(request, _("Tâche terminée."))
    return redirect("cases:detail", pk=case.pk)


@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    case = _case_or_404(request, pk)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return _simple_post(
        request,
        case,
        form,
        lambda d: services.add_document(case=case, acting_user=request.user, doc_type=d["doc_type"], upload=d["file"]),
        _("Document ajouté."),
        _("Déposer un document"),
    )


def document_download(request, pk, document_id):
    access = _access_or_404(request, pk, part="documents")
    case = access.case
    document = selectors.document_of(case, document_id)
    handle = selectors.open_document(actor_for_request(request), case, document, access=access) if document else None
    if handle is None:
        raise Http404
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(document.content_type, "bin")
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{case.reference}-{document.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- screening and pre-qualification -----------------------------------------------


@require_http_methods(["GET", "POST"])
def screening_new(request, pk):
    case = _case_or_404(request, pk)
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
        _case_context(
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
    case = _case_or_404(request, pk, part="screening")
    screening = selectors.screening_of(case, screening_id)
    if screening is None:
        raise Http404
    rows = selectors.screening_rows(screening)
    return render(request, "cases/screening_detail.html", _case_context(request, case, screening=screening, rows=rows))


@require_http_methods(["GET", "POST"])
def prequalification(request, pk):
    """225-4-1 helper: computed on the fly, nothing stored (indicative only)."""
    case = _case_or_404(request, pk)
    form = forms.PrequalificationForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = qualification.prequalify(
            acts=form.cleaned_data["acts"],
            purposes=form.cleaned_data["purposes"],
            means=form.cleaned_data["means"],
            minor=case.treated_as_minor,
        )
    return render(
        request,
        "cases/prequalification.html",
        _case_context(request, case, form=form, result=result, disclaimer=qualification.DISCLAIMER_FR),
    )


# --- rights, assistance, reflection, residence, protection, proceedings ----------------


def _record_specs():
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
        "procedure": (
            forms.ProceedingForm,
            _("Procédure"),
            lambda case, user, d: services.record_proceeding(case=case, acting_user=user, **d),
        ),
    }


@require_http_methods(["GET", "POST"])
def record_add(request, pk, kind):
    case = _case_or_404(request, pk)
    spec = _record_specs().get(kind)
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
    return render(request, "cases/record_form.html", _case_context(request, case, form=form, title=title))


@require_http_methods(["GET", "POST"])
def reflection_edit(request, pk, period_id):
    case = _case_or_404(request, pk)
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
        request, "cases/record_form.html", _case_context(request, case, form=form, title=_("Délai de réflexion"))
    )


# --- privacy ------------------------------------------------------------------------


@reauthentication_required
@require_http_methods(["GET", "POST"])
def subject_access_export(request, pk):
    access = _access_or_404(request, pk)
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
    return render(request, "cases/export.html", _case_context(request, case, form=form))


@require_http_methods(["GET", "POST"])
def privacy(request, pk):
    """Erasure (GDPR art. 17) with the legal-hold exception, and the hold itself."""
    case = _case_or_404(request, pk)
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
    return render(request, "cases/privacy.html", _case_context(request, case, hold_form=hold_form))
