"""Consultation rounds as the invited organisations and the coordination see
them: opening a round, its page, a measure's page, and the contributions
(positions, comments, amendments)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.plans import policies, selectors, services
from maillage.plans.enums import PositionValue, Stance

from ...common import acting_organisation, actor_for_request, form_view, run_action
from .. import forms
from .shared import REFUSAL, managed_plan, managed_round, page_of, round_and_measure, visible_round

PER_PAGE_POSITIONS = 25
PER_PAGE_AMENDMENTS = 10
PER_PAGE_THREADS = 20
PER_PAGE_PENDING = 20


@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    plan = managed_plan(request, pk)
    form = forms.RoundForm(request.POST or None, plan=plan)
    return form_view(
        request,
        form,
        call=lambda data: services.open_round(
            plan=plan,
            title=data["title"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            invited=list(data["invited_all"]),
            disabled=data["disabled"],
            acting_user=request.user,
        ),
        message=lambda round_: _("Consultation ouverte sur la version %(n)s.") % {"n": round_.version.number},
        success=lambda round_: redirect("plans:round", round_id=round_.pk),
        template="plans/form.html",
        context={"page_title": _("Ouvrir une consultation"), "plan": plan},
    )


def _round_initial(round_) -> dict:
    switches = selectors.round_switches(round_)
    initial = {
        "title": round_.title,
        "opens_at": timezone.localtime(round_.opens_at),
        "closes_at": timezone.localtime(round_.closes_at),
        "invited": [o.pk for o in round_.invited.all()],
    }
    for priority_id, setting in switches.items():
        for kind in ("positions", "comments", "amendments"):
            initial[f"p{priority_id}_{kind}"] = getattr(setting, f"{kind}_enabled")
    return initial


@require_http_methods(["GET", "POST"])
def round_edit(request, round_id):
    """A scheduled round is edited until it opens (the service refuses after, in French)."""
    round_ = managed_round(request, round_id)
    form = forms.RoundForm(request.POST or None, plan=round_.plan, initial=_round_initial(round_))
    return form_view(
        request,
        form,
        call=lambda data: services.update_round(
            round=round_,
            title=data["title"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            invited=list(data["invited_all"]),
            disabled=data["disabled"],
            acting_user=request.user,
        ),
        message=_("Consultation modifiée."),
        success=lambda updated: redirect("plans:round", round_id=updated.pk),
        template="plans/form.html",
        context={"page_title": _("Modifier la consultation"), "back_round": round_},
    )


def rounds(request):
    visible = policies.rounds_visible_to(actor_for_request(request)).select_related("plan", "version")
    return render(
        request, "plans/rounds.html", {"page_title": _("Consultations sur le plan national"), "rounds": visible}
    )


def round_detail(request, round_id):
    round_ = visible_round(request, round_id)
    actor = actor_for_request(request)
    org = selectors.contributing_organisation(actor, round_, preferred=acting_organisation(request))
    is_coordination = policies.can_manage_plans(actor)
    own = {p.measure_id: p for p in selectors.visible_positions(actor, round_, org)} if org else {}
    measures = selectors.round_measures(round_, with_counts=is_coordination)
    for m in measures:
        m.own_position = own.get(m.pk)
    context = {
        "page_title": round_.title,
        "round": round_,
        "organisation": org,
        "measures": measures,
        "position_values": PositionValue.choices,
        "is_coordination": is_coordination,
        "pending_page": page_of(request, selectors.pending_amendments(round_), PER_PAGE_PENDING)
        if is_coordination
        else None,
        "notes": selectors.internal_notes(actor, round_) if is_coordination else None,
        "note_form": forms.NoteForm() if is_coordination else None,
        "hearings": round_.hearings.select_related("organisation"),
        "written": selectors.published_synthesis_for(actor, round_),
    }
    return render(request, "plans/round.html", context)


def round_measure(request, round_id, measure_id):
    round_, measure = round_and_measure(request, round_id, measure_id)
    actor = actor_for_request(request)
    org = selectors.contributing_organisation(actor, round_, preferred=acting_organisation(request))
    is_coordination = policies.can_manage_plans(actor)
    position = selectors.own_position(actor, round_, org, measure)
    snapshot = next(m for m in round_.version.snapshot["measures"] if m["id"] == measure.pk)
    setting = selectors.priority_setting(round_, measure)
    can_contribute = org is not None and round_.is_open()
    positions_page = None
    if is_coordination:
        positions = selectors.measure_positions(actor, round_, measure)
        positions_page = page_of(request, positions, PER_PAGE_POSITIONS, "positions")
    amendments = selectors.measure_amendments(round_, measure)
    amendments_page = page_of(request, amendments, PER_PAGE_AMENDMENTS, "amendements")
    threads_page = page_of(request, selectors.measure_root_comments(round_, measure), PER_PAGE_THREADS, "commentaires")
    context = {
        "can_contribute": can_contribute,
        "can_position": can_contribute and (setting is None or setting.positions_enabled),
        "can_comment": can_contribute and (setting is None or setting.comments_enabled),
        "can_amend": can_contribute and (setting is None or setting.amendments_enabled),
        "page_title": _("Mesure %(n)s") % {"n": measure.number},
        "round": round_,
        "measure": measure,
        "text": snapshot,
        "organisation": org,
        "is_open": round_.is_open(),
        "setting": setting,
        "is_coordination": is_coordination,
        "position": position,
        "positions": positions_page,
        "position_form": forms.PositionForm(
            initial={"value": position.value, "argument": position.argument} if position else None
        ),
        "comment_form": forms.CommentForm(),
        "stance_choices": Stance.choices,
        "amendment_form": forms.AmendmentForm(initial={"version": round_.version.number}),
        "amendments": amendments_page,
        "threads": selectors.comment_threads(threads_page.object_list),
        "threads_page": threads_page,
    }
    if is_coordination:
        # One prefixed form per amendment: field ids stay unique on the page.
        for a in amendments_page:
            a.answer_form = forms.AnswerForm(
                prefix=f"reponse-{a.pk}",
                initial={"recommendation": a.recommendation, "decision": a.decision, "answer": a.answer},
            )
            a.note_form = forms.NoteForm(auto_id=f"note-amendement-{a.pk}-%s", initial={"amendment": a.pk})
        # Internal notes sit beside the shared discussion (OpenSlides), for the coordination only.
        context["notes"] = selectors.internal_notes(actor, round_, measure=measure)
        context["note_form"] = forms.NoteForm(auto_id="note-%s", initial={"measure": measure.pk})
    return render(request, "plans/round_measure.html", context)


def _contribute(request, round_id, measure_id, form_class, call):
    """A contribution of an invited organisation, posted from a measure's page:
    every outcome is a message on that page."""
    round_, measure = round_and_measure(request, round_id, measure_id)
    form = form_class(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.warning(request, _("Contribution non enregistrée : %(e)s") % {"e": errors})
    else:
        run_action(
            request,
            lambda: call(round_, measure, form.cleaned_data, acting_organisation(request)),
            success=_("Contribution enregistrée."),
            refusal_level=REFUSAL,
            denied=_("Votre organisation n'est pas invitée à contribuer à cette consultation."),
        )
    return redirect("plans:round_measure", round_id=round_.pk, measure_id=measure.pk)


@require_POST
def position(request, round_id, measure_id):
    def call(round_, measure, d, org):
        services.submit_position(
            round=round_,
            measure=measure,
            value=d["value"],
            argument=d["argument"],
            acting_user=request.user,
            organisation=org,
        )

    return _contribute(request, round_id, measure_id, forms.PositionForm, call)


@require_POST
def comment(request, round_id, measure_id):
    def call(round_, measure, d, org):
        parent = None
        if d.get("parent"):
            parent = selectors.comment_in(round_, measure, d["parent"])
            if parent is None:
                raise ValidationError(_("Le commentaire auquel vous répondez n'existe plus."))
        services.add_comment(
            round=round_,
            measure=measure,
            body=d["body"],
            stance=d["stance"],
            parent=parent,
            acting_user=request.user,
            organisation=org,
        )

    return _contribute(request, round_id, measure_id, forms.CommentForm, call)


@require_POST
def amendment(request, round_id, measure_id):
    def call(round_, measure, d, org):
        version = selectors.version_numbered(round_.plan, d["version"])
        if version is None:
            raise ValidationError(_("Cette version du plan n'existe pas."))
        services.propose_amendment(
            round=round_,
            measure=measure,
            version=version,
            field=d["field"],
            proposed_text=d["proposed_text"],
            rationale=d["rationale"],
            sources=d["sources"],
            acting_user=request.user,
            organisation=org,
        )

    return _contribute(request, round_id, measure_id, forms.AmendmentForm, call)


@require_POST
def amendment_withdraw(request, round_id, amendment_id):
    round_ = visible_round(request, round_id)
    amendment_obj = get_object_or_404(round_.amendments, pk=amendment_id)
    run_action(
        request,
        lambda: services.withdraw_amendment(amendment=amendment_obj, acting_user=request.user),
        success=_("Amendement retiré."),
        refusal_level=REFUSAL,
        denied=_("Seule l'organisation qui l'a proposé peut retirer cet amendement."),
    )
    return redirect("plans:round_measure", round_id=round_.pk, measure_id=amendment_obj.measure_id)
