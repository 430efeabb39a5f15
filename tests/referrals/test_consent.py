"""Consent (issue 5, priority 2): R-CHILD-CRIP, adults' informed consent, audited override."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillage.core.models import AuditEvent
from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals.enums import ConsentBasis
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NO_CONSENT = {
    "consent_basis": ConsentBasis.MINOR_CHILD_PROTECTION,
    "consent_on": None,
    "consent_method": "",
    "consent_scope": "",
}


def msgs(exc):
    return " ".join(exc.value.messages)


def test_adult_consent_is_recorded(refer):
    referral = refer()
    assert referral.consent_basis == ConsentBasis.CONSENT
    assert (
        referral.consent_on == datetime.date(2026, 1, 5)
        and referral.consent_method == "oral_interpreter"
        and referral.consent_scope
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("consent_on", None, "date du consentement"),
        ("consent_method", "", "comment le consentement"),
        ("consent_scope", " ", "à quoi la personne a consenti"),
    ],
)
def test_adult_consent_must_be_complete(refer, field, value, message):
    with pytest.raises(ValidationError) as exc:
        refer(**{field: value})
    assert message in msgs(exc)


def test_consent_in_the_future_is_refused(refer):
    with pytest.raises(ValidationError) as exc:
        refer(consent_on=datetime.date.today() + datetime.timedelta(days=2))
    assert "futur" in msgs(exc)


def test_minor_to_child_protection_needs_no_consent(make_case, refer, crip_org):
    case = make_case(minor=True)
    referral = refer(case=case, recipient=crip_org, service="social_support", **NO_CONSENT)
    assert referral.consent_basis == ConsentBasis.MINOR_CHILD_PROTECTION and referral.consent_on is None


def test_minor_to_prosecutor_needs_no_consent(make_case, refer):
    parquet = OrganisationFactory(type=OrganisationType.PROSECUTOR, name="Parquet de Bobigny", slug="parquet-bobigny")
    referral = refer(case=make_case(minor=True), recipient=parquet, service="legal_aid", **NO_CONSENT)
    assert referral.status == "sent"


def test_minor_to_an_association_without_consent_is_refused(make_case, refer):
    with pytest.raises(ValidationError) as exc:
        refer(case=make_case(minor=True), **NO_CONSENT)
    assert "protection de l'enfance" in msgs(exc)


def test_adult_cannot_use_the_minors_exception(refer, crip_org):
    with pytest.raises(ValidationError) as exc:
        refer(recipient=crip_org, **NO_CONSENT)
    assert "majeure" in msgs(exc)


def test_override_refused_to_a_plain_case_worker(refer):
    with pytest.raises(ValidationError) as exc:
        refer(
            consent_basis=ConsentBasis.OVERRIDE,
            override_reason="Danger grave et immédiat, personne injoignable depuis deux jours",
        )
    assert "administrateur" in msgs(exc)


def test_override_by_an_administrator_needs_a_written_reason_and_is_audited(refer, sender_org):
    admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    with pytest.raises(ValidationError) as exc:
        refer(acting_user=admin, consent_basis=ConsentBasis.OVERRIDE, override_reason="urgent")
    assert "par écrit" in msgs(exc)
    reason = "Danger grave et immédiat, personne injoignable depuis deux jours"
    referral = refer(acting_user=admin, consent_basis=ConsentBasis.OVERRIDE, override_reason=reason)
    assert referral.override_reason == reason and referral.consent_on is None
    row = AuditEvent.objects.get(action="referral.consent_overridden", object_id=str(referral.pk))
    assert row.details["reason"] == reason and row.actor == admin


def test_missing_basis_is_refused(refer):
    with pytest.raises(ValidationError) as exc:
        refer(consent_basis="")
    assert "fondement" in msgs(exc)
