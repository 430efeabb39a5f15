"""The correspondence register: search, overdue replies, registration, a
letter's page and its scanned copy."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.coordination import policies, selectors, services

from ...common import actor_for_request, form_view, membership_required
from .. import forms as f
from .shared import coordination_form, filters_query, to


@membership_required
def letters(request):
    actor = actor_for_request(request)
    form = f.LetterSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.search_letters(
        actor,
        words=filters.get("q") or "",
        organisation_id=filters["organisation"].pk if filters.get("organisation") else None,
        start=filters.get("start"),
        end=filters.get("end"),
        status=filters.get("status") or "",
        direction=filters.get("direction") or "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/letters.html",
        {
            "page_title": _("Registre du courrier"),
            "form": form,
            "page": page,
            "query": filters_query(request),
            "can_manage": policies.can_manage_letters(actor),
            "overdue_view": False,
            "today": timezone.localdate(),
        },
    )


@membership_required
def letters_overdue(request):
    actor = actor_for_request(request)
    page = Paginator(selectors.overdue_letters(actor), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/letters.html",
        {
            "page_title": _("Courriers en retard de réponse"),
            "page": page,
            "can_manage": policies.can_manage_letters(actor),
            "overdue_view": True,
            "today": timezone.localdate(),
        },
    )


@membership_required
@require_http_methods(["GET", "POST"])
def letter_create(request):
    actor = actor_for_request(request)
    if not policies.can_manage_letters(actor):
        raise PermissionDenied
    initial = {"in_reply_to": request.GET.get("reponse")} if request.GET.get("reponse", "").isdigit() else None
    form = f.LetterForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        letters=policies.letters_visible_to(actor),
        groups=policies.groups_visible_to(actor),
        dossiers=policies.dossiers_visible_to(actor),
        assignees=selectors.coordination_people(),
    )
    return coordination_form(
        request,
        form,
        call=lambda data: services.register_letter(acting_user=request.user, **data),
        message=lambda letter: _("Courrier enregistré sous le numéro %(ref)s.") % {"ref": letter.reference},
        success=lambda letter: redirect("coordination:letter", pk=letter.pk),
        title=_("Enregistrer un courrier"),
        back="coordination:letters",
        submit=_("Enregistrer"),
        multipart=True,
        warning=_(
            "Un courrier ne contient jamais l'identité d'une victime : ni nom, ni date de naissance, ni adresse. "
            "Vérifiez le fichier avant de le joindre."
        ),
    )


@membership_required
@require_http_methods(["GET", "POST"])
def letter_detail(request, pk):
    actor = actor_for_request(request)
    letter = get_object_or_404(
        policies.letters_visible_to(actor).select_related(
            "sender_organisation", "recipient_organisation", "assignee", "in_reply_to", "group", "dossier"
        ),
        pk=pk,
    )
    can_manage = policies.can_manage_letters(actor)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    context = {"page_title": letter.reference, "letter": letter, "can_manage": can_manage}
    context.update(selectors.letter_links(actor, letter))
    if not can_manage:
        return render(request, "coordination/letter_detail.html", {**context, "form": None})
    form = f.LetterUpdateForm(
        request.POST or None,
        assignees=selectors.coordination_people(),
        initial={"status": letter.status, "assignee": letter.assignee},
    )
    return form_view(
        request,
        form,
        call=lambda data: services.update_letter(
            letter=letter, acting_user=request.user, status=data["status"], assignee=data["assignee"]
        ),
        message=_("Courrier mis à jour."),
        success=to("coordination:letter", pk=letter.pk),
        template="coordination/letter_detail.html",
        context=context,
    )


@membership_required
def letter_attachment(request, pk):
    letter = get_object_or_404(policies.letters_visible_to(actor_for_request(request)), pk=pk)
    if not letter.attachment:
        raise Http404
    return FileResponse(
        letter.attachment.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"courrier-{letter.reference}.pdf",
    )
