"""The coordination's side of a consultation round: answers to amendments,
internal notes, hearings and the synthesis with its exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.plans import selectors, services

from ...common import denied_as_404, form_view, run_action
from .. import forms
from .shared import REFUSAL, form_errors_text, managed_round, visible_round

HEARING_CHOICES_MAX = 200


@require_POST
def amendment_answer(request, round_id, amendment_id):
    round_ = managed_round(request, round_id)
    amendment_obj = get_object_or_404(round_.amendments, pk=amendment_id)
    form = forms.AnswerForm(request.POST, prefix=f"reponse-{amendment_obj.pk}")
    if form.is_valid():
        run_action(
            request,
            lambda: services.answer_amendment(amendment=amendment_obj, acting_user=request.user, **form.cleaned_data),
            success=_("Réponse enregistrée."),
            refusal_level=REFUSAL,
        )
    else:
        messages.warning(request, form_errors_text(form))
    return redirect("plans:round_measure", round_id=round_id, measure_id=amendment_obj.measure_id)


def _note_subject(round_, data):
    """The amendment or measure a note is about (404 for one outside the round)."""
    amendment = get_object_or_404(round_.amendments, pk=data["amendment"]) if data.get("amendment") else None
    measure = None
    if data.get("measure"):
        measure = selectors.round_measure(round_, data["measure"])
        if measure is None:
            raise Http404
    return amendment, measure


@require_POST
def internal_note(request, round_id):
    round_ = managed_round(request, round_id)
    form = forms.NoteForm(request.POST)
    measure_id = None
    if form.is_valid():
        amendment, measure = _note_subject(round_, form.cleaned_data)
        measure_id = amendment.measure_id if amendment else (measure.pk if measure else None)
        run_action(
            request,
            lambda: services.add_internal_note(
                round=round_,
                body=form.cleaned_data["body"],
                measure=measure,
                amendment=amendment,
                acting_user=request.user,
            ),
            success=_("Note interne ajoutée."),
            refusal_level=REFUSAL,
        )
    else:
        messages.warning(request, _("La note est vide."))
        posted = request.POST.get("measure", "")
        measure_id = int(posted) if posted.isdigit() and int(posted) in round_.version.measure_ids() else None
    if measure_id is not None:
        # Back beside the discussion the note is about.
        return redirect(reverse("plans:round_measure", args=[round_.pk, measure_id]) + "#notes-internes")
    return redirect("plans:round", round_id=round_.pk)


def _on_organisation_field(call):
    """A refusal of the hearing is about the organisation chosen: shown there."""
    try:
        return call()
    except ValidationError as exc:
        raise ValidationError({"organisation": exc.messages}) from exc


@require_http_methods(["GET", "POST"])
def hearing(request, round_id):
    """Its own page, offering only the organisations that may be heard in this
    round (selectors.hearing_organisations), not the whole directory. When they
    are more than HEARING_CHOICES_MAX (a round inviting every association), a
    search by name narrows the list; the choice is validated against all of
    them. A constant number of queries whatever their number."""
    round_ = managed_round(request, round_id)
    allowed = selectors.hearing_organisations(round_)
    total = allowed.count()
    search = forms.HearingSearchForm(request.GET or None, auto_id="recherche-%s")
    text = search.cleaned_data.get("nom", "").strip() if search.is_valid() else ""
    shown = list(selectors.hearing_candidates(round_, text)[: HEARING_CHOICES_MAX + 1])
    truncated = len(shown) > HEARING_CHOICES_MAX
    shown = shown[:HEARING_CHOICES_MAX]
    chosen = request.POST.get("organisation", "")
    if chosen.isdigit() and int(chosen) not in {o.pk for o in shown}:
        # Keep the organisation chosen before an error on another field selectable.
        shown += selectors.hearing_choice(round_, int(chosen))
    form = forms.HearingForm(request.POST or None, organisations=allowed, shown=shown)
    return form_view(
        request,
        form,
        call=lambda data: _on_organisation_field(
            lambda: services.record_hearing(round=round_, acting_user=request.user, **data)
        ),
        message=_("Audition enregistrée."),
        success=lambda _hearing: redirect("plans:round", round_id=round_.pk),
        template="plans/hearing.html",
        context={
            "page_title": _("Enregistrer une audition"),
            "round": round_,
            "search": search if total > HEARING_CHOICES_MAX else None,
            "total": total,
            "truncated": truncated,
            "no_match": bool(text) and not shown,
            "choices_max": HEARING_CHOICES_MAX,
        },
    )


@require_http_methods(["GET", "POST"])
def synthesis(request, round_id):
    """The coordination's synthesis page: the counts of the contributions, and
    the written synthesis (overall, then measure by measure) as a draft form,
    or as published."""
    round_ = managed_round(request, round_id)
    written = selectors.written_synthesis(round_)
    lines = selectors.synthesis_lines(round_, written)
    published = written is not None and written.is_published
    form = forms.SynthesisForm(
        None if published else (request.POST or None),
        lines=lines,
        initial={"overall": written.overall if written else ""},
    )
    return form_view(
        request,
        form,
        call=lambda data: services.save_synthesis(
            round=round_, overall=data["overall"], items=data["items"], acting_user=request.user
        ),
        message=_("Brouillon de la synthèse enregistré."),
        success=lambda _s: redirect(reverse("plans:synthesis", args=[round_.pk]) + "#redaction"),
        template="plans/synthesis.html",
        context={
            "page_title": _("Synthèse de la consultation"),
            "written": written,
            "lines": lines,
            "published": published,
            **selectors.synthesis(round_),
        },
    )


@require_POST
def synthesis_publish(request, round_id):
    round_ = managed_round(request, round_id)
    run_action(
        request,
        lambda: services.publish_synthesis(round=round_, acting_user=request.user),
        success=_(
            "Synthèse publiée : les organisations consultées en sont averties et la lisent sur la page de la consultation."
        ),
        refusal_level=REFUSAL,
    )
    return redirect("plans:synthesis", round_id=round_.pk)


def synthesis_pdf(request, round_id):
    round_ = visible_round(request, round_id)
    with denied_as_404():
        content = services.export_synthesis_pdf(round=round_, acting_user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="synthese-consultation-{round_.pk}.pdf"'
    return response


def synthesis_csv(request, round_id):
    round_ = managed_round(request, round_id)
    content = services.export_synthesis_csv(round=round_, acting_user=request.user)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="synthese-consultation-{round_.pk}.csv"'
    return response
