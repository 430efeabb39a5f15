import pytest

from maillage.directory.selectors import coverage_by_departement, services_with_most_uncovered
from maillage.territories import reference

pytestmark = pytest.mark.django_db


def test_coverage_figures_on_known_dataset(directory, outsider):
    counts = coverage_by_departement(viewer=outsider, service="secure_accommodation")
    assert len(counts) == len(reference.departements())
    # Lyon covers all of Auvergne-Rhône-Alpes (région 84), Marseille 13, the shelter 92.
    for dep in reference.departements_of_region("84"):
        assert counts[dep.code] == 1
    assert counts["13"] == 1 and counts["92"] == 1
    assert counts["75"] == 0 and counts["971"] == 0
    legal = coverage_by_departement(viewer=outsider, service="legal_aid")
    assert legal["75"] == 1 and legal["92"] == 1 and legal["13"] == 1 and legal["69"] == 0
    # The national line covers every département.
    psy = coverage_by_departement(viewer=outsider, service="psychological_support")
    assert set(psy.values()) == {1}


def test_anonymous_aggregates_exclude_members_only_profiles(directory):
    counts = coverage_by_departement(viewer=None, service="secure_accommodation")
    assert counts["13"] == 0  # Escale Marseille is members-only


def test_public_filter(directory, outsider):
    counts = coverage_by_departement(viewer=outsider, service="secure_accommodation", public="minors")
    assert counts["69"] == 1 and counts["13"] == 0


def test_services_with_most_uncovered(directory):
    rows = services_with_most_uncovered(limit=20)
    by_code = {r["service"].code: r["uncovered"] for r in rows}
    total = len(reference.departements())
    assert by_code["psychological_support"] == 0
    assert by_code["interpretation"] == total
    assert by_code["legal_aid"] == total - 3
    assert rows[0]["uncovered"] == total
