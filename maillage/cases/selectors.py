"""Reads of case data. Identity is only returned through `identity_for_display`,
which writes the access-log row (R-PRIVACY, Warsaw art. 11)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from maillage.core import audit

from . import deadlines, policies
from .enums import CaseStatus, ReflectionStatus
from .models import Case, Person, ReflectionPeriod, Task

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


def case_list(user, organisation, *, status: str = "", minors_only: bool = False, form: str = "") -> QuerySet[Case]:
    """Reference and non-identifying columns only: no join to Person.
    The organisation's own cases: cases reached as a partner (accepted
    referral) are listed in the referrals inbox, since the list columns are
    parts the sender may not have shared."""
    qs = policies.cases_visible_to(user, organisation).filter(organisation=organisation).only(*LIST_FIELDS)
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    if minors_only:
        qs = qs.filter(treated_as_minor=True)
    if form:
        qs = qs.filter(exploitation_forms__has=form)
    return qs.order_by("-created_at", "-id")


def case_for(user, organisation, pk) -> Case | None:
    return (
        policies.cases_visible_to(user, organisation)
        .select_related("organisation", "presumed_by")
        .filter(pk=pk)
        .first()
    )


def identity_for_display(
    user, case: Case, *, purpose: str = "case.identity.viewed", acting_organisation=None
) -> Person | None:
    """The person's identity, with a READ row in the audit journal.

    Returns None (and logs nothing) when the user may not see identities."""
    if not policies.can_see_identity(user, case):
        return None
    person = Person.objects.filter(case=case).first()
    if person is None:
        return None
    _record_read(user, case, action=purpose, acting_organisation=acting_organisation)
    return person


def _record_read(user, case: Case, *, action: str, acting_organisation=None, details=None) -> None:
    # An Ac.Sé host's reads are journaled without naming the host to the case owner (R-ACSE, docs/domain/referrals.md).
    from maillage.referrals.pathways import record_acse_host_read

    if record_acse_host_read(user=user, case=case, action=action, details=details):
        return
    audit.record_read(
        action=action,
        actor=user,
        target=case,
        target_label=case.reference,
        organisation=case.organisation,
        acting_organisation=acting_organisation,
        details=details,
    )


def tasks_due_for(user, *, horizon_days: int | None = None) -> QuerySet[Task]:
    horizon = timezone.localdate() + (
        deadlines.TASKS_PANEL_HORIZON.delta() if horizon_days is None else timedelta(days=horizon_days)
    )
    visible = Case.objects.none()
    for membership in policies.active_memberships(user):
        visible = visible | policies.cases_visible_to(user, membership.organisation)
    return (
        Task.objects.filter(assignee=user, done_at__isnull=True, due_on__lte=horizon, case__in=visible.values("id"))
        .select_related("case")
        .order_by("due_on")
    )


def reflection_periods_ending(user, *, today: date | None = None) -> QuerySet[ReflectionPeriod]:
    today = today or timezone.localdate()
    horizon = today + deadlines.REFLECTION_REMINDER_BEFORE_END.delta()
    visible = Case.objects.none()
    for membership in policies.active_memberships(user):
        visible = visible | policies.cases_visible_to(user, membership.organisation).filter(
            organisation=membership.organisation
        )
    return (
        ReflectionPeriod.objects.filter(
            status=ReflectionStatus.GRANTED, end__gte=today, end__lte=horizon, case__in=visible.values("id")
        )
        .select_related("case")
        .order_by("end")
    )


def open_shared_document(user, case: Case, document):
    """A partner's audited read of a document shared through a referral."""
    if "documents" not in policies.parts_for(user, case) or document.case_id != case.pk:
        return None
    _record_read(user, case, action="case.document.downloaded", details={"as": "partner"})
    return document.file.open("rb")
