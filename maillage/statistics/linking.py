"""Persons across organisations in the annual collection (issue 13).

The statistics side of the privacy-preserving record linkage
(`maillage/linkage/`, docs/domain/linkage.md):

- Each record of a return may carry the **keyed encodings** of its person's
  identity (`LinkageEncoding`): computed in memory from the case file's
  encrypted identity when the return is derived from Maillage's cases
  (`encode_identities`, the standalone encoder's own code), or uploaded with a
  spreadsheet encoded on the organisation's machine or in its browser
  (`spreadsheet.LINKAGE_COLUMNS`). The key is the **campaign secret** from
  the key custodian, checked against the key check value the custodian
  announced (`Campaign.linkage_check`); the platform never stores it, and it
  is neither FIELD_ENCRYPTION_KEYS nor LOOKUP_HASH_KEY.
- The **linkage unit** runs `run_linkage` with its own secret (management
  command `link_statistics_campaign`, or the task of the same name): the
  encodings of the last submitted version of every return are re-keyed and
  linked by `maillage.linkage.linker.link`; only `record → person_id` is
  written on the anonymous records, then every encoding of the campaign is
  deleted, in the same transaction.
- The tables then count persons beside records (`tables.persons_of`, release.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.linkage.encoding import (
    CHECK_COLUMN,
    ENCODINGS,
    LOCAL_PERSON_KEY,
    LinkageError,
    check_secret,
    encode_records,
    key_check_value,
)

from . import policies
from .enums import AuditAction
from .models import Campaign, LinkageEncoding, LinkageRun, Record

# --- the campaign secret ------------------------------------------------------------------------


def check_campaign_secret(campaign: Campaign, secret: bytes) -> bytes:
    """The secret if it is the campaign's (its key check value is the one the
    custodian announced), else a French ValidationError. Nothing is kept."""
    if not campaign.linkage_check:
        raise ValidationError(_("Cette campagne ne prévoit pas d'appariement : aucun secret n'est attendu."))
    try:
        secret = check_secret(secret, what=_("Le secret de campagne"))
    except LinkageError as error:
        raise ValidationError(str(error)) from None
    if key_check_value(secret) != campaign.linkage_check:
        raise ValidationError(
            _(
                "Ce fichier n'est pas le secret de la campagne %(y)s (sa valeur de contrôle ne correspond pas à "
                "celle annoncée par le tiers de confiance)."
            )
            % {"y": campaign.year}
        )
    return secret


def announce_linkage_check(*, campaign: Campaign, key_check: str, acting_user) -> Campaign:
    """The statistics team records the key check value the custodian announced
    for this campaign's secret (never the secret itself)."""
    if not policies.can_run_campaigns(acting_user):
        raise PermissionDenied
    value = (key_check or "").strip().lower()
    if len(value) != 16 or any(c not in "0123456789abcdef" for c in value):
        raise ValidationError({"key_check": _("La valeur de contrôle compte 16 chiffres hexadécimaux.")})
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.linkage_runs.exists():
            raise ValidationError(_("Un appariement a déjà été fait pour cette campagne : son secret ne change plus."))
        campaign.linkage_check = value
        campaign.save(update_fields=["linkage_check"])
        audit.record(
            action=AuditAction.LINKAGE_CHECK_ANNOUNCED,
            actor=acting_user,
            target=campaign,
            organisation=campaign.coordination,
            details={"key_check": value},
        )
    return campaign


# --- encodings at submission ----------------------------------------------------------------------


def encode_identities(identities: Sequence[dict[str, str]], campaign_secret: bytes) -> list[dict[str, str]]:
    """Keyed encodings of each identity (the standalone encoder's code); the
    record and organisation columns are set by the linkage run, not here."""
    return [
        {k: v for k, v in row.items() if k not in ("record_id", "organisation")}
        for row in encode_records(identities, campaign_secret=campaign_secret)
    ]


