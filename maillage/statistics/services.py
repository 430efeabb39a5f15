"""Writes of the annual collection.

Every entry point is keyword-only, takes `acting_user`, checks the policy,
runs in `transaction.atomic(durable=True)`, writes one audit row
(`maillage.core.audit.record`) and sends its emails on commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.core.transactions import step
from maillage.notifications.services import send_email
from maillage.organisations.actor import as_actor
from maillage.organisations.models import Membership, Organisation

from . import derive, linking, policies, records, spreadsheet, workflow
from . import release as release_module
from .enums import AuditAction, CampaignStatus, ReturnSource
from .models import Campaign, HistoricalFigure, Invitation, Questionnaire, Record, Release, Return, ReturnVersion


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def current_questionnaire() -> Questionnaire:
    return Questionnaire.objects.order_by("-version").first()


# --- campaigns --------------------------------------------------------------------------------


def open_campaign(*, year: int, deadline, organisations, acting_user, questionnaire: Questionnaire | None = None):
    actor = as_actor(acting_user)
    _require(policies.can_run_campaigns(actor))
    coordination = next(iter(actor.organisations_of_type("coordination")), None)
    with transaction.atomic(durable=True):
        if Campaign.objects.filter(year=year).exists():
            raise ValidationError({"year": _("Une campagne existe déjà pour l'année %(y)s.") % {"y": year}})
        if deadline <= timezone.localdate():
            raise ValidationError({"deadline": _("La date limite doit être dans le futur.")})
        campaign = Campaign.objects.create(
            year=year,
            deadline=deadline,
            questionnaire=questionnaire or current_questionnaire(),
            coordination=coordination,
            opened_by=acting_user,
        )
        audit.record(
            action=AuditAction.CAMPAIGN_OPENED,
            actor=acting_user,
            kind=AuditKind.WRITE,
            target=campaign,
            organisation=coordination,
            acting_organisation=coordination,
            details={"year": year},
        )
        _invite(campaign, list(organisations), acting_user)
    return campaign


def invite_organisations(*, campaign: Campaign, organisations, acting_user) -> int:
    _require(policies.can_run_campaigns(acting_user))
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_open:
            raise ValidationError(_("La campagne est close."))
        return _invite(campaign, list(organisations), acting_user)


@step
def _invite(campaign: Campaign, organisations: list[Organisation], acting_user) -> int:
    already = set(Invitation.objects.filter(campaign=campaign).values_list("organisation_id", flat=True))
    new = [o for o in organisations if o.pk not in already]
    Invitation.objects.bulk_create([Invitation(campaign=campaign, organisation=o) for o in new])
    for organisation in new:
        _mail_admins(
            organisation,
            subject=_("Enquête annuelle %(y)s : votre organisation est invitée") % {"y": campaign.year},
            template="statistics/emails/invitation.txt",
            context={"campaign": campaign, "organisation": organisation.name},
            key=f"stats-invite:{campaign.pk}:{organisation.pk}",
        )
    if new:
        audit.record(
            action=AuditAction.CAMPAIGN_INVITED,
            actor=acting_user,
            target=campaign,
            organisation=campaign.coordination,
            details={"organisations": [o.pk for o in new]},
        )
    return len(new)


def _mail_admins(organisation, *, subject, template, context, key) -> None:
    url = settings.SITE_BASE_URL.rstrip("/") + reverse("statistics:returns")
    for membership in (
        Membership.objects.active().filter(organisation=organisation, is_admin=True).select_related("user")
    ):
        send_email(
            to=membership.user.email,
            subject=subject,
            template=template,
            context={**context, "url": url},
            idempotency_key=f"{key}:{membership.user_id}",
        )


def close_campaign(*, campaign: Campaign, acting_user) -> Campaign:
    _require(policies.can_run_campaigns(acting_user))
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not workflow.can_transition(campaign.status, CampaignStatus.CLOSED):
            raise ValidationError(_("La campagne est déjà close."))
        campaign.status = CampaignStatus.CLOSED
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["status", "closed_at"])
        audit.record(
            action=AuditAction.CAMPAIGN_CLOSED, actor=acting_user, target=campaign, organisation=campaign.coordination
        )
    return campaign


# --- returns ----------------------------------------------------------------------------------


def _draft_for(campaign: Campaign, organisation, acting_user, source: str) -> ReturnVersion:
    """The return's draft version (created if needed, with the last submitted records copied)."""
    return_obj, _created = Return.objects.get_or_create(campaign=campaign, organisation=organisation)
    return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
    draft = return_obj.versions.filter(submitted_at__isnull=True).first()
    if draft is not None:
        return draft
    if return_obj.versions.exists():
        raise ValidationError(
            _("Le retour a été transmis : pour le modifier, ouvrez une correction en indiquant son motif.")
        )
    return ReturnVersion.objects.create(return_obj=return_obj, number=1, source=source, created_by=acting_user)


