"""Notes, tasks and documents of a case."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cases import selectors, services
from maillage.organisations.actor import actor_for_request
from maillage.www.common import denied_as_404, deny_as_404, run_service

from .. import forms
from .common import access_or_404, case_context, case_or_404

# --- notes, tasks, documents --------------------------------------------------


def simple_post(request, case, form, action, success, title=None):
    """GET: the blank form on its own page (keeps the detail page light);
    POST: call the service, or show the form again with French errors."""
    if request.method == "GET":
        return render(request, "cases/record_form.html", case_context(request, case, form=form, title=title))
    if form.is_valid():
        with denied_as_404():
            ok, _result = run_service(form, lambda: action(form.cleaned_data))
        if ok:
            messages.success(request, success)
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/record_form.html",
        case_context(request, case, form=form, title=_("Corriger la saisie")),
        status=400,
    )


@require_http_methods(["GET", "POST"])
def note_add(request, pk):
    case = case_or_404(request, pk)
    form = forms.NoteForm(request.POST or None)
    return simple_post(
        request,
        case,
        form,
        lambda d: services.add_note(case=case, acting_user=request.user, text=d["text"], visibility=d["visibility"]),
        _("Note ajoutée."),
        _("Ajouter une note"),
    )


@require_http_methods(["GET", "POST"])
def task_add(request, pk):
    case = case_or_404(request, pk)
    form = forms.TaskForm(request.POST or None, assignees=selectors.assignable_users(case.organisation))
    return simple_post(
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
    case = case_or_404(request, pk)
    task = selectors.task_of(case, task_id)
    if task is None:
        raise Http404
    services.complete_task(task=task, acting_user=request.user)
    messages.success(request, _("Tâche terminée."))
    return redirect("cases:detail", pk=case.pk)


@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    case = case_or_404(request, pk)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return simple_post(
        request,
        case,
        form,
        lambda d: services.add_document(case=case, acting_user=request.user, doc_type=d["doc_type"], upload=d["file"]),
        _("Document ajouté."),
        _("Déposer un document"),
    )


def document_download(request, pk, document_id):
    access = access_or_404(request, pk, part="documents")
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
