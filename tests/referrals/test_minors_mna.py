"""Unaccompanied minors (issue 11.5; rules.md §3.5.1–2, R-MNA; CASF L221-2-4 and
R221-11; C. civ. arts 47 and 388; Warsaw 10.3–10.4)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role
from maillage.referrals import pathways
from maillage.referrals.enums import MinorStepKind
from maillage.referrals.models import MinorStep
from maillage.www.referrals.forms_minors import StepRecordForm
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
K = MinorStepKind
T0 = timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 0))
MNA_KINDS = {K.EMERGENCY_RECEPTION, K.PROSECUTOR_INFORMED, K.GUARDIAN, K.RESPITE, K.MINORITY_EVALUATION}
EVALUATION = {
    "age_bases": ["social_interviews", "civil_status_documents"],
    "age_conclusion": "minor",
    "margin_of_error": "Entre 15 et 17 ans",
}


def msgs(exc):
    return " ".join(exc.value.messages)


@pytest.fixture
def minor(make_case):
    with time_machine.travel(T0, tick=False):
        return make_case(minor=True)


def kinds(case):
    return set(MinorStep.objects.filter(case=case).values_list("kind", flat=True))


def record(step, org, user, **kw):
    kw.setdefault("done_on", timezone.localdate())
    if step.definition.transmission_to:
        kw.setdefault("recipient_name", "Parquet de Bobigny")
        kw.setdefault("channel", "email")
    kw.setdefault("note", "Fait.")
    return pathways.complete_step(step=step, organisation=org, acting_user=user, **kw)


@pytest.fixture
def mna(minor, sender, sender_org):
    pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, unaccompanied=True, now=T0)
    return minor


def evaluation_of(case):
    return MinorStep.objects.get(case=case, kind=K.MINORITY_EVALUATION)


def test_r_mna_steps_appear_whenever_no_legal_representative_is_in_france(minor, sender, sender_org):
    assert not MNA_KINDS & kinds(minor)  # not ticked « non accompagné »
    step = MinorStep.objects.get(case=minor, kind=K.LEGAL_REPRESENTATION)
    record(step, sender_org, sender, representatives="none_in_france")
    assert kinds(minor) >= MNA_KINDS
    # R-AAH, Warsaw 10.4 a: an unaccompanied child needs an ad hoc administrator too.
    assert K.AAH_REQUEST in kinds(minor)


def test_r_mna_emergency_reception_five_days_renewed_at_most_twice_prosecutor_informed_each_time(
    mna, sender, sender_org
):
    reception = MinorStep.objects.get(case=mna, kind=K.EMERGENCY_RECEPTION, sequence=0)
    assert reception.due_at == T0 + datetime.timedelta(days=5)
    for _ in range(2):
        pathways.renew_emergency_reception(case=mna, organisation=sender_org, acting_user=sender)
    informed = MinorStep.objects.filter(case=mna, kind=K.PROSECUTOR_INFORMED)
    assert informed.count() == 3 and not any(s.is_waivable for s in informed)
    assert MinorStep.objects.filter(case=mna, kind=K.EMERGENCY_RECEPTION).order_by("-sequence").first().due_at == (
        T0 + datetime.timedelta(days=15)
    )
    with pytest.raises(ValidationError) as exc:
        pathways.renew_emergency_reception(case=mna, organisation=sender_org, acting_user=sender)
    assert "deux fois" in msgs(exc)


def test_r_mna_the_crip_owns_and_renews_the_reception_once_reached(mna, sender, sender_org, crip_org):
    crip_worker = MembershipFactory(organisation=crip_org, role=Role.CASE_WORKER).user
    record(
        MinorStep.objects.get(case=mna, kind=K.IP_CRIP),
        sender_org,
        sender,
        recipient=crip_org,
        recipient_name="",
        channel="maillage",
    )
    assert MinorStep.objects.get(case=mna, kind=K.EMERGENCY_RECEPTION).owner_organisation == crip_org
    with pytest.raises(ValidationError) as exc:
        pathways.renew_emergency_reception(case=mna, organisation=sender_org, acting_user=sender)
    assert "revient à" in msgs(exc)
    pathways.renew_emergency_reception(case=mna, organisation=crip_org, acting_user=crip_worker)
    assert MinorStep.objects.get(case=mna, kind=K.PROSECUTOR_INFORMED, sequence=1).owner_organisation == crip_org


def test_r_mna_respite_comes_before_the_minority_evaluation(mna, sender, sender_org):
    with pytest.raises(ValidationError) as exc:
        record(evaluation_of(mna), sender_org, sender, **EVALUATION)
    assert "après le temps de répit" in msgs(exc)
    record(MinorStep.objects.get(case=mna, kind=K.RESPITE), sender_org, sender)
    record(evaluation_of(mna), sender_org, sender, **EVALUATION)
    assert not evaluation_of(mna).is_open


@pytest.fixture
def after_respite(mna, sender, sender_org):
    record(MinorStep.objects.get(case=mna, kind=K.RESPITE), sender_org, sender)
    return mna


def test_r_mna_conclusions_state_their_margin_of_error(after_respite, sender, sender_org):
    journal = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        record(evaluation_of(after_respite), sender_org, sender, **{**EVALUATION, "margin_of_error": " "})
    assert "marge d'erreur" in msgs(exc) and AuditEvent.objects.count() == journal
    assert evaluation_of(after_respite).is_open


def test_r_mna_a_bone_examination_never_decides_minority_alone(after_respite, sender, sender_org):
    with pytest.raises(ValidationError) as exc:
        record(
            evaluation_of(after_respite),
            sender_org,
            sender,
            **{**EVALUATION, "age_bases": ["bone_exam_388"], "age_conclusion": "adult"},
        )
    assert "à elles seules" in msgs(exc)


def test_r_mna_the_evaluation_never_alone_changes_the_age_status(after_respite, sender, sender_org):
    record(evaluation_of(after_respite), sender_org, sender, **{**EVALUATION, "age_conclusion": "adult"})
    after_respite.refresh_from_db()
    assert after_respite.treated_as_minor  # only a decision on the case changes it (R-AGE)


def test_r_mna_health_data_is_never_used_for_the_age_assessment(after_respite, sender, sender_org):
    with pytest.raises(ValidationError) as exc:
        record(evaluation_of(after_respite), sender_org, sender, **{**EVALUATION, "age_bases": ["health_needs"]})
    assert "santé" in msgs(exc)
    with pytest.raises(ValidationError) as exc:
        record(evaluation_of(after_respite), sender_org, sender, **EVALUATION, health_needs="Suivi dentaire")
    assert "santé" in msgs(exc)
    assert evaluation_of(after_respite).is_open
    # The form has no field for it.
    form = StepRecordForm(step=evaluation_of(after_respite))
    assert not [name for name in form.fields if "health" in name or "sante" in name or "medical" in name]
    assert "health" not in " ".join(v for v, _label in form.fields["age_bases"].choices)


def test_r_mna_foreign_civil_status_documents_are_presumed_valid(after_respite, sender, sender_org):
    contested = {
        **EVALUATION,
        "age_conclusion": "adult",
        "documents_say_minor": True,
    }
    with pytest.raises(ValidationError) as exc:
        record(evaluation_of(after_respite), sender_org, sender, **contested)
    assert "art. 47" in msgs(exc)
    record(
        evaluation_of(after_respite),
        sender_org,
        sender,
        **contested,
        documents_rebuttal="Acte de naissance jugé falsifié par le bureau de la fraude documentaire.",
    )
    assert evaluation_of(after_respite).details["documents_say_minor"] is True
