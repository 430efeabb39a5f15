"""Warsaw Convention and French law, rule by rule (issue 11): one test per rule,
named after it, citing its legal source (rules.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillage.cases import services
from maillage.cases.enums import AgeStatus
from maillage.cases.models import Case
from maillage.identification.qualification import prequalify

from .conftest import base_facts, base_identity

pytestmark = pytest.mark.django_db


def test_r_fr_qualif_adult_exploited_as_child_gets_child_set(make_case):
    """Rules.md §1.6 and R-FR-QUALIF; Warsaw art. 4 c-d; Code pénal 225-4-1 II:
    the indicator set and the pre-qualification follow the age *at the time of
    the facts*. Born in 1995, exploited from 2010: an adult today, a child then
    → child set, and no « means » required."""
    case = make_case(facts=base_facts(exploitation_start=datetime.date(2010, 6, 1)))
    assert not case.treated_as_minor
    assert case.minor_at_exploitation is True  # derived from the birth date and the start of exploitation
    assert case.child_at_facts
    assert services.indicator_set_code_for(case) == "CS"
    assert services.candidate_set_codes(case) == ["CL", "CS"]
    result = prequalify(acts=["recruter"], purposes=["PROX"], means=[], minor=case.child_at_facts)
    assert result.elements_reunis


def test_r_fr_qualif_minor_at_exploitation_recorded_is_read(make_case):
    """Rules.md §1.6: `minor_at_exploitation` recorded by the worker (no
    exploitation date known) is read by the set choice."""
    case = make_case(facts=base_facts(minor_at_exploitation=True))
    assert services.indicator_set_code_for(case) == "CS"


def test_r_fr_qualif_adult_at_facts_keeps_adult_set(make_case):
    case = make_case(facts=base_facts(exploitation_start=datetime.date(2020, 1, 1)))
    assert case.minor_at_exploitation is False
    assert services.indicator_set_code_for(case) == "AS"


def test_r_age_status_contradicting_birth_date_is_refused(case_worker, organisation):
    """R-AGE (Warsaw art. 10.3; C. civ. art. 47 and 388): « mineur·e (documenté) »
    with a birth date making the person 31 is refused with a French message, and
    nothing is written."""
    before = Case.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            organisation=organisation,
            acting_user=case_worker,
            facts=base_facts(age_status=AgeStatus.DOCUMENTED_MINOR),
            identity=base_identity(),
            confirm_duplicate=True,
        )
    assert "contredit la date de naissance" in exc.value.message_dict["age_status"][0]
    assert Case.objects.count() == before
    recent = (datetime.date.today() - datetime.timedelta(days=365 * 10)).isoformat()
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            organisation=organisation,
            acting_user=case_worker,
            facts=base_facts(birth_year=None),
            identity=base_identity(birth_date=recent),
            confirm_duplicate=True,
        )
    assert "Âge contesté" in exc.value.message_dict["age_status"][0]


def test_r_age_minor_at_exploitation_contradicting_dates_is_refused(case, case_worker):
    """Rules.md §1.6: « majeure au moment des faits » while the birth date and the
    start of exploitation say 15 years old is refused (on edit too, with the
    stored birth date)."""
    facts = base_facts(exploitation_start=datetime.date(2010, 6, 1), minor_at_exploitation=False)
    with pytest.raises(ValidationError) as exc:
        services.update_case(case=case, acting_user=case_worker, facts=facts)
    assert "mineure au moment des faits" in exc.value.message_dict["minor_at_exploitation"][0]
    case.refresh_from_db()
    assert case.exploitation_start is None


# --- R-REASONABLE-GROUNDS -------------------------------------------------------------


def _grant(case, organisation, parts=("facts",)):
    from django.db import transaction

    from maillage.cases.enums import AccessReason

    with transaction.atomic(durable=True):
        services.grant_access(
            case=case, organisation=organisation, parts=parts, reason=AccessReason.REFERRAL, source="tests.law:1"
        )


def test_r_reasonable_grounds_non_removal_flag_notices_and_reflection_proposal(
    client, login, django_capture_on_commit_callbacks, case, case_worker, org_admin, other_organisation
):
    """R-REASONABLE-GROUNDS, Warsaw art. 10.2 and 13.1 (rules.md §2, §6.6): reaching
    « présumée victime » puts a lasting non-removal flag on the case, shown to the
    owner and to every partner, tells the owner's administrators and the
    organisations the case is shared with, and *proposes* the reflection period
    (a proposal awaiting the person's answer, not a 2-day task)."""
    from django.urls import reverse

    from maillage.cases.enums import CaseStatus, ReflectionAnswer
    from maillage.cases.models import ReflectionOffer, Task
    from maillage.notifications.models import Notification
    from maillage.organisations.enums import Role
    from tests.factories import MembershipFactory

    partner = MembershipFactory(organisation=other_organisation, role=Role.CASE_WORKER).user
    _grant(case, other_organisation)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    case.refresh_from_db()
    assert case.non_removal_alert and case.non_removal_since
    offer = ReflectionOffer.objects.get(case=case)
    assert offer.answer == ReflectionAnswer.PENDING and offer.follow_up_on > datetime.date.today()
    # Task titles are encrypted (issue 16): compared in Python.
    assert not any("délai de réflexion" in task.title.lower() for task in Task.objects.filter(case=case))
    told = set(Notification.objects.filter(title__contains=case.reference).values_list("recipient_id", flat=True))
    assert {org_admin.pk, partner.pk} <= told
    for user in (case_worker, partner):
        login(client, user)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "Non-éloignement" in page and "art. 10.2" in page
    # The answer is recorded with its date; recording it twice is refused.
    offer = services.answer_reflection_offer(
        offer=offer, acting_user=case_worker, answer=ReflectionAnswer.ACCEPTED, on=datetime.date.today()
    )
    assert offer.answer == ReflectionAnswer.ACCEPTED and offer.answered_on == datetime.date.today()
    with pytest.raises(ValidationError):
        services.answer_reflection_offer(
            offer=offer, acting_user=case_worker, answer=ReflectionAnswer.DECLINED, on=datetime.date.today()
        )
    # Lasting: closing the case keeps the flag; only « non retenu » ends it.
    case = services.change_status(case=case, target=CaseStatus.CLOSED, acting_user=case_worker, reason="other")
    assert case.non_removal_alert


def test_r_reasonable_grounds_non_removal_in_the_export(case, case_worker):
    """Warsaw art. 10.2: the alert travels in the case's export."""
    import io
    import json

    import pyzipper

    from maillage.cases.enums import CaseStatus

    services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    case.refresh_from_db()
    archive = services.build_subject_access_export(case=case, acting_user=case_worker, password="a" * 16)
    with pyzipper.AESZipFile(io.BytesIO(archive)) as z:
        z.setpassword(b"a" * 16)
        data = json.loads(z.read(z.namelist()[0]))
    assert data["non_removal"]["active"] is True


def test_r_reasonable_grounds_proposal_waits_in_the_law_queue(case, case_worker, organisation):
    """R-REASONABLE-GROUNDS (art. 13.1): the proposal awaiting the person's
    answer shows in the organisation's « À traiter » queue, in words."""
    from maillage.cases.enums import CaseStatus
    from maillage.core import queues
    from maillage.organisations.actor import as_actor

    services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    found = {q.provider.key: q for q in queues.queues_for(as_actor(case_worker), organisation)}
    queue = found["law_reflection_offers"]
    assert queue.total == 1 and queue.items[0].subject == case.reference
    assert "réponse" in queue.items[0].label and "law" not in queue.items[0].label


# --- R-PERMIT-COOP, R-PERMIT-NOCOOP ---------------------------------------------------


def _permit(case, user, **kw):
    args = {"ground": "coop_complaint", "start": datetime.date(2026, 3, 1), "end": datetime.date(2027, 2, 28)}
    args.update(kw)
    return services.record_residence_permit(case=case, acting_user=user, **args)


def test_r_permit_coop_refused_without_its_conditions(case, case_worker):
    """R-PERMIT-COOP (Warsaw art. 14.1 b; CESEDA L425-1, rules.md §3.3): the
    1-year « vie privée et familiale » card needs a complaint or testimony,
    all ties with the perpetrators broken and no public-order threat; each
    missing condition is refused with its reason and nothing is written."""
    from maillage.cases.models import ResidencePermit

    with pytest.raises(ValidationError) as exc:
        _permit(case, case_worker)
    errors = exc.value.message_dict
    assert "plainte ou un témoignage" in errors["ground"][0]
    assert "rompu tout lien" in errors["ties_broken"][0]
    assert "ordre public" in errors["public_order_threat"][0]
    assert not ResidencePermit.objects.filter(case=case).exists()
    services.record_proceeding(case=case, acting_user=case_worker, kind="complaint", on=datetime.date(2026, 2, 1))
    permit = _permit(case, case_worker, ties_broken=True, public_order_threat=False)
    assert permit.legal_basis == "L425-1" and permit.renewal_due_on == datetime.date(2027, 2, 28) - datetime.timedelta(
        days=60
    )


def test_r_permit_coop_dates_follow_the_law(case, case_worker):
    """R-PERMIT-COOP (CESEDA L425-1, L425-3): the card lasts 1 year and is renewed
    only during the proceedings; after a final conviction, a 10-year resident
    card. Dates that contradict the ground are refused with the expected date."""
    services.record_proceeding(case=case, acting_user=case_worker, kind="testimony", on=datetime.date(2026, 2, 1))
    ok = {"ground": "coop_testimony", "ties_broken": True, "public_order_threat": False}
    with pytest.raises(ValidationError) as exc:
        _permit(case, case_worker, end=datetime.date(2028, 2, 28), **ok)
    assert "28/02/2027" in exc.value.message_dict["end"][0]
    first = _permit(case, case_worker, **ok)
    with pytest.raises(ValidationError) as exc:
        _permit(
            case, case_worker, start=datetime.date(2027, 3, 1), end=datetime.date(2028, 2, 29), renewal_of=first, **ok
        )
    assert "pendant la procédure" in exc.value.message_dict["proceedings_ongoing"][0]
    _permit(
        case,
        case_worker,
        start=datetime.date(2027, 3, 1),
        end=datetime.date(2028, 2, 29),
        renewal_of=first,
        proceedings_ongoing=True,
        **ok,
    )
    with pytest.raises(ValidationError) as exc:
        _permit(
            case,
            case_worker,
            ground="final_conviction",
            start=datetime.date(2028, 3, 1),
            end=datetime.date(2038, 2, 28),
            final_conviction_on=datetime.date(2028, 6, 1),
        )
    assert "postérieure" in exc.value.message_dict["final_conviction_on"][0]
    card = _permit(
        case,
        case_worker,
        ground="final_conviction",
        start=datetime.date(2028, 3, 1),
        end=datetime.date(2038, 2, 28),
        final_conviction_on=datetime.date(2028, 1, 15),
    )
    assert card.legal_basis == "resident_card"


def test_r_permit_nocoop_l425_4_at_least_six_months_in_the_exit_pathway(case, case_worker):
    """R-PERMIT-NOCOOP (CESEDA L425-4, rules.md §3.3): without cooperation, an
    APS of at least 6 months for a person engaged in the prostitution-exit
    pathway; discretionary admission (L435-1) and asylum need no cooperation."""
    with pytest.raises(ValidationError) as exc:
        _permit(
            case, case_worker, ground="prostitution_exit", end=datetime.date(2026, 6, 1), exit_pathway_engaged=True
        )
    assert "6 mois" in exc.value.message_dict["end"][0]
    with pytest.raises(ValidationError) as exc:
        _permit(case, case_worker, ground="prostitution_exit", end=datetime.date(2026, 9, 30))
    assert "parcours de sortie" in exc.value.message_dict["exit_pathway_engaged"][0]
    _permit(case, case_worker, ground="prostitution_exit", end=datetime.date(2026, 9, 30), exit_pathway_engaged=True)
    _permit(case, case_worker, ground="discretionary", end=datetime.date(2026, 9, 30))
    _permit(case, case_worker, ground="asylum", end=None)


def test_r_permit_to_renew_waits_in_the_law_queue(case, case_worker, organisation):
    """Warsaw art. 14.1 (renewable); CESEDA R431-5: a permit within two months
    of its expiry shows in the « À traiter » queue until a renewal is recorded."""
    from maillage.core import queues
    from maillage.organisations.actor import as_actor

    today = datetime.date.today()
    _permit(
        case,
        case_worker,
        ground="asylum",
        start=today - datetime.timedelta(days=300),
        end=today + datetime.timedelta(days=20),
    )
    found = {q.provider.key: q for q in queues.queues_for(as_actor(case_worker), organisation)}
    assert found["law_permits"].total == 1 and found["law_permits"].items[0].subject == case.reference


# --- Art. 15: legal aid and compensation ----------------------------------------------


def test_art_15_legal_aid_with_a_lawyer_from_the_directory_or_named(case, case_worker):
    """Warsaw art. 15.2 (rules.md §2): legal assistance and free legal aid are
    recorded with the lawyer — from the directory when listed, else a name
    (encrypted); a directory entry that is not a lawyer is refused."""
    from maillage.cases.models import LegalAid
    from maillage.organisations.enums import OrganisationType
    from tests.factories import OrganisationFactory

    bar = OrganisationFactory(name="Barreau de Paris", type=OrganisationType.BAR)
    police = OrganisationFactory(type=OrganisationType.POLICE)
    today = datetime.date.today()
    with pytest.raises(ValidationError) as exc:
        services.record_legal_aid(
            case=case,
            acting_user=case_worker,
            kind="aide_juridictionnelle",
            status="granted",
            on=today,
            lawyer_organisation=police,
        )
    assert "avocat" in exc.value.message_dict["lawyer_organisation"][0]
    aid = services.record_legal_aid(
        case=case,
        acting_user=case_worker,
        kind="aide_juridictionnelle",
        status="granted",
        on=today,
        lawyer_organisation=bar,
    )
    assert aid.lawyer_label == "Barreau de Paris"
    named = services.record_legal_aid(
        case=case,
        acting_user=case_worker,
        kind="legal_assistance",
        status="requested",
        on=today,
        lawyer_name="Me Diallo",
    )
    assert LegalAid.objects.get(pk=named.pk).lawyer_label == "Me Diallo"


def test_art_15_civi_compensation_deadline(case, case_worker, settings):
    """Warsaw art. 15.4; CPP 706-3 and 706-5 [M, settings]: the CIVI route shows
    its deadline — 3 years from the offence, extended to 1 year after the final
    criminal decision."""
    claim = services.record_compensation_claim(
        case=case, acting_user=case_worker, route="civi", offence_on=datetime.date(2023, 5, 10)
    )
    assert claim.deadline == datetime.date(2026, 5, 10)
    claim = services.record_compensation_claim(
        case=case,
        acting_user=case_worker,
        route="civi",
        offence_on=datetime.date(2023, 5, 10),
        final_decision_on=datetime.date(2026, 3, 1),
    )
    assert claim.deadline == datetime.date(2027, 3, 1)
    settings.CASES_CIVI_YEARS_AFTER_OFFENCE = 5
    assert claim.deadline == datetime.date(2028, 5, 10)
    with pytest.raises(ValidationError) as exc:
        services.record_compensation_claim(case=case, acting_user=case_worker, route="civi")
    assert "CIVI" in exc.value.message_dict["offence_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_compensation_claim(
            case=case, acting_user=case_worker, route="criminal_court", status="filed", filed_on=None
        )
    assert "dépôt" in exc.value.message_dict["filed_on"][0]


def test_r_reasonable_grounds_attestation_for_the_authorities(client, login, case, case_worker, other_organisation):
    """Warsaw art. 10.2: the owner prints an attestation of non-removal for the
    authorities (journaled as an export); a partner or a case without the
    alert gets none."""
    from django.urls import reverse

    from maillage.cases.enums import AuditAction, CaseStatus
    from maillage.core.models import AuditEvent

    login(client, case_worker)
    url = reverse("cases:non_removal_attestation", args=[case.pk])
    assert client.get(url).status_code == 302  # no alert yet: back to the case with a message
    services.change_status(case=case, target=CaseStatus.PRESUMED, acting_user=case_worker)
    page = client.get(url).content.decode()
    assert "article 10.2" in page and "Blessing OKAFOR" in page
    assert AuditEvent.objects.filter(action=AuditAction.NON_REMOVAL_ATTESTATION, kind="export").count() == 1