def store_encodings(created: Sequence[Record], encodings: Sequence[dict[str, str] | None]) -> None:
    """Keep each record's encodings (aligned) until the linkage run deletes them."""
    LinkageEncoding.objects.bulk_create(
        [
            LinkageEncoding(
                record=record,
                key_check=encoded[CHECK_COLUMN],
                local_person_key=encoded.get(LOCAL_PERSON_KEY) or "",
                values={name: encoded.get(name) or "" for name in ENCODINGS},
            )
            for record, encoded in zip(created, encodings, strict=True)
            if encoded
        ],
        batch_size=2000,
    )


def encoding_of(record: Record) -> dict[str, str] | None:
    """A record's stored encodings as the encoder wrote them (or None)."""
    stored = getattr(record, "linkage", None)  # RelatedObjectDoesNotExist is an AttributeError
    if stored is None:
        return None
    return {CHECK_COLUMN: stored.key_check, LOCAL_PERSON_KEY: stored.local_person_key, **stored.values}


# --- the linkage unit's run -------------------------------------------------------------------------


@dataclass
class RunResult:
    run: LinkageRun
    records_linked: int
    persons: int


def read_unit_secret(path: str | Path) -> bytes:
    from maillage.linkage.encoding import read_secret

    try:
        return read_secret(path)
    except LinkageError as error:
        raise ValidationError(str(error)) from None


def run_linkage(*, campaign: Campaign, unit_secret: bytes) -> RunResult:
    """The linkage unit's run over the campaign's last submitted returns, once
    the campaign is closed, and only once.

    Run by the unit (management command or task), holding its own secret: no
    platform user may start it, and its audit row has no actor. The linker
    re-keys the encodings with the unit's secret in a private in-memory
    database; only record → person_id comes back. Then, in one transaction,
    person_id is written on the records of the linked versions (None for a
    record without encodings: it counts as its own person) and every encoding
    of the campaign is deleted."""
    from maillage.linkage.linker import link

    from .release import latest_submitted_versions

    if not campaign.linkage_check:
        raise ValidationError(_("Cette campagne ne prévoit pas d'appariement."))
    # One run, on final returns: once the campaign is closed no return changes
    # and no encoding can arrive after the run (which deletes them all).
    if campaign.is_open:
        raise ValidationError(_("L'appariement se fait sur les retours définitifs : clore d'abord la campagne."))
    if campaign.linkage_runs.exists():
        raise ValidationError(_("L'appariement de cette campagne a déjà été fait ; ses encodages sont supprimés."))
    versions = latest_submitted_versions(campaign)
    rows = [
        {
            "record_id": str(encoding.record_id),
            "organisation": str(organisation_id),
            CHECK_COLUMN: encoding.key_check,
            LOCAL_PERSON_KEY: encoding.local_person_key,
            **encoding.values,
        }
        for encoding, organisation_id in (
            (e, e.record.version.return_obj.organisation_id)
            for e in LinkageEncoding.objects.filter(record__version__in=versions).select_related(
                "record__version__return_obj"
            )
        )
    ]
    if not rows:
        raise ValidationError(_("Aucun enregistrement transmis ne porte d'encodages : rien à apparier."))
    try:
        report = link(rows, unit_secret=unit_secret, expect_check=campaign.linkage_check)
    except LinkageError as error:
        raise ValidationError(str(error)) from None
    finally:
        rows.clear()
    persons = report.persons
    with transaction.atomic(durable=True):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        linked = Record.objects.filter(version__in=versions)
        total = linked.count()
        linked.update(person_id=None)
        changed = [Record(pk=int(record_id), person_id=person_id) for record_id, person_id in persons.items()]
        Record.objects.bulk_update(changed, ["person_id"], batch_size=2000)
        # The unit keeps no encoding after the run, nor does the platform (docs/security.md).
        LinkageEncoding.objects.filter(record__version__return_obj__campaign=campaign).delete()
        run = LinkageRun.objects.create(
            campaign=campaign,
            records_linked=len(persons),
            records_unencoded=total - len(persons),
            persons=report.person_count + (total - len(persons)),
            seconds=round(report.seconds, 1),
        )
        run.versions.set(versions)
        audit.record(
            action=AuditAction.LINKAGE_RUN,
            actor=None,
            target=run,
            organisation=campaign.coordination,
            details={"records": len(persons), "unencoded": total - len(persons), "persons": run.persons},
        )
    return RunResult(run=run, records_linked=len(persons), persons=run.persons)
