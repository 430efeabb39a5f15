"""Charts of a release: the published figures, drawn accessibly, and never a
suppressed one (R-PRIVACY: the chart reads the protected payload only)."""

import re

import pytest

from maillage.statistics import charts, services
from maillage.statistics.disclosure import TOTAL
from maillage.statistics.models import HistoricalFigure

from .helpers import BASE


def _item(key, dims, cells):
    return {
        "key": key,
        "title": {"fr": key, "en": key},
        "dims": [
            {
                "variable": name,
                "label": {"fr": name, "en": name},
                "codes": [
                    {"code": c, "export": c, "label": {"fr": f"L-{c}", "en": f"L-{c}"}} for c in (*codes, TOTAL)
                ],
            }
            for name, codes in dims
        ],
        "cells": [[list(k), v] for k, v in cells.items()],
    }


def _bar_values(svg: str) -> list[str]:
    return re.findall(r">([\d\u202f]+)</text>", svg)


def test_a_bar_chart_draws_published_values_and_an_s_for_suppressed_cells():
    item = _item(
        "miprof.form_age",
        [("form", ("PROX", "TRAV_FORCE")), ("age", ("CHILD", "ADULT", "AGE_UNK"))],
        {("PROX", "CHILD"): None, ("PROX", "ADULT"): 25, ("TRAV_FORCE", "CHILD"): 12, ("TRAV_FORCE", "ADULT"): None},
    )
    chart = charts.forms_chart(item, "fr")
    svg = chart.svg
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg and "aria-labelledby=" in svg
    assert sorted(_bar_values(svg)) == ["12", "25"]
    assert svg.count('fill="#000091"') + svg.count('fill="#6a6af4"') == 2 + 2  # two bars, two legend keys
    assert svg.count(">s</text>") == 2
    assert chart.rows == [("L-PROX", [None, 25]), ("L-TRAV_FORCE", [12, None])]
    assert "style=" not in svg  # the CSP forbids inline styles


def test_the_trend_chart_lists_years_with_their_sources():
    chart = charts.trend_chart(
        [charts.TrendPoint(2023, 1200, "MIPROF, La lettre n° 22"), charts.TrendPoint(2024, None, "Maillage")]
    )
    assert "1\u202f200" in chart.svg and ">s</text>" in chart.svg
    assert chart.rows == [("2023", [1200]), ("2024", [None])]
    assert charts.trend_chart([charts.TrendPoint(2023, 1, "x")]) is None  # one year is not a trend


@pytest.mark.django_db
def test_release_charts_never_draw_a_suppressed_cell(campaign, organisation, admin, team, client, login):
    # 12 persons exploited in Paris at 30, 3 in Bouches-du-Rhône at 40: the 3 is
    # primary-suppressed and the 12 secondary-suppressed.
    for _ in range(12):
        services.save_record(campaign=campaign, organisation=organisation, raw=dict(BASE), acting_user=admin)
    for _ in range(3):
        raw = {**BASE, "age": 40, "exploitation_place": "FR-13"}
        services.save_record(campaign=campaign, organisation=organisation, raw=raw, acting_user=admin)
    services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    release = services.publish_release(campaign=campaign, acting_user=team)
    HistoricalFigure.objects.create(
        year=campaign.year - 1, indicator="victims.total", value=1234, source="MIPROF 2024", loaded_by=team
    )
    items = [t.payload for t in release.tables.order_by("position")]
    by_key = {c.key: c for c in charts.for_release(items, "fr")}
    places = {tuple(c): v for c, v in next(i for i in items if i["key"] == "miprof.place_departement")["cells"]}
    assert places[("13",)] is None  # 3 persons: below the threshold
    department_map = by_key["miprof.place_departement"].svg
    for code, name, truth in (("75", "Paris", 12), ("13", "Bouches-du-Rhône", 3)):
        title = re.search(rf'data-code="{code}"[^>]*><title>([^<]*)</title>', department_map).group(1)
        if places[(code,)] is None:
            assert title == f"{name} ({code}) : valeur non diffusée (secret statistique)"
        else:
            assert title == f"{name} ({code}) : {truth} personnes suivies"
    # Every value written on a bar chart is a published cell of its table, and
    # a suppressed cell has no value and no bar.
    for key in ("miprof.age_sex", "miprof.form_age"):
        chart = by_key[key]
        published = [v for _label, row in chart.rows for v in row if v is not None]
        assert sorted(_bar_values(chart.svg), key=int) == sorted(map(str, published), key=int)
        assert chart.svg.count(">s</text>") == sum(v is None for _label, row in chart.rows for v in row)
    ages = {tuple(c): v for c, v in next(i for i in items if i["key"] == "miprof.age_sex")["cells"]}
    assert dict(by_key["miprof.age_sex"].rows)["25 à 34 ans"] == [ages[("25-34", TOTAL)]]

    login(client, team)
    page = client.get(f"/statistiques/publications/{campaign.year}/{release.number}/").content.decode()
    assert page.count('role="img"') >= 4 and "Données du graphique" in page and "1\u202f234" in page
    public = client.get("/statistiques/").content.decode()
    assert "Personnes suivies par département" in public and "Bouches-du-Rhône (13) : valeur non diffusée" in public
