import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from maillage.plans import reports, services, xlsx
from maillage.plans.diff import compare_snapshots, word_diff_html
from maillage.plans.enums import PlanStatus
from maillage.plans.models import Measure
from maillage.plans.rollup import mean_progress, weighted_progress

from .conftest import measure

pytestmark = pytest.mark.django_db


def test_word_diff_escapes_html():
    html = word_diff_html("Former les <b>professionnels</b>", "Former tous les <script>professionnels</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<ins>tous</ins>" in html


def test_compare_two_versions_measure_by_measure(draft_plan, coordinator):
    v1 = services.freeze_version(plan=draft_plan, changelog="v1", acting_user=coordinator)
    m1, m3 = measure(draft_plan, 1), measure(draft_plan, 3)
    services.save_measure(
        plan=draft_plan,
        measure=m1,
        priority=m1.priority,
        number=1,
        title="Aller au-devant des victimes en ligne",
        description=m1.description,
        acting_user=coordinator,
    )
    m3.delete()
    services.save_measure(
        plan=draft_plan, priority=m1.priority, number=5, title="Mesure nouvelle", acting_user=coordinator
    )
    v2 = services.freeze_version(plan=draft_plan, changelog="v2", acting_user=coordinator)
    changes = {c.number: c for c in compare_snapshots(v1.snapshot, v2.snapshot)}
    assert changes[1].kind == "reworded"
    assert "<ins>en ligne</ins>" in changes[1].fields["Intitulé"]
    assert changes[2].kind == "unchanged"
    assert changes[3].kind == "removed"
    assert changes[5].kind == "added"


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(1, 50)), min_size=1, max_size=20))
def test_weighted_rollup_stays_within_bounds_and_matches_formula(items):
    value = weighted_progress(items)
    assert 0 <= value <= 100
    exact = sum(p * w for p, w in items) / sum(w for _, w in items)
    assert abs(value - exact) <= 0.5
    assert min(p for p, _ in items) <= value <= max(p for p, _ in items)


@given(st.lists(st.integers(0, 100), min_size=1, max_size=20))
def test_unweighted_rollup_is_the_mean(values):
    assert weighted_progress([(v, None) for v in values]) == mean_progress(values)


def test_rollup_examples():
    assert weighted_progress([]) is None
    assert weighted_progress([(100, 1), (0, 3)]) == 25
    assert weighted_progress([(100, 1), (0, None)]) == 50  # mixed weights: plain mean
    assert weighted_progress([(50, None), (50, None), (51, None)]) == 50


def _adopt(plan, coordinator):
    services.freeze_version(plan=plan, changelog="v1", acting_user=coordinator)
    plan.refresh_from_db()
    plan.status = PlanStatus.CONSULTATION
    plan.save()
    services.transition_plan(plan=plan, to=PlanStatus.ADOPTED, acting_user=coordinator)


def test_xlsx_round_trip_without_loss(draft_plan, coordinator):
    _adopt(draft_plan, coordinator)
    Measure.objects.filter(plan=draft_plan, number=2).update(progress=42, health="at_risk", completion="limited")
    data = xlsx.export_progress(draft_plan)
    before = list(
        draft_plan.measures.order_by("number").values_list("number", "progress", "health", "completion", "status")
    )
    count, errors = services.import_progress(plan=draft_plan, data=data, acting_user=coordinator)
    assert errors == [] and count == 3
    after = list(
        draft_plan.measures.order_by("number").values_list("number", "progress", "health", "completion", "status")
    )
    assert before == after


def _edited(data: bytes, edits: dict) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Avancement"]
    for (row, col), value in edits.items():
        ws.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_import_refuses_unknown_measure_and_over_100_nothing_written(draft_plan, coordinator):
    _adopt(draft_plan, coordinator)
    data = xlsx.export_progress(draft_plan)
    bad = _edited(data, {(2, 5): 60, (3, 1): 99, (4, 5): 120})
    count, errors = services.import_progress(plan=draft_plan, data=bad, acting_user=coordinator)
    assert count == 0
    assert any("Ligne 3" in e and "n° 99 n'existe pas" in e for e in errors)
    assert any("Ligne 4" in e and "100" in e for e in errors)
    assert measure(draft_plan, 1).progress == 0  # the good row was not written either


def test_xlsx_import_refuses_garbage(draft_plan, coordinator):
    count, errors = services.import_progress(plan=draft_plan, data=b"pas un classeur", acting_user=coordinator)
    assert count == 0 and "XLSX" in errors[0]


def test_consultation_pdf_and_csv(open_round, draft_plan, invited_member):
    m1 = measure(draft_plan, 1)
    services.submit_position(
        round=open_round, measure=m1, value="agree", argument="=SOMME(A1)", acting_user=invited_member
    )
    services.add_comment(
        round=open_round, measure=m1, body="Œuvrer « ensemble »", stance="in_favour", acting_user=invited_member
    )
    pdf = reports.consultation_pdf(open_round)
    assert pdf.startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(reports.consultation_csv(open_round)), delimiter=";"))
    assert rows[0][0] == "type"
    assert rows[1][7] == "'=SOMME(A1)"  # formula defused
    assert any(r[0] == "commentaire" for r in rows)
