"""Erasure (GDPR art. 17) and retention (art. 5.1 e) also wipe the free text
the referrals domain keeps about the person (R-PRIVACY)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from maillage.cases import services as case_services
from maillage.cases.enums import CaseStatus
from maillage.referrals import pathways, services
from maillage.referrals.enums import DeclineReason
from maillage.referrals.models import AcsePlacement, Referral, ReturnPlan
from tests.referrals.conftest import ACSE_REQUEST

pytestmark = pytest.mark.django_db

SECRET = "Amina, joignable chez sa cousine rue des Lilas"


def _fill(case, sender, sender_org, refer, recipient, recipient_org, acse):
    referral = refer(message=SECRET)
    services.decline_referral(
        referral=referral,
        organisation=recipient_org,
        acting_user=recipient,
        reason=DeclineReason.OTHER,
        comment=SECRET,
    )
    coord, coord_worker = acse
    placement = pathways.request_acse(
        **ACSE_REQUEST,
        danger_departements=["93"],
        case=case,
        organisation=sender_org,
        acting_user=sender,
        consent_on=datetime.date(2026, 1, 5),
        consent_method="written",
        coordination=coord,
    )
    pathways.advance_acse(placement=placement, organisation=coord, acting_user=coord_worker, target="assessment")
    pathways.advance_acse(
        placement=placement, organisation=coord, acting_user=coord_worker, target="place_search", assessment=SECRET
    )
    pathways.create_return_plan(
        case=case,
        organisation=sender_org,
        acting_user=sender,
        destination_country="NG",
        voluntary=True,
        risk_assessment=SECRET,
        receiving_structures="Structure d'accueil NAPTIP, Lagos",
    )


def _assert_wiped(case):
    referral = Referral.objects.get(case=case)
    assert referral.message == "" and referral.decline_comment == ""
    assert AcsePlacement.objects.get(case=case).danger_assessment == ""
    plan = ReturnPlan.objects.get(case=case)
    assert plan.risk_assessment == ""
    assert plan.receiving_structures == "Structure d'accueil NAPTIP, Lagos"  # contacts of structures, not the person


def test_erasure_wipes_the_free_text_of_referrals_and_pathways(
    case, sender, sender_org, refer, recipient, recipient_org, acse
):
    _fill(case, sender, sender_org, refer, recipient, recipient_org, acse)
    assert Referral.objects.get(case=case).message == SECRET
    case_services.erase_identity(case=case, acting_user=sender)
    _assert_wiped(case)


def test_retention_wipes_the_free_text_too(case, sender, sender_org, refer, recipient, recipient_org, acse):
    with time_machine.travel(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        _fill(case, sender, sender_org, refer, recipient, recipient_org, acse)
        pathways.advance_acse(
            placement=AcsePlacement.objects.get(case=case),
            organisation=sender_org,
            acting_user=sender,
            target="cancelled",
            reason="Départ de la personne",
        )
        case_services.change_status(
            case=case, target=CaseStatus.CLOSED, acting_user=sender, reason="support_completed"
        )
    with time_machine.travel(datetime.datetime(2032, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        assert case_services.anonymise_closed_cases().anonymised == [case.reference]
    _assert_wiped(case)


def test_a_legal_hold_keeps_everything(case, sender, sender_org, refer, recipient, recipient_org, acse):
    _fill(case, sender, sender_org, refer, recipient, recipient_org, acse)
    case_services.set_legal_hold(case=case, acting_user=sender, hold=True, reason="Information judiciaire en cours")
    with pytest.raises(ValidationError):
        case_services.erase_identity(case=case, acting_user=sender)
    assert Referral.objects.get(case=case).message == SECRET
