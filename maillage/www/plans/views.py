"""Thin views of the national plan: forms in, services for writes, selectors for reads.

Pages a user may not see answer 404, not 403 (style.md: do not confirm that a
round or a plan in preparation exists)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.core.audit import record
from maillage.core.models import AuditKind
from maillage.plans import policies, reports, selectors, services, xlsx
from maillage.plans.diff import compare_snapshots
from maillage.plans.enums import PLAN_TRANSITIONS, PlanStatus, PositionValue, Stance
from maillage.plans.models import (
    Amendment,
    Comment,
    Indicator,
    Measure,
    Measurement,
    Milestone,
    Plan,
    ProgressReport,
    SubAction,
)

from . import forms


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _managed_plan(request, pk) -> Plan:
    if not policies.can_manage_plans(request.user):
        raise Http404
    return get_object_or_404(Plan, pk=pk)


def _round(request, round_id):
    return get_object_or_404(policies.rounds_visible_for(request.user).select_related("plan", "version"), pk=round_id)


def _round_measure(request, round_id, measure_id):
    round_ = _round(request, round_id)
    if measure_id not in round_.version.measure_ids():
        raise Http404
    return round_, get_object_or_404(Measure.objects.select_related("priority"), pk=measure_id, plan=round_.plan)


@login_not_required
def public(request):
    plan = selectors.current_public_plan()
    context = {"page_title": _("Plan national de lutte contre la traite des êtres humains")}
    if plan is not None:
        context.update(selectors.plan_overview(plan))
    return render(request, "plans/public.html", context)


@require_http_methods(["GET", "POST"])
def manage(request):
    if not policies.can_manage_plans(request.user):
        raise Http404
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Plan créé à l'état de projet."))
            return redirect("plans:detail", pk=plan.pk)
    plans = Plan.objects.all()
    return render(request, "plans/manage.html", {"page_title": _("Plans nationaux"), "plans": plans, "form": form})


def plan_detail(request, pk):
    plan = _managed_plan(request, pk)
    context = {
        "page_title": plan.title,
        "plan": plan,
        "priorities": plan.priorities.prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("lead", "origin_decision__meeting", "origin_decision__group"),
            )
        ).order_by("number"),
        "versions": plan.versions.order_by("-number"),
        "rounds": plan.rounds.all(),
        "transitions": [(s, PlanStatus(s).label) for s in sorted(PLAN_TRANSITIONS[plan.status])],
        "freeze_form": forms.FreezeForm(),
        "pending_reports": selectors.pending_reports(request.user, plan).count(),
        "is_draft": plan.status == PlanStatus.DRAFT,
    }
    return render(request, "plans/detail.html", context)


@require_POST
def transition(request, pk):
    plan = _managed_plan(request, pk)
    try:
        services.transition_plan(plan=plan, to=request.POST.get("to", ""), acting_user=request.user)
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, _("Statut du plan mis à jour."))
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def freeze(request, pk):
    plan = _managed_plan(request, pk)
    form = forms.FreezeForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Décrivez les modifications de cette version."))
        return redirect("plans:detail", pk=plan.pk)
    try:
        version = services.freeze_version(
            plan=plan, changelog=form.cleaned_data["changelog"], acting_user=request.user
        )
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, _("Version %(n)s figée.") % {"n": version.number})
    return redirect("plans:detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def priority_create(request, pk):
    plan = _managed_plan(request, pk)
    form = forms.PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_priority(plan=plan, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"page_title": _("Ajouter un axe"), "plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk, measure_id=None):
    plan = _managed_plan(request, pk)
    measure = get_object_or_404(plan.measures, pk=measure_id) if measure_id else None
    initial = {}
    if measure is not None:
        initial = {f: getattr(measure, f) for f in ("priority", "number", "title", "description", "lead", "deadline")}
        initial.update(co_leads=measure.co_leads.all(), partners=measure.partners.all())
    form = forms.MeasureForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        co_leads, partners = data.pop("co_leads"), data.pop("partners")
        try:
            services.save_measure(
                plan=plan, measure=measure, co_leads=co_leads, partners=partners, acting_user=request.user, **data
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            return redirect("plans:detail", pk=plan.pk)
    title = _("Modifier la mesure") if measure else _("Ajouter une mesure")
    context = {
        "page_title": title,
        "plan": plan,
        "form": form,
        "measure": measure,
        "can_delete_measure": measure is not None and plan.status == PlanStatus.DRAFT,
    }
    return render(request, "plans/form.html", context)


@require_http_methods(["GET", "POST"])
def measure_delete(request, pk, measure_id):
    """Confirmation page (GET) then deletion (POST) of a measure of a draft.
    The page explains a refusal (plan no longer a draft, contributions received)
    instead of offering the button."""
    plan = _managed_plan(request, pk)
    measure = get_object_or_404(
        plan.measures.select_related("priority", "origin_decision__meeting", "origin_decision__group"), pk=measure_id
    )
    if request.method == "POST":
        try:
            services.delete_measure(measure=measure, acting_user=request.user)
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
            return redirect("plans:measure_delete", pk=plan.pk, measure_id=measure.pk)
        messages.success(request, _("Mesure %(n)s « %(t)s » supprimée.") % {"n": measure.number, "t": measure.title})
        return redirect("plans:detail", pk=plan.pk)
    dependents = services.measure_dependents(measure)
    context = {
        "page_title": _("Supprimer la mesure %(n)s") % {"n": measure.number},
        "plan": plan,
        "measure": measure,
        "dependents": dependents,
        "has_followup": any(n for key, n in dependents.items() if key != "contributions"),
        "refusal": services.measure_deletion_refusal(plan=plan, measure=measure, dependents=dependents),
        "versions": [v.number for v in plan.versions.order_by("number") if measure.pk in v.measure_ids()],
    }
    return render(request, "plans/measure_delete.html", context)


def compare(request, pk):
    plan = _managed_plan(request, pk)
    versions = list(plan.versions.order_by("number"))
    by_number = {v.number: v for v in versions}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    old, new = by_number.get(a), by_number.get(b)
    if (old is None or new is None) and len(versions) >= 2:
        old, new = versions[-2], versions[-1]
    changes = compare_snapshots(old.snapshot, new.snapshot) if old and new else []
    return render(
        request,
        "plans/compare.html",
        {
            "page_title": _("Comparer deux versions"),
            "plan": plan,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
        },
    )


@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    plan = _managed_plan(request, pk)
    form = forms.RoundForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round_ = services.open_round(
                plan=plan,
                title=d["title"],
                opens_at=d["opens_at"],
                closes_at=d["closes_at"],
                invited=list(d["invited_all"]),
                disabled=d["disabled"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Consultation ouverte sur la version %(n)s.") % {"n": round_.version.number})
            return redirect("plans:round", round_id=round_.pk)
    return render(request, "plans/form.html", {"page_title": _("Ouvrir une consultation"), "plan": plan, "form": form})


def rounds(request):
    visible = policies.rounds_visible_for(request.user).select_related("plan", "version")
    return render(
        request, "plans/rounds.html", {"page_title": _("Consultations sur le plan national"), "rounds": visible}
    )


PER_PAGE_POSITIONS = 25
PER_PAGE_AMENDMENTS = 10
PER_PAGE_THREADS = 20
PER_PAGE_PENDING = 20


def _page(request, items, per_page, list_name=None):
    """One page of `items`. A page holding several paginated lists names the
    list the `page` parameter applies to (`?liste=…&page=N`, the query given to
    includes/pagination.html); the other lists show their first page."""
    number = request.GET.get("page") if list_name is None or request.GET.get("liste") == list_name else 1
    return Paginator(items, per_page).get_page(number)


def round_detail(request, round_id):
    round_ = _round(request, round_id)
    org = policies.contributing_organisation(
        request.user, round_, preferred=getattr(request.membership, "organisation", None)
    )
    is_coordination = policies.can_manage_plans(request.user)
    own = {p.measure_id: p for p in selectors.visible_positions(request.user, round_, org)} if org else {}
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
        "pending_page": _page(request, selectors.pending_amendments(round_), PER_PAGE_PENDING)
        if is_coordination
        else None,
        "notes": selectors.internal_notes(request.user, round_) if is_coordination else None,
        "note_form": forms.NoteForm() if is_coordination else None,
        "hearings": round_.hearings.select_related("organisation"),
    }
    return render(request, "plans/round.html", context)


def round_measure(request, round_id, measure_id):
    round_, measure = _round_measure(request, round_id, measure_id)
    org = policies.contributing_organisation(
        request.user, round_, preferred=getattr(request.membership, "organisation", None)
    )
    is_coordination = policies.can_manage_plans(request.user)
    position = selectors.visible_positions(request.user, round_, org).filter(measure=measure).first() if org else None
    snapshot = next(m for m in round_.version.snapshot["measures"] if m["id"] == measure.pk)
    setting = round_.priority_settings.filter(priority_id=measure.priority_id).first()
    can_contribute = org is not None and round_.is_open()
    positions_page = None
    if is_coordination:
        positions_page = _page(
            request,
            selectors.visible_positions(request.user, round_).filter(measure=measure).order_by("created_at", "pk"),
            PER_PAGE_POSITIONS,
            "positions",
        )
    amendments_page = _page(request, selectors.measure_amendments(round_, measure), PER_PAGE_AMENDMENTS, "amendements")
    threads_page = _page(request, selectors.measure_root_comments(round_, measure), PER_PAGE_THREADS, "commentaires")
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
        context["notes"] = selectors.internal_notes(request.user, round_, measure=measure)
        context["note_form"] = forms.NoteForm(auto_id="note-%s", initial={"measure": measure.pk})
    return render(request, "plans/round_measure.html", context)


def _contribute(request, round_id, measure_id, form_class, call):
    round_, measure = _round_measure(request, round_id, measure_id)
    form = form_class(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.warning(request, _("Contribution non enregistrée : %(e)s") % {"e": errors})
    else:
        preferred = getattr(request.membership, "organisation", None)
        try:
            call(round_, measure, form.cleaned_data, preferred)
        except PermissionDenied:
            messages.warning(request, _("Votre organisation n'est pas invitée à contribuer à cette consultation."))
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
        else:
            messages.success(request, _("Contribution enregistrée."))
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
            parent = Comment.objects.filter(pk=d["parent"], round=round_, measure=measure).first()
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
        version = round_.plan.versions.filter(number=d["version"]).first()
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
def amendment_answer(request, round_id, amendment_id):
    if not policies.can_manage_plans(request.user):
        raise Http404
    amendment_obj = get_object_or_404(Amendment, pk=amendment_id, round_id=round_id)
    form = forms.AnswerForm(request.POST, prefix=f"reponse-{amendment_obj.pk}")
    if form.is_valid():
        try:
            services.answer_amendment(amendment=amendment_obj, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
        else:
            messages.success(request, _("Réponse enregistrée."))
    else:
        messages.warning(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("plans:round_measure", round_id=round_id, measure_id=amendment_obj.measure_id)


@require_POST
def internal_note(request, round_id):
    if not policies.can_manage_plans(request.user):
        raise Http404
    round_ = _round(request, round_id)
    form = forms.NoteForm(request.POST)
    measure_id = None
    if form.is_valid():
        d = form.cleaned_data
        amendment_obj = get_object_or_404(Amendment, pk=d["amendment"], round=round_) if d.get("amendment") else None
        measure_obj = None
        if d.get("measure"):
            if d["measure"] not in round_.version.measure_ids():
                raise Http404
            measure_obj = get_object_or_404(Measure, pk=d["measure"], plan=round_.plan)
        measure_id = amendment_obj.measure_id if amendment_obj else (measure_obj.pk if measure_obj else None)
        try:
            services.add_internal_note(
                round=round_, body=d["body"], measure=measure_obj, amendment=amendment_obj, acting_user=request.user
            )
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
        else:
            messages.success(request, _("Note interne ajoutée."))
    else:
        messages.warning(request, _("La note est vide."))
        posted = request.POST.get("measure", "")
        measure_id = int(posted) if posted.isdigit() and int(posted) in round_.version.measure_ids() else None
    if measure_id is not None:
        # Back beside the discussion the note is about.
        return redirect(reverse("plans:round_measure", args=[round_.pk, measure_id]) + "#notes-internes")
    return redirect("plans:round", round_id=round_.pk)


HEARING_CHOICES_MAX = 200


@require_http_methods(["GET", "POST"])
def hearing(request, round_id):
    """Its own page, offering only the organisations that may be heard in this
    round (selectors.hearing_organisations), not the whole directory. When they
    are more than HEARING_CHOICES_MAX (a round inviting every association), a
    search by name narrows the list; the choice is validated against all of
    them. A constant number of queries whatever their number."""
    if not policies.can_manage_plans(request.user):
        raise Http404
    round_ = _round(request, round_id)
    allowed = selectors.hearing_organisations(round_)
    total = allowed.count()
    search = forms.HearingSearchForm(request.GET or None, auto_id="recherche-%s")
    text = search.cleaned_data.get("nom", "").strip() if search.is_valid() else ""
    candidates = allowed.filter(Q(name__icontains=text) | Q(acronym__icontains=text)) if text else allowed
    shown = list(candidates[: HEARING_CHOICES_MAX + 1])
    truncated = len(shown) > HEARING_CHOICES_MAX
    shown = shown[:HEARING_CHOICES_MAX]
    chosen = request.POST.get("organisation", "")
    if chosen.isdigit() and int(chosen) not in {o.pk for o in shown}:
        # Keep the organisation chosen before an error on another field selectable.
        shown += list(allowed.filter(pk=int(chosen)))
    form = forms.HearingForm(request.POST or None, organisations=allowed, shown=shown)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_hearing(round=round_, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("organisation", _error_text(exc))
        else:
            messages.success(request, _("Audition enregistrée."))
            return redirect("plans:round", round_id=round_.pk)
    context = {
        "page_title": _("Enregistrer une audition"),
        "round": round_,
        "form": form,
        "search": search if total > HEARING_CHOICES_MAX else None,
        "total": total,
        "truncated": truncated,
        "no_match": bool(text) and not shown,
        "choices_max": HEARING_CHOICES_MAX,
    }
    return render(request, "plans/hearing.html", context)


def _synthesis_round(request, round_id):
    if not policies.can_manage_plans(request.user):
        raise Http404
    return _round(request, round_id)


def synthesis(request, round_id):
    round_ = _synthesis_round(request, round_id)
    return render(
        request,
        "plans/synthesis.html",
        {"page_title": _("Synthèse de la consultation"), **selectors.synthesis(round_)},
    )


def synthesis_pdf(request, round_id):
    round_ = _synthesis_round(request, round_id)
    record(
        action="plans.synthesis.pdf",
        actor=request.user,
        kind=AuditKind.EXPORT,
        target=round_,
        organisation=round_.plan.coordination,
    )
    response = HttpResponse(reports.consultation_pdf(round_), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="synthese-consultation-{round_.pk}.pdf"'
    return response


def synthesis_csv(request, round_id):
    round_ = _synthesis_round(request, round_id)
    record(
        action="plans.synthesis.csv",
        actor=request.user,
        kind=AuditKind.EXPORT,
        target=round_,
        organisation=round_.plan.coordination,
    )
    response = HttpResponse(reports.consultation_csv(round_), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="synthese-consultation-{round_.pk}.csv"'
    return response


def reporting(request):
    measures = policies.measures_reportable_by(request.user)
    return render(request, "plans/reporting.html", {"page_title": _("Suivi de mes mesures"), "measures": measures})


@require_http_methods(["GET", "POST"])
def report(request, measure_id):
    measure = get_object_or_404(policies.measures_reportable_by(request.user), pk=measure_id)
    form = forms.ReportForm(
        request.POST or None,
        initial={
            "status": measure.status,
            "progress": measure.progress,
            "health": measure.health,
            "completion": measure.completion,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_progress_report(measure=measure, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Compte rendu transmis à la coordination pour validation."))
            return redirect("plans:reporting")
    indicators = [(ind, forms.MeasurementForm(prefix=f"indicateur-{ind.pk}")) for ind in measure.indicators.all()]
    return render(
        request,
        "plans/report.html",
        {
            "page_title": _("Compte rendu : mesure %(n)s") % {"n": measure.number},
            "measure": measure,
            "form": form,
            "indicators": indicators,
            "milestones": measure.milestones.all(),
            "can_mark_milestones": policies.can_report_on(request.user, measure),
            "today": timezone.localdate(),
        },
    )


def reports_pending(request, pk):
    plan = _managed_plan(request, pk)
    return render(
        request,
        "plans/reports_pending.html",
        {
            "page_title": _("Comptes rendus à valider"),
            "plan": plan,
            "reports": selectors.pending_reports(request.user, plan),
        },
    )


@require_POST
def report_validate(request, pk, report_id):
    plan = _managed_plan(request, pk)
    report_obj = get_object_or_404(ProgressReport, pk=report_id, measure__plan=plan)
    try:
        services.validate_progress_report(report=report_obj, acting_user=request.user)
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, _("Compte rendu validé et publié."))
    return redirect("plans:reports_pending", pk=plan.pk)


def progress_xlsx(request, pk):
    plan = _managed_plan(request, pk)
    record(
        action="plans.progress.export",
        actor=request.user,
        kind=AuditKind.EXPORT,
        target=plan,
        organisation=plan.coordination,
    )
    response = HttpResponse(
        xlsx.export_progress(plan), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="avancement-plan-{plan.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@require_http_methods(["GET", "POST"])
def progress_import(request, pk):
    plan = _managed_plan(request, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        count, errors = xlsx.import_progress(
            plan=plan, data=form.cleaned_data["file"].read(), acting_user=request.user
        )
        if not errors:
            messages.success(request, _("%(n)s mesures mises à jour.") % {"n": count})
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/import.html",
        {"page_title": _("Importer l'avancement"), "plan": plan, "form": form, "errors": errors},
    )


FOLLOWUP_FORMS = {
    "sub_action": forms.SubActionForm,
    "progress": forms.SubActionProgressForm,
    "milestone": forms.MilestoneForm,
    "indicator": forms.IndicatorForm,
}


@require_http_methods(["GET", "POST"])
def measure_followup(request, pk, measure_id):
    """Coordination: sub-actions, milestones, indicators and measurements of one measure."""
    plan = _managed_plan(request, pk)
    measure = get_object_or_404(plan.measures.select_related("priority", "status"), pk=measure_id)
    bound = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        form_class = FOLLOWUP_FORMS.get(kind)
        if form_class is None:
            raise Http404
        form = bound[kind] = form_class(request.POST, prefix=kind)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if kind == "sub_action":
                    services.add_sub_action(
                        measure=measure, title=d["title"], weight=d["weight"], acting_user=request.user
                    )
                elif kind == "progress":
                    sub_action = get_object_or_404(SubAction, pk=d["sub_action"], measure=measure)
                    services.set_sub_action_progress(
                        sub_action=sub_action, progress=d["progress"], acting_user=request.user
                    )
                elif kind == "milestone":
                    services.add_milestone(measure=measure, acting_user=request.user, **d)
                else:
                    services.add_indicator(measure=measure, acting_user=request.user, **d)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("Enregistré."))
                return redirect("plans:measure_followup", pk=plan.pk, measure_id=measure.pk)
    context = {
        "page_title": _("Suivi de la mesure %(n)s") % {"n": measure.number},
        "plan": plan,
        "measure": measure,
        "sub_actions": measure.sub_actions.all(),
        "milestones": measure.milestones.all(),
        "indicators": measure.indicators.prefetch_related("measurements"),
        "forms": {
            kind: bound.get(kind) or cls(prefix=kind) for kind, cls in FOLLOWUP_FORMS.items() if kind != "progress"
        },
        "can_edit": plan.status != PlanStatus.CLOSED,
        "today": timezone.localdate(),
    }
    return render(request, "plans/measure_followup.html", context)


# Editing and deleting follow-up items: one URL segment per kind, each with its
# model, form, fields, services and French labels.
FOLLOWUP_ITEMS = {
    "actions": {
        "model": SubAction,
        "form": forms.SubActionForm,
        "fields": ("title", "weight"),
        "update": lambda obj, user, d: services.update_sub_action(sub_action=obj, acting_user=user, **d),
        "delete": lambda obj, user: services.delete_sub_action(sub_action=obj, acting_user=user),
        "title": gettext_lazy("Modifier l'action"),
        "delete_label": gettext_lazy("Supprimer l'action"),
        "delete_help": gettext_lazy("L'avancement de la mesure sera recalculé à partir des actions restantes."),
        "deleted": gettext_lazy("Action supprimée ; avancement de la mesure recalculé."),
    },
    "jalons": {
        "model": Milestone,
        "form": forms.MilestoneForm,
        "fields": ("title", "due_date"),
        "update": lambda obj, user, d: services.update_milestone(milestone=obj, acting_user=user, **d),
        "delete": lambda obj, user: services.delete_milestone(milestone=obj, acting_user=user),
        "title": gettext_lazy("Modifier le jalon"),
        "delete_label": gettext_lazy("Supprimer le jalon"),
        "delete_help": "",
        "deleted": gettext_lazy("Jalon supprimé."),
    },
    "indicateurs": {
        "model": Indicator,
        "form": forms.IndicatorForm,
        "fields": services.INDICATOR_FIELDS,
        "update": lambda obj, user, d: services.update_indicator(indicator=obj, acting_user=user, **d),
        "delete": lambda obj, user: services.delete_indicator(indicator=obj, acting_user=user),
        "title": gettext_lazy("Modifier l'indicateur"),
        "delete_label": gettext_lazy("Supprimer l'indicateur"),
        "delete_help": gettext_lazy(
            "Impossible une fois une valeur validée ; les valeurs en attente de validation sont supprimées avec lui."
        ),
        "deleted": gettext_lazy("Indicateur supprimé."),
    },
}


def _followup_item(request, pk, kind, item_id):
    plan = _managed_plan(request, pk)
    spec = FOLLOWUP_ITEMS.get(kind)
    if spec is None:
        raise Http404
    obj = get_object_or_404(spec["model"].objects.select_related("measure"), pk=item_id, measure__plan=plan)
    return plan, spec, obj


@require_http_methods(["GET", "POST"])
def followup_item_edit(request, pk, kind, item_id):
    plan, spec, obj = _followup_item(request, pk, kind, item_id)
    initial = {f: getattr(obj, f) for f in spec["fields"]}
    form = spec["form"](request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            spec["update"](obj, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("plans:measure_followup", pk=plan.pk, measure_id=obj.measure_id)
    context = {
        "page_title": spec["title"],
        "plan": plan,
        "measure": obj.measure,
        "form": form,
        "kind": kind,
        "item": obj,
        "spec": spec,
        "can_edit": plan.status != PlanStatus.CLOSED,
    }
    return render(request, "plans/followup_item.html", context)


@require_POST
def followup_item_delete(request, pk, kind, item_id):
    plan, spec, obj = _followup_item(request, pk, kind, item_id)
    measure_id = obj.measure_id
    try:
        spec["delete"](obj, request.user)
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, spec["deleted"])
    return redirect("plans:measure_followup", pk=plan.pk, measure_id=measure_id)


@require_POST
def milestone_reached(request, milestone_id):
    """The coordination, or a member of the lead or a co-lead organisation, records the date a milestone was reached."""
    milestone = get_object_or_404(Milestone.objects.select_related("measure__plan"), pk=milestone_id)
    measure = milestone.measure
    is_coordination = policies.can_manage_plans(request.user)
    if not (is_coordination or policies.can_report_on(request.user, measure)):
        raise Http404
    form = forms.MilestoneReachedForm(request.POST, prefix=f"jalon-{milestone.pk}")
    if form.is_valid():
        try:
            services.set_milestone_reached(
                milestone=milestone, reached_on=form.cleaned_data["reached_on"], acting_user=request.user
            )
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
        else:
            messages.success(request, _("Jalon « %(t)s » marqué comme atteint.") % {"t": milestone.title})
    else:
        messages.warning(request, _("Indiquez la date à laquelle le jalon a été atteint."))
    if is_coordination:
        return redirect("plans:measure_followup", pk=measure.plan_id, measure_id=measure.pk)
    return redirect("plans:report", measure_id=measure.pk)


@require_POST
def measurement_add(request, indicator_id):
    """Responsible bodies (or the coordination) enter a value; public once validated."""
    indicator = get_object_or_404(Indicator.objects.select_related("measure__plan"), pk=indicator_id)
    measure = indicator.measure
    if not (policies.can_manage_plans(request.user) or policies.can_report_on(request.user, measure)):
        raise Http404
    form = forms.MeasurementForm(request.POST, prefix=f"indicateur-{indicator.pk}")
    if form.is_valid():
        try:
            services.record_measurement(indicator=indicator, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
        else:
            messages.success(
                request, _("Valeur enregistrée ; elle sera publiée après validation par la coordination.")
            )
    else:
        messages.warning(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    if policies.can_manage_plans(request.user):
        return redirect("plans:measure_followup", pk=measure.plan_id, measure_id=measure.pk)
    return redirect("plans:report", measure_id=measure.pk)


@require_POST
def measurement_validate(request, pk, measurement_id):
    plan = _managed_plan(request, pk)
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator__measure"), pk=measurement_id, indicator__measure__plan=plan
    )
    try:
        services.validate_measurement(measurement=measurement, acting_user=request.user)
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, _("Valeur validée et publiée."))
    return redirect("plans:measure_followup", pk=plan.pk, measure_id=measurement.indicator.measure_id)


@require_POST
def amendment_withdraw(request, round_id, amendment_id):
    round_ = _round(request, round_id)
    amendment_obj = get_object_or_404(Amendment, pk=amendment_id, round=round_)
    try:
        services.withdraw_amendment(amendment=amendment_obj, acting_user=request.user)
    except PermissionDenied:
        messages.warning(request, _("Seule l'organisation qui l'a proposé peut retirer cet amendement."))
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, _("Amendement retiré."))
    return redirect("plans:round_measure", round_id=round_.pk, measure_id=amendment_obj.measure_id)
