"""Competent bodies first (issue 10.3, 10.2): the CRIP and the parquet of the
département of the facts or of the child's care, then by distance; never an
overseas or distant body first."""

import pytest

from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import selectors
from maillage.www.referrals.forms_minors import StepRecordForm, candidate_label
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def body(name, departement, org_type=OrganisationType.CHILD_PROTECTION, account=False):
    org = OrganisationFactory(name=name, slug=name.lower().replace(" ", "-"), type=org_type, departement=departement)
    if account:
        MembershipFactory(organisation=org, role=Role.CASE_WORKER)
    return org


def test_competent_crip_and_parquet_come_first_then_by_distance(make_case):
    # The association holding the case is in Paris (factory default « 75 »); the child was found in 93.
    for name, dep in (("CRIP 13", "13"), ("CRIP 974", "974"), ("CRIP 95", "95"), ("CRIP 75", "75"), ("CRIP 93", "93")):
        body(name, dep, account=dep == "93")
    body("Parquet de Marseille", "13", OrganisationType.PROSECUTOR)
    body("Parquet de Bobigny", "93", OrganisationType.PROSECUTOR)
    body("Parquet de Paris", "75", OrganisationType.PROSECUTOR)
    child = make_case(minor=True, exploitation_departement="93")
    crips = selectors.minor_recipient_candidates(child, "crip")
    assert [o.name for o in crips] == ["CRIP 93", "CRIP 75", "CRIP 95", "CRIP 13", "CRIP 974"]
    assert [o.competent for o in crips][:3] == [True, True, False] and crips[0].has_account
    parquets = selectors.minor_recipient_candidates(child, "parquet")
    assert [o.name for o in parquets] == ["Parquet de Bobigny", "Parquet de Paris", "Parquet de Marseille"]
    # A CRIP is never offered for a report to the prosecutor, nor the reverse.
    assert all(o.type == OrganisationType.PROSECUTOR for o in parquets)


def test_the_recipient_is_chosen_by_its_name_never_by_an_id(make_case):
    crip = body("CRIP 93", "93", account=True)
    child = make_case(minor=True, exploitation_departement="93")
    step = child.minor_steps.get(kind="ip_crip")
    candidates = selectors.minor_recipient_candidates(child, "crip")
    data = {"done_on": "2026-01-05", "channel": "maillage", "recipient": candidate_label(candidates[0])}
    form = StepRecordForm(data, step=step, candidates=candidates)
    assert form.is_valid() and form.cleaned_data["recipient"] == crip
    form = StepRecordForm({**data, "recipient": "crip 93"}, step=step, candidates=candidates)
    assert form.is_valid() and form.cleaned_data["recipient"] == crip
    form = StepRecordForm({**data, "recipient": "Cellule du Val-d'Oise"}, step=step, candidates=candidates)
    assert form.is_valid() and form.cleaned_data["recipient"] is None
    assert form.cleaned_data["recipient_name"] == "Cellule du Val-d'Oise"
    assert f'value="{crip.pk}"' not in str(form["recipient"])