def _replace_records(
    version: ReturnVersion, rows: list[records.AnonymousRecord], encodings: list[dict] | None = None
) -> None:
    """The version's records (and their linkage encodings, aligned, if any)."""
    version.records.all().delete()
    created = Record.objects.bulk_create(
        [Record(version=version, line=i, **_fields(r)) for i, r in enumerate(rows, start=1)], batch_size=2000
    )
    if encodings:
        linking.store_encodings(created, encodings)
    version.record_count = len(rows)
    version.save(update_fields=["record_count"])


def _fields(r: records.AnonymousRecord) -> dict:
    data = r.as_dict()
    data["person_id"] = r.person_id
    return data


def _prepare(campaign, organisation, acting_user) -> None:
    _require(policies.can_prepare_return(acting_user, campaign, organisation))


@dataclass
class DeriveResult:
    version: ReturnVersion
    count: int
    adjusted: int
    skipped: int


def derive_from_cases(
    *, campaign: Campaign, organisation, acting_user, campaign_secret: bytes | None = None
) -> DeriveResult:
    """Fill the draft from the organisation's case files (replacing its records).

    With the campaign secret (the file the key custodian gave the organisation,
    supplied by its administrator for this request only, never stored), each
    record also gets the keyed linkage encodings of the case's identity,
    computed in memory by the standalone encoder's code (issue 13)."""
    _prepare(campaign, organisation, acting_user)
    questionnaire = campaign.questionnaire.parsed()
    if campaign_secret is not None:
        linking.check_campaign_secret(campaign, campaign_secret)
    with transaction.atomic(durable=True):
        version = _draft_for(campaign, organisation, acting_user, ReturnSource.CASES)
        derived = derive.derive(
            organisation, questionnaire, year=campaign.year, identities=campaign_secret is not None
        )
        encodings = linking.encode_identities(derived.identities, campaign_secret) if campaign_secret else None
        derived.identities.clear()
        _replace_records(version, derived.records, encodings)
        version.source = ReturnSource.CASES
        version.save(update_fields=["source"])
        audit.record(
            action=AuditAction.RETURN_DERIVED,
            actor=acting_user,
            target=version,
            organisation=organisation,
            acting_organisation=organisation,
            details={
                "records": len(derived.records),
                "adjusted": derived.adjusted,
                "skipped": derived.skipped,
                "linkage_encoded": bool(encodings),
            },
        )
    return DeriveResult(version, len(derived.records), derived.adjusted, derived.skipped)


def import_return(*, campaign: Campaign, organisation, filename: str, content: bytes, acting_user):
    """Check the whole file; write its rows only if every one is right."""
    _prepare(campaign, organisation, acting_user)
    questionnaire = campaign.questionnaire.parsed()
    report = spreadsheet.parse(content, filename, campaign, questionnaire)
    if not report.ok:
        return report
    with transaction.atomic(durable=True):
        version = _draft_for(campaign, organisation, acting_user, ReturnSource.SPREADSHEET)
        _replace_records(version, report.rows, report.encodings)
        version.source = ReturnSource.SPREADSHEET
        version.save(update_fields=["source"])
        audit.record(
            action=AuditAction.RETURN_IMPORTED,
            actor=acting_user,
            target=version,
            organisation=organisation,
            acting_organisation=organisation,
            details={
                "records": len(report.rows),
                "format": filename.rsplit(".", 1)[-1].lower(),
                "linkage_encoded": bool(report.encodings),
            },
        )
    return report


