"""Backfill the case file's access grants (cases.CaseAccessGrant, decision 0008)
from the referrals and Ac.Sé placements that gave access until now.

Until this migration the access of a partner was derived at every request from
this domain's tables: an accepted or completed referral, or an Ac.Sé placement
between « place trouvée » and the exit, gave its recipient (its current host)
the shared parts of the case. The grants written here are the ones the
services now write, replayed over history:

- a referral (not a transfer) accepted or completed: a grant of its shared
  parts to its recipient, from its decision;
- a transfer accepted or completed gives ownership, not a grant; it ends the
  referral grants of the two organisations on that case, at its decision (the
  former owner keeps no access, docs/domain/referrals.md);
- a placement whose current host may read the case: a grant of its shared
  parts to that host.

The derivation differs only where an organisation handed a case over by
transfer after having been its partner or its owner through a transfer: it
kept reading the shared parts, against the documented rule; it no longer does.
"""

from django.db import migrations

GRANTING_STATUSES = ("accepted", "completed")
ACSE_HOST_ACCESS_STATUSES = ("place_found", "transfer", "hosted")


def backfill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    AcsePlacement = apps.get_model("referrals", "AcsePlacement")
    CaseAccessGrant = apps.get_model("cases", "CaseAccessGrant")
    grants = []
    for referral in (
        Referral.objects.filter(status__in=GRANTING_STATUSES)
        .exclude(kind="transfer")
        .order_by("pk")
        .iterator(chunk_size=2000)
    ):
        grants.append(
            CaseAccessGrant(
                case_id=referral.case_id,
                organisation_id=referral.recipient_organisation_id,
                parts=referral.shared_parts,
                reason="referral",
                source=f"referrals.referral:{referral.pk}",
                granted_at=referral.decided_at or referral.created_at,
                granted_by_id=referral.decided_by_id,
            )
        )
    for placement in AcsePlacement.objects.filter(
        status__in=ACSE_HOST_ACCESS_STATUSES, host__isnull=False
    ).order_by("pk"):
        grants.append(
            CaseAccessGrant(
                case_id=placement.case_id,
                organisation_id=placement.host_id,
                parts=placement.shared_parts,
                reason="acse_host",
                source=f"referrals.acseplacement:{placement.pk}",
                granted_at=placement.updated_at,
            )
        )
    CaseAccessGrant.objects.bulk_create(grants, batch_size=1000)
    transfers = Referral.objects.filter(status__in=GRANTING_STATUSES, kind="transfer", decided_at__isnull=False)
    for transfer in transfers.order_by("decided_at", "pk").iterator():
        CaseAccessGrant.objects.filter(
            case_id=transfer.case_id,
            organisation_id__in=[transfer.sender_organisation_id, transfer.recipient_organisation_id],
            reason="referral",
            ended_at__isnull=True,
            granted_at__lte=transfer.decided_at,
        ).update(ended_at=transfer.decided_at)


def forget(apps, schema_editor):
    apps.get_model("cases", "CaseAccessGrant").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_acse_host_shared_parts"),
        ("cases", "0002_case_access_grants"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
