"""Reads of the annual collection. Records are only returned to the
administrator of the organisation that prepared them (policies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policies
from .charts import TrendPoint
from .disclosure import TOTAL
from .enums import FollowUp
from .models import Campaign, HistoricalFigure, Invitation, PublishedTable, Record, Release, Return, ReturnVersion


def has_submitted(campaign: Campaign, organisation) -> bool:
    return ReturnVersion.objects.filter(
        return_obj__campaign=campaign, return_obj__organisation=organisation, submitted_at__isnull=False
    ).exists()


@dataclass
class FollowUpRow:
    organisation: object
    state: str
    label: str
    records: int | None
    version: int | None
    submitted_at: object
    missing: list[str]
    reminders: int


MISSING_CHECKS = (
    ("sex", "U", "sexe inconnu"),
    ("age_band", "UNK", "âge inconnu"),
    ("exploitation_place", "ZZ", "lieu d'exploitation inconnu"),
)


def follow_up(campaign: Campaign) -> list[FollowUpRow]:
    """Who submitted, who is late, what is missing (counts only, never records)."""
    today = timezone.localdate()
    versions: dict[int, list[ReturnVersion]] = {}
    for v in (
        ReturnVersion.objects.filter(return_obj__campaign=campaign).select_related("return_obj").order_by("-number")
    ):
        versions.setdefault(v.return_obj.organisation_id, []).append(v)
    labels = dict(FollowUp.choices)
    rows = []
    for invitation in Invitation.objects.filter(campaign=campaign).select_related("organisation"):
        own = versions.get(invitation.organisation_id, [])
        submitted = next((v for v in own if v.submitted_at), None)
        draft = next((v for v in own if v.submitted_at is None), None)
        if draft and submitted:
            state = FollowUp.CORRECTING
        elif submitted:
            state = FollowUp.SUBMITTED
        elif today > campaign.deadline:
            state = FollowUp.LATE
        elif draft:
            state = FollowUp.DRAFT
        else:
            state = FollowUp.NOT_STARTED
        current = submitted or draft
        missing = []
        if current is not None:
            for field, value, text in MISSING_CHECKS:
                n = Record.objects.filter(version=current, **{field: value}).count()
                if n:
                    missing.append(f"{n} × {text}")
        else:
            missing.append("aucun retour")
        rows.append(
            FollowUpRow(
                organisation=invitation.organisation,
                state=state,
                label=str(labels[state]),
                records=current.record_count if current else None,
                version=current.number if current else None,
                submitted_at=submitted.submitted_at if submitted else None,
                missing=missing,
                reminders=invitation.reminders_sent,
            )
        )
    return rows


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.all()


def campaign_of_year(year: int) -> Campaign | None:
    """The campaign of a collection year (unique), with its questionnaire."""
    return Campaign.objects.filter(year=year).select_related("questionnaire").first()


def return_for(user_or_actor, campaign: Campaign, organisation) -> Return | None:
    if not policies.can_read_return(user_or_actor, campaign, organisation):
        return None
    return Return.objects.filter(campaign=campaign, organisation=organisation).first()


def records_for(user_or_actor, version: ReturnVersion) -> QuerySet[Record]:
    """The version's records, for its own organisation's administrator only."""
    if not policies.return_versions_visible_to(user_or_actor).filter(pk=version.pk).exists():
        return Record.objects.none()
    return version.records.all()


def latest_release(year: int | None = None) -> Release | None:
    qs = Release.objects.select_related("campaign")
    if year is not None:
        qs = qs.filter(campaign__year=year)
    return qs.order_by("-campaign__year", "-number").first()


def public_tables(release: Release, *, families=("miprof", "opendata")):
    return release.tables.filter(family__in=families).order_by("position")


def waiting_returns(user_or_actor):
    """Open campaigns waiting for a return from an organisation the person administers."""
    out = []
    for invitation in policies.invitations_visible_to(user_or_actor).filter(campaign__status="open"):
        if not has_submitted(invitation.campaign, invitation.organisation):
            out.append(invitation)
    return out


def releases() -> QuerySet[Release]:
    """Every release, for the readers of all releases (policies.can_read_all_published)."""
    return Release.objects.select_related("campaign")


def invited_organisation_ids(organisation_ids) -> list[int]:
    """Which of these organisations were invited to an annual survey (the
    menu entry « Retour à l'enquête » of their administrators)."""
    return list(
        Invitation.objects.filter(organisation_id__in=organisation_ids)
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def linkage_summary(campaign: Campaign) -> dict:
    """What the campaign page shows of the linkage (issue 13): the last run's
    date and counts of records, and the persons followed by several
    organisations as published in the last release that counted persons (a
    protected value: None when masked; never recomputed here, which would undo
    the disclosure control)."""
    run = campaign.linkage_runs.order_by("-ran_at").first()
    release = campaign.releases.filter(linkage_run__isnull=False).order_by("-number").first()
    several = None
    if release is not None:
        table = PublishedTable.objects.filter(release=release, key="persons.several").first()
        cells = {tuple(c): v for c, v in table.payload["cells"]} if table else {}
        several = cells.get(("several",))
    return {"planned": bool(campaign.linkage_check), "run": run, "release": release, "several": several}


def trend_points(*, until_year: int | None = None):
    """Persons followed per year for the trend chart: the grand total of the
    latest release of each year (already protected: None when suppressed),
    and, for years without a release, the figure published before Maillage."""
    points: dict[int, TrendPoint] = {}
    for figure in HistoricalFigure.objects.filter(indicator="victims.total"):
        points[figure.year] = TrendPoint(figure.year, figure.value, figure.source)
    latest: dict[int, Release] = {}
    for release in Release.objects.select_related("campaign").order_by("campaign__year", "number"):
        latest[release.campaign.year] = release
    tables = PublishedTable.objects.filter(release__in=latest.values(), key="miprof.age_sex").select_related(
        "release__campaign"
    )
    for table in tables:
        year = table.release.campaign.year
        cells = {tuple(coords): value for coords, value in table.payload["cells"]}
        points[year] = TrendPoint(
            year,
            cells.get((TOTAL, TOTAL)),
            _("Maillage, enquête annuelle, publication n° %(n)s") % {"n": table.release.number},
        )
    return [points[y] for y in sorted(points) if until_year is None or y <= until_year]