def save_record(*, campaign: Campaign, organisation, raw: dict, acting_user, line: int | None = None) -> Record:
    """Add (or replace, by its line) one person of the draft: the web form."""
    _prepare(campaign, organisation, acting_user)
    questionnaire = campaign.questionnaire.parsed()
    validation = records.validate(raw, questionnaire, year=campaign.year)
    if not validation.ok:
        raise ValidationError(validation.errors)
    with transaction.atomic(durable=True):
        version = _draft_for(campaign, organisation, acting_user, ReturnSource.FORM)
        if line is None:
            line = (version.records.aggregate(m=Max("line"))["m"] or 0) + 1
            record = Record.objects.create(version=version, line=line, **_fields(validation.record))
        else:
            record = version.records.filter(line=line).first()
            if record is None:
                raise ValidationError(_("Cette personne n'est plus dans le retour."))
            for name, value in _fields(validation.record).items():
                setattr(record, name, value)
            record.save()
        version.record_count = version.records.count()
        version.save(update_fields=["record_count"])
        audit.record(
            action=AuditAction.RETURN_RECORD_SAVED,
            actor=acting_user,
            target=version,
            organisation=organisation,
            acting_organisation=organisation,
            details={"line": line},
        )
    return record


def delete_record(*, campaign: Campaign, organisation, line: int, acting_user) -> None:
    _prepare(campaign, organisation, acting_user)
    with transaction.atomic(durable=True):
        version = _draft_for(campaign, organisation, acting_user, ReturnSource.FORM)
        deleted, _ = version.records.filter(line=line).delete()
        if not deleted:
            raise ValidationError(_("Cette personne n'est plus dans le retour."))
        version.record_count = version.records.count()
        version.save(update_fields=["record_count"])
        audit.record(
            action=AuditAction.RETURN_RECORD_DELETED,
            actor=acting_user,
            target=version,
            organisation=organisation,
            acting_organisation=organisation,
            details={"line": line},
        )


def submit_return(*, campaign: Campaign, organisation, acting_user) -> ReturnVersion:
    """Lock the draft: a submitted version is never edited again."""
    _prepare(campaign, organisation, acting_user)
    with transaction.atomic(durable=True):
        return_obj = Return.objects.select_for_update().filter(campaign=campaign, organisation=organisation).first()
        draft = return_obj.versions.filter(submitted_at__isnull=True).first() if return_obj else None
        if draft is None:
            raise ValidationError(
                _("Il n'y a rien à transmettre : le retour a déjà été transmis ou n'est pas commencé.")
            )
        if not draft.records.exists():
            raise ValidationError(_("Le retour ne compte aucune personne : ajoutez-en avant de le transmettre."))
        draft.submitted_at = timezone.now()
        draft.submitted_by = acting_user
        draft.record_count = draft.records.count()
        draft.save(update_fields=["submitted_at", "submitted_by", "record_count"])
        audit.record(
            action=AuditAction.RETURN_SUBMITTED,
            actor=acting_user,
            target=draft,
            organisation=organisation,
            acting_organisation=organisation,
            details={"version": draft.number, "records": draft.record_count},
        )
    return draft


@dataclass
class RowRefusal:
    line: int
    errors: dict[str, list[str]] = field(default_factory=dict)  # by questionnaire column


class RecordsRefused(ValidationError):
    """The submission is refused as a whole: the rows in error, each with its
    French messages by column (at most spreadsheet.MAX_REPORTED_ERRORS)."""

    def __init__(self, rows: list[RowRefusal], count: int):
        self.rows, self.count = rows, count
        super().__init__(
            _("%(n)s ligne(s) refusée(s) : rien n'est enregistré. Corrigez-les et renvoyez tout le retour.")
            % {"n": count}
        )


def _check_submitted_rows(rows: list[Mapping], campaign, questionnaire) -> list[records.AnonymousRecord]:
    """Each row is a spreadsheet row (the questionnaire's columns), checked by
    `records.validate` like an imported line: all the rows, or nothing."""
    if not rows:
        raise ValidationError(
            {"personnes": _("Le retour ne compte aucune personne : ajoutez-en avant de le transmettre.")}
        )
    if len(rows) > spreadsheet.MAX_ROWS:
        raise ValidationError(
            {"personnes": _("Le retour compte plus de %(n)s personnes.") % {"n": spreadsheet.MAX_ROWS}}
        )
    name_of = {v.column: v.name for v in questionnaire.variables}
    column_of = {v.name: v.column for v in questionnaire.variables}
    good, refused, count = [], [], 0
    for line, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        for key in row:
            if key not in name_of:
                # Never ignored silently (issue 14): the linkage's encodings are not stored yet.
                errors[str(key)[:60]] = [_("colonne inconnue du questionnaire.")]
        validation = records.validate({name_of[c]: row.get(c) for c in name_of}, questionnaire, year=campaign.year)
        for name, messages in validation.errors.items():
            errors.setdefault(column_of.get(name, "ligne"), []).extend(messages)
        if errors:
            count += 1
            if len(refused) < spreadsheet.MAX_REPORTED_ERRORS:
                refused.append(RowRefusal(line=line, errors=errors))
        else:
            good.append(validation.record)
    if count:
        raise RecordsRefused(refused, count)
    return good


