import itertools
import re
import time
import xml.etree.ElementTree as ET

import pytest

from maillage.territories import map_svg
from maillage.territories.reference import UnknownTerritoryError, departements

SVG = "{http://www.w3.org/2000/svg}"
ALL_CODES = [d.code for d in departements()]


def render(values=None, **kwargs):
    kwargs.setdefault("title", "Organisations par département")
    kwargs.setdefault("description", "Carte de France des organisations.")
    return map_svg.render_departement_map(values if values is not None else {}, **kwargs)


def sample_values():
    values = {code: (i * 7) % 40 for i, code in enumerate(ALL_CODES)}
    values["75"] = 120
    values["23"] = 0
    values["48"] = None
    return values


def paths(root):
    return root.findall(f".//{SVG}path")


def path_for(root, code):
    (path,) = [p for p in paths(root) if p.get("data-code") == code]
    return path


def test_parses_as_xml_with_101_departements():
    root = ET.fromstring(render(sample_values()))
    assert root.tag == f"{SVG}svg"
    assert len(paths(root)) == 101
    assert sorted(p.get("data-code") for p in paths(root)) == sorted(ALL_CODES)
    assert all(p.find(f"{SVG}title") is not None for p in paths(root))


def test_root_accessibility_attributes():
    root = ET.fromstring(render(sample_values(), id_prefix="carte1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "carte1-title carte1-desc"
    assert root.find(f"{SVG}title").get("id") == "carte1-title"
    assert root.find(f"{SVG}title").text == "Organisations par département"
    assert root.find(f"{SVG}desc").get("id") == "carte1-desc"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))


def test_csp_safe_output():
    svg = render(sample_values(), link_for=lambda code: f"/o/{code}")
    root = ET.fromstring(svg)
    for element in root.iter():
        assert element.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
        assert "style" not in element.attrib
        assert not any(name.lower().startswith("on") for name in element.attrib)


def test_attribution_is_present():
    svg = render()
    assert "Source : IGN – Admin Express, via france-geojson" in svg


def test_malicious_title_and_description_are_escaped():
    evil = '<script>alert("x")</script>&'
    svg = render(
        title=evil,
        description=evil,
        legend_title=evil,
        format_value=lambda n: f"{n} <b>",
        values={"75": 3},
    )
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # would fail on an unescaped "&" or tag
    assert root.find(f"{SVG}title").text == evil
    assert root.find(f"{SVG}desc").text == evil
    assert not list(root.iter(f"{SVG}script"))
    assert path_for(root, "75").find(f"{SVG}title").text == "Paris (75) : 3 <b>"


def test_titles_give_name_code_and_value():
    root = ET.fromstring(render(sample_values()))
    assert path_for(root, "75").find(f"{SVG}title").text == "Paris (75) : 120 organisations"
    assert path_for(root, "2A").find(f"{SVG}title").text.startswith("Corse-du-Sud (2A) : ")
    assert path_for(root, "48").find(f"{SVG}title").text == "Lozère (48) : donnée non disponible"


def test_uncovered_departements_are_marked_without_relying_on_colour():
    values = sample_values()
    root = ET.fromstring(render(values, id_prefix="m"))
    creuse = path_for(root, "23")
    assert creuse.find(f"{SVG}title").text == "Creuse (23) : aucune organisation (non couvert)"
    assert "carte-dep--non-couvert" in creuse.get("class").split()
    assert creuse.get("fill") == "url(#m-hachures)"
    assert root.find(f".//{SVG}pattern[@id='m-hachures']") is not None
    # A département missing from the mapping is uncovered too.
    root = ET.fromstring(render({"75": 2}))
    assert "carte-dep--non-couvert" in path_for(root, "01").get("class")
    assert path_for(root, "01").find(f"{SVG}title").text.endswith("(non couvert)")
    # Only uncovered départements get the hatching.
    assert "carte-dep--non-couvert" not in path_for(root, "75").get("class")


