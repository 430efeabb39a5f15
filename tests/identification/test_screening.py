"""Tests for the ILO/EC screening engine (rules.md §1, §6.2-6.4)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.identification import screening
from maillage.identification.indicator_csv import load_indicator_sets
from maillage.identification.screening import (
    ADULT_RULE,
    CHILD_RULE,
    DEFAULT_CATALOGUE_PATH,
    DIMENSIONS,
    OUTCOME_INCOMPLETE_SET,
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOMES,
    STRENGTHS,
    Assessment,
    CombinationRule,
    Indicator,
    IndicatorCatalogueError,
    IndicatorSet,
    UnknownIndicatorError,
    assess,
    dimension_positive,
    outcome_label_fr,
)

HEADER = "set,dimension,code,concept,strength,label_en,label_fr\n"

# --------------------------------------------------------------------------
# Fixtures / helpers
# --------------------------------------------------------------------------

SHIPPED = load_indicator_sets(DEFAULT_CATALOGUE_PATH)
AL = SHIPPED["AL"]
CL = SHIPPED["CL"]


def synthetic_set(code: str = "TA", *, per_strength: int = 4, complete: bool = True) -> IndicatorSet:
    """A set with ``per_strength`` indicators of each strength in every dimension."""
    indicators = {}
    for dim in DIMENSIONS:
        for strength in STRENGTHS:
            for n in range(per_strength):
                ind_code = f"{code}-{dim}-{strength}{n}"
                indicators[ind_code] = Indicator(
                    code=ind_code,
                    set_code=code,
                    dimension=dim,
                    concept=f"{strength}{n}",
                    strength=strength,
                    label_en=f"{dim} {strength} {n}",
                    label_fr=f"{dim} {strength} {n}",
                )
    return IndicatorSet(code=code, version="TEST-1", complete=complete, indicators=indicators)


TA = synthetic_set("TA")
TC = synthetic_set("CT")  # child set: code starts with "C"


def pick(ind_set: IndicatorSet, dim: str, s: int = 0, m: int = 0, w: int = 0) -> list[str]:
    """Codes of ``s`` strong, ``m`` medium, ``w`` weak indicators of ``dim`` in a synthetic set."""
    prefix = f"{ind_set.code}-{dim}-"
    return (
        [f"{prefix}S{i}" for i in range(s)] + [f"{prefix}M{i}" for i in range(m)] + [f"{prefix}W{i}" for i in range(w)]
    )


def write_csv(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "indicators.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# R-ILO-DIM: worked examples of rules.md §1.3
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "m", "w", "expected"),
    [
        (1, 0, 0, False),  # one strong alone -> not positive
        (0, 2, 0, False),  # 2 medium -> not positive
        (0, 1, 1, False),  # 1 medium + weak -> not positive
        (0, 1, 4, False),  # 1 medium + any number of weak -> not positive
        (0, 0, 1, False),  # weak alone -> never
        (0, 0, 4, False),
        (1, 0, 1, True),  # 1 S + 1 W
        (1, 1, 0, True),  # 1 S + 1 M
        (2, 0, 0, True),  # 2 S
        (0, 2, 1, True),  # 2 M + 1 W
        (0, 3, 0, True),  # 3 M
        (0, 0, 0, False),
    ],
)
def test_dimension_rule_worked_examples(s: int, m: int, w: int, expected: bool) -> None:
    assert dimension_positive(s, m, w) is expected
    result = assess(TA, pick(TA, "DR", s, m, w))
    assert result.dimensions["DR"] is expected
    # The other dimensions are untouched.
    assert not any(v for d, v in result.dimensions.items() if d != "DR")


def test_weak_alone_never_positive_even_many() -> None:
    assert not any(dimension_positive(0, 0, w) for w in range(50))


def test_real_set_worked_example_strong_plus_medium() -> None:
    # AL-DR: NATURE_JOB is S, WORK_CONDITIONS is M (rules.md §1.5.1).
    assert AL.indicators["AL-DR-NATURE_JOB"].strength == "S"
    assert AL.indicators["AL-DR-WORK_CONDITIONS"].strength == "M"
    assert not assess(AL, ["AL-DR-NATURE_JOB"]).dimensions["DR"]
    assert assess(AL, ["AL-DR-NATURE_JOB", "AL-DR-WORK_CONDITIONS"]).dimensions["DR"]


# --------------------------------------------------------------------------
# Cross-dimension rules
# --------------------------------------------------------------------------


def test_adult_rule_met() -> None:
    codes = pick(TA, "DR", s=2) + pick(TA, "EX", m=3) + pick(TA, "VD", m=2, w=1)
    result = assess(TA, codes)
    assert result.outcome == OUTCOME_MET
    assert result.rule_applied is ADULT_RULE
    assert result.authoritative


@pytest.mark.parametrize("dropped", ["recruitment", "EX", "destination"])
def test_adult_rule_needs_all_three_groups(dropped: str) -> None:
    groups = {
        "recruitment": pick(TA, "CR", s=1, w=1),
        "EX": pick(TA, "EX", s=2),
        "destination": pick(TA, "CD", m=3),
    }
    codes = [c for name, cs in groups.items() if name != dropped for c in cs]
    assert assess(TA, codes).outcome == OUTCOME_NOT_MET


@pytest.mark.parametrize("recruitment_dim", ["DR", "CR", "VR"])
@pytest.mark.parametrize("destination_dim", ["CD", "VD"])
def test_adult_rule_any_dimension_of_each_group(recruitment_dim: str, destination_dim: str) -> None:
    codes = pick(TA, recruitment_dim, m=3) + pick(TA, "EX", s=2) + pick(TA, destination_dim, s=2)
    assert assess(TA, codes).outcome == OUTCOME_MET


def test_adult_rule_ignores_act_flag() -> None:
    codes = pick(TA, "DR", s=2) + pick(TA, "EX", s=2) + pick(TA, "CD", s=2)
    assert assess(TA, codes, act_established=False).outcome == OUTCOME_MET


def test_adult_rule_real_set() -> None:
    codes = [
        "AL-DR-NATURE_JOB",  # S
        "AL-DR-WAGES",  # M
        "AL-EX-EXCESSIVE_HOURS",  # S
        "AL-EX-LOW_NO_SALARY",  # M
        "AL-CD-DOCS_CONFISCATED",  # S
        "AL-CD-DEBT_BONDAGE",  # S
    ]
    missing = [c for c in codes if c not in AL.indicators]
    if missing:  # keep the test honest if concept codes are renamed in the CSV
        pytest.fail(f"test codes not in the shipped CSV: {missing}")
    result = assess(AL, codes)
    assert result.dimensions == {
        "DR": True,
        "CR": False,
        "VR": False,
        "EX": True,
        "CD": True,
        "VD": False,
    }
    assert result.outcome == OUTCOME_MET
    assert result.set_code == "AL"
    assert result.set_version == "ILO-EC-2009"
    assert [i.code for i in result.evidence["CD"]] == [
        "AL-CD-DOCS_CONFISCATED",
        "AL-CD-DEBT_BONDAGE",
    ]


def test_child_rule_act_and_exploitation_only() -> None:
    # No means at all: means are not required for a child (rules.md §1.4).
    codes = pick(TC, "EX", s=1, m=1)
    result = assess(TC, codes)
    assert result.outcome == OUTCOME_MET
    assert result.rule_applied is CHILD_RULE
    assert assess(TC, codes, act_established=False).outcome == OUTCOME_NOT_MET
    # Means without EX do not suffice.
    means_only = pick(TC, "DR", s=2) + pick(TC, "CD", s=2)
    assert assess(TC, means_only).outcome == OUTCOME_NOT_MET


def test_child_rule_on_real_set() -> None:
    assert CL.rule == "child" and AL.rule == "adult"
    ex = CL.by_dimension()["EX"]
    strong = [i.code for i in ex if i.strength == "S"]
    medium = [i.code for i in ex if i.strength == "M"]
    assert assess(CL, strong + medium[:1]).outcome == OUTCOME_MET
    assert assess(CL, strong).outcome == OUTCOME_NOT_MET


def test_rule_constants_carry_sources() -> None:
    assert CHILD_RULE.reliability == "[M]"
    assert "R-ILO-CHILD [M]: exact ILO wording unconfirmed" in CHILD_RULE.note
    assert CHILD_RULE.requires_act and not ADULT_RULE.requires_act
    assert ADULT_RULE.requires == (("DR", "CR", "VR"), ("EX",), ("CD", "VD"))
    assert "rules.md" in ADULT_RULE.source and "rules.md" in CHILD_RULE.source


def test_rule_overrides() -> None:
    # Alternative reading of the child rule: "any recruitment dimension + EX".
    alt_child = CombinationRule(
        name="ALT-CHILD",
        source="test",
        requires=(("DR", "CR", "VR"), ("EX",)),
        requires_act=False,
    )
    codes = pick(TC, "EX", s=2)
    assert assess(TC, codes, child_rule=alt_child).outcome == OUTCOME_NOT_MET
    result = assess(TC, codes + pick(TC, "VR", m=3), child_rule=alt_child, act_established=False)
    assert result.outcome == OUTCOME_MET
    assert result.rule_applied is alt_child
    # adult_rule does not apply to a child set, and vice versa.
    assert assess(TC, codes, adult_rule=alt_child).rule_applied is CHILD_RULE
    ex_only = CombinationRule(name="EX-ONLY", source="test", requires=(("EX",),))
    assert assess(TA, codes_ta := pick(TA, "EX", s=2), adult_rule=ex_only).outcome == OUTCOME_MET
    assert assess(TA, codes_ta, child_rule=ex_only).outcome == OUTCOME_NOT_MET


def test_rule_from_mapping_and_validation() -> None:
    rule = CombinationRule.from_mapping({"name": "X", "requires": [["EX"], ["CD", "VD"]], "requires_act": True})
    assert rule.requires == (("EX",), ("CD", "VD"))
    assert rule.evaluate({"EX": True, "VD": True}, act_established=True)
    assert not rule.evaluate({"EX": True, "VD": True}, act_established=False)
    assert not rule.evaluate({"EX": True}, act_established=True)
    with pytest.raises(ValueError, match="unknown dimension"):
        CombinationRule(name="bad", source="", requires=(("XX",),))
    with pytest.raises(ValueError, match="empty dimension group"):
        CombinationRule(name="bad", source="", requires=((),))


# --------------------------------------------------------------------------
# Unknown codes, incomplete sets, labels
# --------------------------------------------------------------------------


def test_unknown_code_raises_and_names_it() -> None:
    with pytest.raises(UnknownIndicatorError, match="AL-DR-NOPE") as excinfo:
        assess(AL, ["AL-DR-NATURE_JOB", "AL-DR-NOPE"])
    assert excinfo.value.codes == ("AL-DR-NOPE",)
    assert isinstance(excinfo.value, ValueError)


def test_code_from_other_set_raises() -> None:
    cl_code = next(iter(CL.indicators))
    with pytest.raises(UnknownIndicatorError, match=cl_code) as excinfo:
        assess(AL, [cl_code, "AL-DR-NATURE_JOB"])
    assert "another set" in str(excinfo.value)
    with pytest.raises(UnknownIndicatorError):
        assess(CL, ["AL-DR-NATURE_JOB"])


def test_bare_string_rejected() -> None:
    with pytest.raises(TypeError):
        assess(AL, "AL-DR-NATURE_JOB")


def test_duplicates_count_once() -> None:
    code = "AL-DR-NATURE_JOB"
    assert not assess(AL, [code, code]).dimensions["DR"]


def test_incomplete_set_outcome() -> None:
    incomplete = synthetic_set("TX", complete=False)
    codes = pick(incomplete, "DR", s=2) + pick(incomplete, "EX", s=2) + pick(incomplete, "CD", s=2)
    result = assess(incomplete, codes)
    assert result.outcome == OUTCOME_INCOMPLETE_SET
    assert not result.authoritative
    # Dimensions are still computed (non-authoritative).
    assert result.dimensions["DR"] and result.dimensions["EX"] and result.dimensions["CD"]


def test_shipped_as_cs_are_empty_incomplete_sets() -> None:
    for code, rule in (("AS", "adult"), ("CS", "child")):
        ind_set = SHIPPED[code]
        assert not ind_set.complete
        assert ind_set.indicators == {}
        assert ind_set.rule == rule
        assert set(ind_set.by_dimension()) == set(DIMENSIONS)
        result = assess(ind_set, [])
        assert result.outcome == OUTCOME_INCOMPLETE_SET
        assert result.dimensions == dict.fromkeys(DIMENSIONS, False)
        with pytest.raises(UnknownIndicatorError):
            assess(ind_set, ["AL-DR-NATURE_JOB"])


def test_outcome_labels_fr_never_say_victime() -> None:
    assert outcome_label_fr(OUTCOME_MET) == "indices réunis"
    assert outcome_label_fr(OUTCOME_NOT_MET) == "indices non réunis"
    assert outcome_label_fr(OUTCOME_INCOMPLETE_SET) == (
        "aucune évaluation automatique pour ce jeu d'indicateurs (liste incomplète)"
    )
    for outcome in OUTCOMES:
        assert "victime" not in outcome_label_fr(outcome).lower()
    with pytest.raises(ValueError):
        outcome_label_fr("victime")


def test_assessment_shape() -> None:
    result = assess(AL, [])
    assert isinstance(result, Assessment)
    assert list(result.dimensions) == list(DIMENSIONS)
    assert list(result.evidence) == list(DIMENSIONS)
    assert result.outcome == OUTCOME_NOT_MET
    assert result.label_fr == "indices non réunis"
    with pytest.raises(AttributeError):
        result.outcome = OUTCOME_MET  # type: ignore[misc]


def test_module_is_pure_python() -> None:
    for module_name in ("screening", "indicator_csv", "qualification"):
        source = Path(screening.__file__).with_name(f"{module_name}.py").read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), module_name


# --------------------------------------------------------------------------
# Loader
# --------------------------------------------------------------------------


def test_shipped_csv_counts() -> None:
    assert len(AL.indicators) == 67
    assert len(CL.indicators) == 65
    assert AL.complete and CL.complete
    assert AL.version == "ILO-EC-2009"
    # Per-dimension counts 10/10/16/9/15/7 (rules.md §1.5.1, corroborated by Seafish TESS).
    assert {d: len(v) for d, v in AL.by_dimension().items()} == {
        "DR": 10,
        "CR": 10,
        "VR": 16,
        "EX": 9,
        "CD": 15,
        "VD": 7,
    }
    assert {d: len(v) for d, v in CL.by_dimension().items()} == {
        "DR": 10,
        "CR": 10,
        "VR": 15,
        "EX": 8,
        "CD": 15,
        "VD": 7,
    }
    # The children/labour list has no weak tier (rules.md §1.5.2).
    assert all(i.strength != "W" for i in CL.indicators.values())
    assert all(i.label_fr and i.label_en for i in AL.indicators.values())


def test_shipped_csv_matches_shared_copy() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "domain" / "ilo-indicators-2009.csv"
    if not shared.exists():
        pytest.skip("shared domain folder not available")
    assert shared.read_bytes() == DEFAULT_CATALOGUE_PATH.read_bytes()


def test_loader_version_and_incomplete_kwargs(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "AL,DR,AL-DR-X,X,S,Deceived,Trompé\n")
    sets = load_indicator_sets(path, version="V2", incomplete_sets={"AL", "ZZ"})
    assert sets["AL"].version == "V2"
    assert not sets["AL"].complete
    assert sets["ZZ"].indicators == {} and not sets["ZZ"].complete
    assert "AS" not in sets
    sets = load_indicator_sets(path, create_missing_incomplete=False)
    assert set(sets) == {"AL"}


def test_loader_accepts_quoted_multiline_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text(
        "\ufeff" + HEADER + 'AL,DR,AL-DR-X,X,S,"two\nlines","a, b"\n\nAL,EX,AL-EX-Y,Y,M,e,f\n',
        encoding="utf-8",
    )
    sets = load_indicator_sets(path)
    assert list(sets["AL"].indicators) == ["AL-DR-X", "AL-EX-Y"]
    assert sets["AL"].indicators["AL-DR-X"].label_fr == "a, b"


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("AL,DR,AL-DR-A,A,S,a,b\nAL,XX,AL-XX-B,B,S,a,b\n", 3, "unknown dimension 'XX'"),
        ("AL,DR,AL-DR-A,A,Q,a,b\n", 2, "unknown strength 'Q'"),
        (
            "AL,DR,AL-DR-A,A,S,a,b\nAL,DR,AL-DR-B,B,M,a,b\nAL,CR,AL-DR-A,A,M,a,b\n",
            4,
            "duplicate code 'AL-DR-A'",
        ),
        ("AL,DR,CL-DR-A,A,S,a,b\n", 2, "does not start with its set code"),
        ("AL,DR,ALDR-A,A,S,a,b\n", 2, "does not start with its set code"),
        ("AL,DR,AL-DR-A,A,S,a\n", 2, "expected 7 fields"),
        ("AL,DR,AL-DR-A,A,S,,b\n", 2, "empty value for label_en"),
        (
            'AL,DR,AL-DR-A,A,S,"x\ny",b\nAL,DR,AL-DR-B,B,W,a,b\nal,DR,al-DR-C,C,S,a,b\n',
            5,
            "invalid set code",
        ),
    ],
)
def test_loader_errors_report_line(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    path = write_csv(tmp_path, body)
    with pytest.raises(IndicatorCatalogueError) as excinfo:
        load_indicator_sets(path)
    message = str(excinfo.value)
    assert f"line {line}:" in message
    assert fragment in message


def test_loader_missing_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "AL,DR,AL-DR-A,S,a,b\n",
        header="set,dimension,code,strength,label_en,label_fr\n",
    )
    with pytest.raises(IndicatorCatalogueError, match=r"line 1: missing column\(s\) concept"):
        load_indicator_sets(path)


def test_loader_empty_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "", header="")
    with pytest.raises(IndicatorCatalogueError, match="line 1"):
        load_indicator_sets(path)


def test_loader_column_order_free(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "S,AL-DR-A,AL,DR,A,a,b\n",
        header="strength,code,set,dimension,concept,label_en,label_fr\n",
    )
    assert load_indicator_sets(path)["AL"].indicators["AL-DR-A"].strength == "S"


def test_indicator_set_validation() -> None:
    ind = Indicator("AL-DR-A", "AL", "DR", "A", "S", "a", "b")
    with pytest.raises(IndicatorCatalogueError):
        IndicatorSet(code="CL", version="v", complete=True, indicators={ind.code: ind})
    with pytest.raises(IndicatorCatalogueError):
        IndicatorSet(code="AL", version="v", complete=True, indicators={"other": ind})
    with pytest.raises(IndicatorCatalogueError):
        Indicator("AL-DR-A", "AL", "DR", "A", "X", "a", "b")
    # The set keeps its own copy: mutating the source dict does not desync lookups.
    source = {ind.code: ind}
    ind_set = IndicatorSet(code="AL", version="v", complete=True, indicators=source)
    source.clear()
    assert "AL-DR-A" in ind_set.indicators
    assert assess(ind_set, ["AL-DR-A"]).evidence["DR"] == (ind,)


# --------------------------------------------------------------------------
# Property tests (hypothesis)
# --------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=8)


def brute_force_dimension(strengths: list[str]) -> bool:
    """Independent reading of rules.md §1.3: some sub-multiset matches (a)-(d)."""
    patterns = {("S", "S"), ("M", "S"), ("S", "W"), ("M", "M", "M"), ("M", "M", "W")}
    for size in (2, 3):
        for combo in itertools.combinations(strengths, size):
            if tuple(sorted(combo)) in patterns:
                return True
    return False


def brute_force_outcome(ind_set: IndicatorSet, present: set[str], act: bool) -> str:
    dims = {
        d: brute_force_dimension(
            [ind_set.indicators[c].strength for c in present if ind_set.indicators[c].dimension == d]
        )
        for d in DIMENSIONS
    }
    if not ind_set.complete:
        return OUTCOME_INCOMPLETE_SET
    if ind_set.code.startswith("C"):
        ok = act and dims["EX"]
    else:
        ok = (dims["DR"] or dims["CR"] or dims["VR"]) and dims["EX"] and (dims["CD"] or dims["VD"])
    return OUTCOME_MET if ok else OUTCOME_NOT_MET


@given(s=counts, m=counts, w=counts)
def test_dimension_rule_matches_brute_force(s: int, m: int, w: int) -> None:
    assert dimension_positive(s, m, w) == brute_force_dimension(["S"] * s + ["M"] * m + ["W"] * w)


@given(s=counts, m=counts, w=counts, which=st.sampled_from(["s", "m", "w"]))
def test_dimension_rule_monotonic(s: int, m: int, w: int, which: str) -> None:
    more = {"s": (s + 1, m, w), "m": (s, m + 1, w), "w": (s, m, w + 1)}[which]
    if dimension_positive(s, m, w):
        assert dimension_positive(*more)


def subsets_of(ind_set: IndicatorSet) -> st.SearchStrategy[set[str]]:
    return st.sets(st.sampled_from(sorted(ind_set.indicators)), max_size=len(ind_set.indicators))


@settings(max_examples=300)
@given(data=st.data(), set_code=st.sampled_from(["AL", "CL"]), act=st.booleans())
def test_outcome_matches_brute_force_real_sets(data: st.DataObject, set_code: str, act: bool) -> None:
    ind_set = SHIPPED[set_code]
    present = data.draw(subsets_of(ind_set))
    result = assess(ind_set, present, act_established=act)
    assert result.outcome == brute_force_outcome(ind_set, present, act)
    for d in DIMENSIONS:
        evidence_codes = {i.code for i in result.evidence[d]}
        assert evidence_codes == {c for c in present if ind_set.indicators[c].dimension == d}


@settings(max_examples=200)
@given(data=st.data(), set_code=st.sampled_from(["AL", "CL"]))
def test_adding_indicators_is_monotonic(data: st.DataObject, set_code: str) -> None:
    ind_set = SHIPPED[set_code]
    base = data.draw(subsets_of(ind_set))
    extra = data.draw(subsets_of(ind_set))
    before = assess(ind_set, base)
    after = assess(ind_set, base | extra)
    for d in DIMENSIONS:
        assert not (before.dimensions[d] and not after.dimensions[d])
    if before.outcome == OUTCOME_MET:
        assert after.outcome == OUTCOME_MET


@settings(max_examples=200)
@given(data=st.data())
def test_dimensions_depend_only_on_counts_per_strength(data: st.DataObject) -> None:
    # Two different selections with the same counts per (dimension, strength)
    # give the same dimensions and outcome.
    first: list[str] = []
    second: list[str] = []
    for dim in DIMENSIONS:
        for strength in STRENGTHS:
            pool = [f"TA-{dim}-{strength}{n}" for n in range(4)]
            k = data.draw(st.integers(min_value=0, max_value=len(pool)))
            first += data.draw(st.permutations(pool))[:k]
            second += data.draw(st.permutations(pool))[:k]
    a, b = assess(TA, first), assess(TA, second)
    assert a.dimensions == b.dimensions
    assert a.outcome == b.outcome


@given(data=st.data())
def test_order_and_container_do_not_matter(data: st.DataObject) -> None:
    present = sorted(data.draw(subsets_of(AL)))
    shuffled = data.draw(st.permutations(present))
    a = assess(AL, present)
    b = assess(AL, iter(shuffled))
    c = assess(AL, frozenset(present))
    assert a == b == c


@given(data=st.data(), junk=st.text(min_size=1, max_size=20))
def test_any_unknown_code_raises(data: st.DataObject, junk: str) -> None:
    present = data.draw(subsets_of(AL))
    if junk in AL.indicators:
        return
    with pytest.raises(UnknownIndicatorError) as excinfo:
        assess(AL, [*present, junk])
    assert excinfo.value.codes == (junk,)


def test_sets_and_rules_are_hashable() -> None:
    # Usable as cache keys (e.g. functools.lru_cache around questionnaires).
    cache = {AL: 1, CL: 2}
    assert cache[SHIPPED["AL"]] == 1 and cache[CL] == 2
    assert {ADULT_RULE, CHILD_RULE} == {CHILD_RULE, ADULT_RULE}