def submit_records(
    *, campaign: Campaign, organisation, rows: list[Mapping], acting_user, reason: str = ""
) -> ReturnVersion:
    """The organisation's software submits its whole return in one call (the
    API, issue 14): every row checked as an imported spreadsheet line, nothing
    written unless all pass; the records replace the open draft's (or start the
    first version) and the version is submitted and locked at once. After a
    submission, a new call is a correction: a new version with its `reason`
    (as `start_correction` then `submit_return` on the pages)."""
    _prepare(campaign, organisation, acting_user)
    questionnaire = campaign.questionnaire.parsed()
    good = _check_submitted_rows(rows, campaign, questionnaire)
    reason = (reason or "").strip()[:500]
    with transaction.atomic(durable=True):
        return_obj, _created = Return.objects.get_or_create(campaign=campaign, organisation=organisation)
        return_obj = Return.objects.select_for_update().get(pk=return_obj.pk)
        version = return_obj.versions.filter(submitted_at__isnull=True).first()
        last = return_obj.versions.order_by("-number").first()
        if version is None and last is None:
            if reason:
                raise ValidationError({"motif": _("Un premier retour n'est pas une correction : pas de motif.")})
            version = ReturnVersion.objects.create(
                return_obj=return_obj, number=1, source=ReturnSource.API, created_by=acting_user
            )
        elif version is None:
            if not reason:
                raise ValidationError(
                    {
                        "motif": _(
                            "Le retour a déjà été transmis : une nouvelle transmission est une correction, indiquez son motif."
                        )
                    }
                )
            version = ReturnVersion.objects.create(
                return_obj=return_obj,
                number=last.number + 1,
                source=ReturnSource.API,
                reason=reason,
                created_by=acting_user,
            )
        elif reason and version.number == 1:
            raise ValidationError({"motif": _("Un premier retour n'est pas une correction : pas de motif.")})
        elif reason:
            version.reason = reason  # the correction opened on the pages, its reason restated by the software
        _replace_records(version, good)
        version.source = ReturnSource.API
        version.submitted_at, version.submitted_by = timezone.now(), acting_user
        version.save(update_fields=["source", "reason", "submitted_at", "submitted_by", "record_count"])
        audit.record(
            action=AuditAction.RETURN_SUBMITTED,
            actor=acting_user,
            target=version,
            organisation=organisation,
            acting_organisation=organisation,
            details={"version": version.number, "records": version.record_count, "source": ReturnSource.API},
        )
    return version