def test_links_when_link_for_is_given():
    def link_for(code):
        return None if code == "13" else f"/organisations/?departement={code}&tri=nom"

    svg = render(sample_values(), link_for=link_for)
    root = ET.fromstring(svg)
    assert root.get("role") == "group"  # role="img" would hide the links
    links = root.findall(f".//{SVG}a")
    assert len(links) == 100
    first = links[0]
    assert first.get("href") == "/organisations/?departement=01&tri=nom"
    assert first.get("aria-label") == first.find(f"{SVG}path/{SVG}title").text
    assert "&amp;tri=nom" in svg  # attribute value escaped in the source
    # Tab order follows INSEE order, overseas last.
    assert [a.find(f"{SVG}path").get("data-code") for a in links][-5:] == [
        "971",
        "972",
        "973",
        "974",
        "976",
    ]


def test_no_links_without_link_for():
    root = ET.fromstring(render(sample_values()))
    assert not root.findall(f".//{SVG}a")


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x"])
def test_dangerous_links_are_refused(url):
    with pytest.raises(ValueError):
        render({"75": 1}, link_for=lambda code: url)


def test_invalid_input_is_refused():
    with pytest.raises(UnknownTerritoryError):
        render({"99": 1})
    with pytest.raises(ValueError):
        render({"75": -1})
    with pytest.raises(ValueError):
        render({"1": 1, "01": 2})
    with pytest.raises(ValueError):
        render({}, id_prefix='x" onload="alert(1)')


def test_lenient_codes_in_values():
    root = ET.fromstring(render({"1": 4, "2a": 1}))
    assert path_for(root, "01").find(f"{SVG}title").text == "Ain (01) : 4 organisations"
    assert path_for(root, "2A").find(f"{SVG}title").text == "Corse-du-Sud (2A) : 1 organisation"


def test_overseas_insets_are_labelled():
    root = ET.fromstring(render())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in (
        "Guadeloupe (971)",
        "Martinique (972)",
        "Guyane (973)",
        "La Réunion (974)",
        "Mayotte (976)",
    ):
        assert label in texts


def test_coordinates_have_at_most_one_decimal():
    root = ET.fromstring(render())
    for path in paths(root):
        assert not re.search(r"\.\d\d", path.get("d")), path.get("data-code")


def test_legend_buckets():
    buckets = map_svg.legend_buckets(sample_values())
    keys = [b.key for b in buckets]
    assert keys[0] == "non-couvert"
    assert keys[-1] == "sans-donnee"
    assert keys[1:-1] == ["1", "2", "3", "4", "5"]
    assert sum(b.count for b in buckets) == 101
    colour = buckets[1:-1]
    assert colour[0].lower == 1 and colour[-1].upper == 120
    for previous, current in itertools.pairwise(colour):
        assert current.lower == previous.upper + 1
    assert all(b.fill in map_svg.BLUES for b in colour)
    assert next(b for b in buckets if b.contains(120)).key == "5"
    assert next(b for b in buckets if b.contains(None)).key == "sans-donnee"


def test_legend_buckets_small_values_and_empty():
    buckets = map_svg.legend_buckets({"75": 2, "13": 1})
    assert [(b.label, b.count) for b in buckets] == [
        ("0 (non couvert)", 99),
        ("1", 1),
        ("2", 1),
    ]
    # Two classes use the two ends of the scale so they stay distinguishable.
    assert [b.fill for b in buckets[1:]] == [map_svg.BLUES[0], map_svg.BLUES[-1]]
    assert [b.key for b in map_svg.legend_buckets({})] == ["non-couvert"]


def test_legend_matches_path_classes():
    values = sample_values()
    root = ET.fromstring(render(values))
    buckets = map_svg.legend_buckets(values)
    for path in paths(root):
        value = values[path.get("data-code")]
        bucket = next(b for b in buckets if b.contains(value))
        assert bucket.css_class in path.get("class").split()


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_borders_and_hatching_contrast_with_white():
    for colour in (map_svg.BORDER, map_svg.HATCH, map_svg.TEXT):
        assert 1.05 / (_luminance(colour) + 0.05) >= 3


def test_render_is_fast_once_cached():
    values = sample_values()
    render(values, link_for=lambda code: f"/o/{code}")  # warm the geometry cache
    start = time.perf_counter()
    for _ in range(10):
        render(values, link_for=lambda code: f"/o/{code}")
    assert (time.perf_counter() - start) / 10 < 0.05


def test_output_is_reasonably_small():
    assert len(render(sample_values(), link_for=lambda code: f"/o/{code}")) < 150_000
