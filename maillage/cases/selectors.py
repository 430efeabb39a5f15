"""Reads of case data. Every read starts from `policies.cases_visible_to` or
checks `case_access.parts_for`; identity is only returned through
`identity_for_display`, and documents through `open_document`, which write the
access-log row (R-PRIVACY, Warsaw art. 11).

Functions take an actor (`maillage.organisations.actor`): views pass
`actor_for_request(request)`, built once per request, so a page walks the
memberships once whatever it reads."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from maillage.core import audit
from maillage.identification import screening as engine
from maillage.identification.models import Screening
from maillage.organisations.actor import as_actor

from . import access as case_access
from . import deadlines, hooks, policies
from .enums import AuditAction, CaseStatus, NoteVisibility, ReflectionAnswer, ReflectionStatus
from .models import Case, CaseAccessGrant, Document, Person, ReflectionOffer, ReflectionPeriod, ResidencePermit, Task

LIST_FIELDS = (
    "id",
    "reference",
    "status",
    "age_status",
    "treated_as_minor",
    "sex",
    "birth_year",
    "estimated_age",
    "nationalities",
    "exploitation_forms",
    "exploitation_country",
    "exploitation_departement",
    "created_at",
    "updated_at",
    "organisation_id",
)


def case_list(actor, organisation, *, status: str = "", minors_only: bool = False, form: str = "") -> QuerySet[Case]:
    """Reference and non-identifying columns only: no join to Person.
    The organisation's own cases: cases reached through a grant (accepted
    referral, Ac.Sé hosting) are listed where the grant comes from, since the
    list columns are parts the grant may not share."""
    qs = policies.cases_visible_to(actor, organisation).filter(organisation=organisation).only(*LIST_FIELDS)
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    if minors_only:
        qs = qs.filter(treated_as_minor=True)
    if form:
        qs = qs.filter(exploitation_forms__has=form)
    return qs.order_by("-created_at", "-id")


def shared_case_list(actor, organisation) -> QuerySet[CaseAccessGrant]:
    """Cases other organisations share with `organisation` (an accepted
    referral, an Ac.Sé place), one row per open grant, for the « Dossiers »
    list (issue 10 item 5: a case handed on stays visible). The page shows the
    owner, the parts shared and, only when the facts are shared, the age and
    forms of exploitation: never more than the grant gives."""
    visible = policies.cases_visible_to(actor, organisation)
    org_id = getattr(organisation, "pk", organisation)
    return (
        CaseAccessGrant.objects.open()
        .filter(organisation_id=org_id, case__in=visible.exclude(organisation_id=org_id).values("id"))
        .select_related("case", "case__organisation")
        .only(
            "id",
            "parts",
            "reason",
            "granted_at",
            "case",
            "case__reference",
            "case__status",
            "case__treated_as_minor",
            "case__exploitation_forms",
            "case__organisation",
            "case__organisation__name",
        )
        .order_by("-granted_at", "-id")
    )


def case_for(actor, organisation, pk) -> Case | None:
    return (
        policies.cases_visible_to(actor, organisation)
        .select_related("organisation", "presumed_by")
        .filter(pk=pk)
        .first()
    )


def pk_for_reference(reference: str) -> int | None:
    """The key of the case with this reference (the API names cases by their
    pseudonymous reference). Only a key: callers pass it to a selector that
    checks access (`case_access_for`, the minors' chain), so a case the caller
    may not reach is a 404 like one that does not exist."""
    if not reference or len(reference) > 20:
        return None
    return Case.objects.filter(reference=reference).values_list("pk", flat=True).first()


def case_access_for(actor, organisation, pk, *, part: str | None = "owner") -> case_access.CaseAccess | None:
    """The case `pk` as the actor reaches it acting for `organisation`, or None
    (views answer 404: the same answer whether the case exists elsewhere or
    not, R-PRIVACY). `part`: what the page shows — "owner" for every page but
    the detail page (owner only), a part code for a page showing that part,
    None for the detail page (any shared part)."""
    actor = as_actor(actor)
    case = case_for(actor, organisation, pk)
    if case is None:
        return None
    access = case_access.access_for(actor, case)
    if part == "owner" and not access.is_owner:
        return None
    if part not in (None, "owner") and part not in access.parts:
        return None
    return access


def identity_for_display(
    actor,
    case: Case,
    *,
    purpose: str = AuditAction.IDENTITY_VIEWED,
    acting_organisation=None,
    access: case_access.CaseAccess | None = None,
) -> Person | None:
    """The person's identity, with a READ row in the audit journal.

    Returns None (and logs nothing) when the actor may not see identities.
    `access`: the actor's access to the case when the caller has it already."""
    actor = as_actor(actor)
    access = access if access is not None and access.case.pk == case.pk else case_access.access_for(actor, case)
    if not access.can_see_identity:
        return None
    person = Person.objects.filter(case=case).first()
    if person is None:
        return None
    _record_read(actor, access, action=purpose, acting_organisation=acting_organisation)
    return person


def open_document(actor, case: Case, document: Document, *, access: case_access.CaseAccess | None = None):
    """An audited read of a document: the owner's, or a partner's when the
    documents are shared with it (identity documents are identifying data)."""
    actor = as_actor(actor)
    access = access if access is not None and access.case.pk == case.pk else case_access.access_for(actor, case)
    if document.case_id != case.pk or "documents" not in access.parts:
        return None
    details = None if access.is_owner else {"as": "partner"}
    _record_read(actor, access, action=AuditAction.DOCUMENT_DOWNLOADED, details=details)
    return document.file.open("rb")


def _record_read(
    actor, access: case_access.CaseAccess, *, action: str, acting_organisation=None, details=None
) -> None:
    # A read through a grant may have to be journaled by the granting domain
    # (an Ac.Sé host's read never names the host to the owner, R-ACSE): the
    # hooks get the grants the reader holds and say whether they journaled it.
    case = access.case
    if not access.is_owner and hooks.journal_partner_read(
        actor=actor, case=case, grants=access.grants, action=action, details=details
    ):
        return
    audit.record_read(
        action=action,
        actor=actor.user,
        target=case,
        target_label=case.reference,
        organisation=case.organisation,
        acting_organisation=acting_organisation,
        details=details,
    )


# --- the parts of one case, for its pages ----------------------------------------------


def case_page(access: case_access.CaseAccess) -> dict:
    """What the case page lists, each part only when the actor sees it."""
    case, parts, owner = access.case, access.parts, access.is_owner
    none = case.events.none()
    notes = case.notes.select_related("author")
    if "notes_internal" not in parts:
        notes = notes.filter(visibility=NoteVisibility.SHAREABLE) if "notes_shareable" in parts else notes.none()
    rights = "rights" in parts
    return {
        "notes": notes[:50],
        "tasks": case.tasks.select_related("assignee")[:50] if "tasks" in parts else none,
        "documents": case.documents.all()[:50] if "documents" in parts else none,
        "events": case.events.select_related("actor")[:50] if owner else none,
        "screenings": screenings_of(case)[:20] if "screening" in parts else none,
        "rights": case.rights_information.all()[:20] if rights else none,
        "assistance": case.assistance_measures.all() if "facts" in parts else none,
        "reflection_periods": case.reflection_periods.all()[:20] if rights else none,
        "reflection_offers": case.reflection_offers.all()[:20] if rights else none,
        "permits": case.residence_permits.all()[:20] if rights else none,
        "protections": case.protection_measures.all()[:20] if rights else none,
        "proceedings": case.proceedings.all()[:20] if rights else none,
        "legal_aids": case.legal_aids.select_related("lawyer_organisation")[:20] if rights else none,
        "compensation_claims": case.compensation_claims.all()[:20] if rights else none,
    }


def screenings_of(case: Case) -> QuerySet[Screening]:
    return Screening.objects.filter(case=case).select_related("indicator_set", "author")


def screening_of(case: Case, pk) -> Screening | None:
    return screenings_of(case).filter(pk=pk).first()


def screening_rows(screening: Screening) -> list[dict]:
    """Per dimension of the ILO/EC set: positive or not, and the indicators
    found present (« indices réunis / non réunis », never « victime »)."""
    labels = {i.code: i for i in screening.indicator_set.indicators.all()}
    return [
        {
            "code": code,
            "label": engine.DIMENSION_LABELS_FR[code],
            "positive": screening.dimensions.get(code, False),
            "indicators": [labels[c] for c in screening.present_codes if c in labels and labels[c].dimension == code],
        }
        for code in engine.DIMENSIONS
    ]


def task_of(case: Case, pk) -> Task | None:
    return Task.objects.filter(case=case, pk=pk).select_related("case").first()


def document_of(case: Case, pk) -> Document | None:
    return Document.objects.filter(case=case, pk=pk).first()


def reflection_period_of(case: Case, pk) -> ReflectionPeriod | None:
    return ReflectionPeriod.objects.filter(case=case, pk=pk).first()


def permits_of(case: Case | None) -> QuerySet[ResidencePermit]:
    """The case's permits (a new permit may renew one of them)."""
    return ResidencePermit.objects.filter(case=case) if case is not None else ResidencePermit.objects.none()


# --- home panel ------------------------------------------------------------------------


def _visible_to_any(actor, *, owned_only: bool) -> QuerySet[Case]:
    actor = as_actor(actor)
    visible = Case.objects.none()
    for membership in actor.memberships:
        cases = policies.cases_visible_to(actor, membership.organisation)
        visible = visible | (cases.filter(organisation=membership.organisation) if owned_only else cases)
    return visible


def tasks_due_for(actor, *, horizon_days: int | None = None) -> QuerySet[Task]:
    actor = as_actor(actor)
    horizon = timezone.localdate() + (
        deadlines.TASKS_PANEL_HORIZON.delta() if horizon_days is None else timedelta(days=horizon_days)
    )
    visible = _visible_to_any(actor, owned_only=False)
    return (
        Task.objects.filter(
            assignee=actor.user, done_at__isnull=True, due_on__lte=horizon, case__in=visible.values("id")
        )
        .select_related("case")
        .order_by("due_on")
    )


def open_tasks_of(actor, organisation, *, horizon_days: int | None = None) -> QuerySet[Task]:
    """Open tasks on the organisation's own cases due within the panel's
    horizon or overdue, whoever they are assigned to (the « À traiter » queue:
    a colleague's overdue task is the organisation's too)."""
    horizon = timezone.localdate() + (
        deadlines.TASKS_PANEL_HORIZON.delta() if horizon_days is None else timedelta(days=horizon_days)
    )
    owned = policies.cases_visible_to(actor, organisation).filter(organisation=organisation)
    return (
        Task.objects.filter(case__in=owned.values("id"), done_at__isnull=True, due_on__lte=horizon)
        .select_related("case", "assignee")
        .only(
            "id",
            "title",
            "due_on",
            "created_at",
            "case",
            "case__reference",
            "assignee",
            "assignee__first_name",
            "assignee__last_name",
        )
        .order_by("due_on", "id")
    )


def reflection_periods_ending(actor, *, today: date | None = None) -> QuerySet[ReflectionPeriod]:
    today = today or timezone.localdate()
    horizon = today + deadlines.REFLECTION_REMINDER_BEFORE_END.delta()
    visible = _visible_to_any(actor, owned_only=True)
    return (
        ReflectionPeriod.objects.filter(
            status=ReflectionStatus.GRANTED, end__gte=today, end__lte=horizon, case__in=visible.values("id")
        )
        .select_related("case")
        .order_by("end")
    )


def assignable_users(organisation):
    """Members a task may be given to: active members of the owning organisation."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True)
        .order_by("last_name", "email")
    )


def reflection_offer_of(case: Case, pk) -> ReflectionOffer | None:
    return ReflectionOffer.objects.filter(case=case, pk=pk).first()


# --- work queue of the legal situation (maillage/www/cases/queue_law.py) ----------------


def _owned(actor, organisation) -> QuerySet[Case]:
    """The organisation's own open cases the actor follows (the owner acts on
    proposals and renewals; partners see the case but do not act for it)."""
    return policies.cases_visible_to(actor, organisation).filter(organisation=organisation).open()


def reflection_offers_awaiting(actor, organisation) -> QuerySet[ReflectionOffer]:
    """R-REASONABLE-GROUNDS (art. 13.1): proposals whose answer is not recorded."""
    return (
        ReflectionOffer.objects.filter(answer=ReflectionAnswer.PENDING, case__in=_owned(actor, organisation))
        .select_related("case")
        .order_by("follow_up_on", "offered_at", "id")
    )


def permits_to_renew(actor, organisation, *, today: date | None = None) -> QuerySet[ResidencePermit]:
    """Art. 14, CESEDA R431-5: permits whose renewal window is open (or past)
    and that no later permit renews."""
    today = today or timezone.localdate()
    horizon = today + deadlines.PERMIT_REMINDER_BEFORE_END.delta()
    return (
        ResidencePermit.objects.filter(
            end__isnull=False, end__lte=horizon, renewals__isnull=True, case__in=_owned(actor, organisation)
        )
        .select_related("case")
        .order_by("end", "id")
    )


def lawyers_in_directory():
    """Lawyers and bars listed in the directory (Warsaw art. 15.2)."""
    from maillage.organisations.enums import OrganisationType
    from maillage.organisations.models import Organisation

    return Organisation.objects.filter(type=OrganisationType.BAR, is_active=True).order_by("name")