def start_correction(*, campaign: Campaign, organisation, reason: str, acting_user) -> ReturnVersion:
    """A new draft version, a copy of the last submitted one, with its reason."""
    _prepare(campaign, organisation, acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    with transaction.atomic(durable=True):
        return_obj = Return.objects.select_for_update().filter(campaign=campaign, organisation=organisation).first()
        last = return_obj.versions.order_by("-number").first() if return_obj else None
        if last is None or last.is_draft:
            raise ValidationError(_("Seul un retour transmis peut être corrigé."))
        version = ReturnVersion.objects.create(
            return_obj=return_obj,
            number=last.number + 1,
            source=last.source,
            reason=reason[:500],
            created_by=acting_user,
        )
        previous = list(last.records.select_related("linkage").order_by("line"))
        rows = [records.from_dict({f: getattr(r, f) for f in Record.FIELDS}) for r in previous]
        # Encodings not yet used by a linkage run follow their records into the correction.
        encodings = [linking.encoding_of(r) for r in previous]
        _replace_records(version, rows, encodings if any(encodings) else None)
        audit.record(
            action=AuditAction.RETURN_CORRECTION_STARTED,
            actor=acting_user,
            target=version,
            organisation=organisation,
            acting_organisation=organisation,
            details={"version": version.number},
        )
    return version


# --- releases ---------------------------------------------------------------------------------


def publish_release(*, campaign: Campaign, acting_user, reason: str = "", open_data_epsilon: float | None = None):
    """Compute every table from the last submitted version of each return,
    protect them together (checked against the release already published),
    and store the protected tables."""
    _require(policies.can_run_campaigns(acting_user))
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        previous = campaign.releases.order_by("-number").first()
        if previous is not None and not (reason or "").strip():
            raise ValidationError({"reason": _("Une publication corrigée doit indiquer son motif.")})
        versions = release_module.latest_submitted_versions(campaign)
        if not versions:
            raise ValidationError(_("Aucun retour transmis : il n'y a rien à publier."))
        built = release_module.build(campaign, versions, previous=previous, open_data_epsilon=open_data_epsilon)
        release = Release.objects.create(
            campaign=campaign,
            number=(previous.number + 1) if previous else 1,
            previous=previous,
            reason=(reason or "").strip()[:500],
            published_by=acting_user,
            record_count=built.record_count,
            linkage_run=built.linkage_run,
            person_count=built.person_count,
            threshold=built.protected.rules.threshold,
            change_count=built.change,
            primary_count=built.protected.primary,
            secondary_count=built.protected.secondary,
            dp_epsilon=built.dp_epsilon,
            dp_budget=built.dp_budget,
        )
        release.versions.set(versions)
        release_module.store(release, built)
        audit.record(
            action=AuditAction.RELEASE_PUBLISHED,
            actor=acting_user,
            target=release,
            organisation=campaign.coordination,
            details={
                "number": release.number,
                "records": built.record_count,
                "tables": len(built.payload),
                "deduplicated": built.linkage_run is not None,
            },
        )
    return release


# --- history and reminders ---------------------------------------------------------------------


def load_historical_figures(*, rows: list[dict], source: str, acting_user) -> int:
    """Past years' published figures (year, indicator, value), for trends."""
    _require(policies.can_run_campaigns(acting_user))
    cleaned = []
    for i, row in enumerate(rows, start=1):
        try:
            year, indicator, value = int(row["year"]), str(row["indicator"]).strip(), int(row["value"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                _("Ligne %(n)s : année, indicateur et valeur entière sont attendus.") % {"n": i}
            ) from exc
        if indicator not in release_module.HISTORY_INDICATORS or not 1990 <= year <= 2100 or value < 0:
            raise ValidationError(_("Ligne %(n)s : indicateur ou année inconnus.") % {"n": i})
        cleaned.append((year, indicator, value))
    with transaction.atomic(durable=True):
        for year, indicator, value in cleaned:
            HistoricalFigure.objects.update_or_create(
                year=year,
                indicator=indicator,
                defaults={"value": value, "source": source[:300], "loaded_by": acting_user},
            )
        audit.record(action=AuditAction.HISTORY_LOADED, actor=acting_user, details={"rows": len(cleaned)})
    return len(cleaned)


def send_reminders(*, today=None) -> int:
    """Remind the administrators of invited organisations that have not submitted
    (deadlines.py); run daily by the task `send_statistics_reminders`."""
    from . import deadlines, selectors

    today = today or timezone.localdate()
    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN):
        with transaction.atomic(durable=True):
            for invitation in (
                Invitation.objects.select_for_update().filter(campaign=campaign).select_related("organisation")
            ):
                if selectors.has_submitted(campaign, invitation.organisation):
                    continue
                last = timezone.localdate(invitation.last_reminded_at) if invitation.last_reminded_at else None
                if not deadlines.reminder_due(deadline=campaign.deadline, today=today, last_reminded=last):
                    continue
                _mail_admins(
                    invitation.organisation,
                    subject=_("Enquête annuelle %(y)s : votre retour est attendu") % {"y": campaign.year},
                    template="statistics/emails/reminder.txt",
                    context={
                        "campaign": campaign,
                        "organisation": invitation.organisation.name,
                        "late": today > campaign.deadline,
                    },
                    key=f"stats-remind:{campaign.pk}:{invitation.organisation_id}:{today.isoformat()}",
                )
                invitation.last_reminded_at = timezone.now()
                invitation.reminders_sent += 1
                invitation.save(update_fields=["last_reminded_at", "reminders_sent"])
                audit.record(
                    action=AuditAction.CAMPAIGN_REMINDED,
                    actor=None,
                    kind=AuditKind.WRITE,
                    target=campaign,
                    organisation=invitation.organisation,
                )
                sent += 1
    return sent
