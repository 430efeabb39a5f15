"""Demo: this year's annual survey with four organisations (one derived from
its cases, two by spreadsheet, one typed in the form), one still expected,
and a published release. Idempotent; fictional."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from maillage.demo.registry import SeedContext, register
from maillage.organisations.models import Organisation

from . import services, spreadsheet
from .models import Campaign

FORMS = ["PROX", "PROX", "PROX", "TRAV_FORCE", "SERVITUDE", "MENDICITE", "DELITS_FORCES", "PROX|TRAV_FORCE"]
CITIZENSHIPS = ["NG", "NG", "NG", "RO", "RO", "CN", "FR", "BG", "CI", "MA", "DZ|FR", "BR", "ZZ"]
PLACES = ["FR-75", "FR-75", "FR-93", "FR-13", "FR-13", "FR-69", "FR-33", "FR-59", "FR", "ES"]


def _rows(ctx: SeedContext, n: int, year: int) -> list[list]:
    out = []
    for _ in range(n):
        minor = ctx.rng.random() < 0.2
        age = ctx.rng.randint(13, 17) if minor else ctx.rng.randint(18, 55)
        status = ctx.rng.choice(["reported", "presumed", "presumed", "identified"])
        out.append(
            [
                ctx.rng.choice("FFFFFMMU"), age, "", "O" if minor else "N", ctx.rng.choice(CITIZENSHIPS),
                ctx.rng.choice(FORMS), "", ctx.rng.choice(PLACES), "NG", status,
                ctx.rng.choice(["police", "gendarmerie"]) if status == "identified" else "",
                ctx.rng.choice(["", "accommodation", "legal|health", "acse|accommodation", "complaint"]),
                ctx.rng.choice([year, year, year - 1]),
            ]
        )  # fmt: skip
    return out


def _xlsx(campaign, rows) -> bytes:
    wb = load_workbook(io.BytesIO(spreadsheet.template(campaign, campaign.questionnaire.parsed())))
    for row in rows:
        wb["personnes"].append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(campaign, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(campaign.questionnaire.parsed().columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _admin(organisation):
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=organisation, memberships__is_admin=True, memberships__is_active=True
        )
        .first()
    )


@register("statistiques : enquête annuelle et publication", order=60)
def seed_statistics(ctx: SeedContext) -> None:
    year = timezone.localdate().year
    if Campaign.objects.filter(year=year).exists():
        return
    orgs = ctx.shared.get("organisations") or {o.slug: o for o in Organisation.objects.all()}
    associations = ctx.shared.get("associations") or list(Organisation.objects.filter(type="association"))
    coordinator = get_user_model().objects.filter(email="coordination@demo.maillage.fr").first()
    paris, marseille = associations[0], associations[5]
    crip = orgs.get("crip-93")
    shelter = Organisation.objects.filter(slug="chrs-les-tilleuls-33").first()
    acse = orgs.get("acse-coordination")
    invited = [o for o in (paris, marseille, crip, shelter, acse) if o is not None]
    if coordinator is None or not all(_admin(o) for o in invited[:4]):
        ctx.log("  statistiques : comptes de démonstration absents, rien à faire")
        return
    campaign = services.open_campaign(
        year=year, deadline=timezone.localdate() + timedelta(days=45), organisations=invited, acting_user=coordinator
    )
    services.derive_from_cases(campaign=campaign, organisation=paris, acting_user=_admin(paris))
    services.import_return(campaign=campaign, organisation=marseille, filename="retour.xlsx",
                           content=_xlsx(campaign, _rows(ctx, 160, year)), acting_user=_admin(marseille))  # fmt: skip
    if crip is not None:
        services.import_return(campaign=campaign, organisation=crip, filename="retour.csv",
                               content=_csv(campaign, _rows(ctx, 90, year)), acting_user=_admin(crip))  # fmt: skip
    if shelter is not None:
        columns = [v.name for v in campaign.questionnaire.parsed().variables]
        for row in _rows(ctx, 6, year):
            services.save_record(campaign=campaign, organisation=shelter, raw=dict(zip(columns, row, strict=True)),
                                 acting_user=_admin(shelter))  # fmt: skip
    for organisation in invited[:4]:
        # An organisation without cases this year has nothing to submit.
        with contextlib.suppress(services.ValidationError):
            services.submit_return(campaign=campaign, organisation=organisation, acting_user=_admin(organisation))
    release = services.publish_release(campaign=campaign, acting_user=coordinator, open_data_epsilon=1.0)
    ctx.log(f"  enquête {year} : {release.record_count} enregistrements, publication n° {release.number}")
