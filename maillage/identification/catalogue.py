"""Loading the shipped indicator CSV into IndicatorSetVersion rows (idempotent)."""

from __future__ import annotations

from . import screening as engine
from .indicator_csv import load_indicator_sets


def load_catalogue(apps=None, *, csv_path=engine.DEFAULT_CATALOGUE_PATH, version: str = engine.DEFAULT_VERSION) -> int:
    if apps is None:
        from .models import Indicator, IndicatorSetVersion
    else:
        IndicatorSetVersion = apps.get_model("identification", "IndicatorSetVersion")
        Indicator = apps.get_model("identification", "Indicator")
    created = 0
    for code, iset in load_indicator_sets(csv_path, version=version).items():
        row, made = IndicatorSetVersion.objects.get_or_create(
            code=code, version=version, defaults={"complete": iset.complete}
        )
        if not made:
            continue
        created += 1
        Indicator.objects.bulk_create(
            Indicator(
                indicator_set=row,
                code=i.code,
                dimension=i.dimension,
                concept=i.concept,
                strength=i.strength,
                label_en=i.label_en,
                label_fr=i.label_fr,
                position=n,
            )
            for n, i in enumerate(iset.indicators.values())
        )
    return created
