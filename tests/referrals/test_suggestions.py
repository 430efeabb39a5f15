"""Suggested recipients from the directory (issue 5, priority 4)."""

import pytest

from maillage.directory import services as directory_services
from maillage.directory.models import ExploitationForm, Profile, ProfileLanguage, ProfilePublic, Service
from maillage.organisations.enums import OrganisationType
from maillage.referrals import selectors
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def shelter(
    name, dep, *, service="secure_accommodation", languages=(), forms=(), minors=False, capacity=None, accepts=True
):
    org = OrganisationFactory(name=name, type=OrganisationType.SHELTER, departement=dep)
    profile = Profile.objects.create(
        organisation=org, departement=dep, accepts_referrals=accepts, visibility="members", capacity_places=capacity
    )
    profile.services.add(Service.objects.get(code=service))
    for code in forms:
        profile.exploitation_forms.add(ExploitationForm.objects.get(code=code))
    for code in languages:
        ProfileLanguage.objects.create(profile=profile, code=code)
    if minors:
        ProfilePublic.objects.create(profile=profile, code="minors")
    directory_services.refresh_search_text(profile)
    return org


def names(suggestions):
    return [s.organisation.name for s in suggestions]


def test_accommodation_excludes_exploitation_and_danger_departements(case, sender, sender_org):
    # The case was exploited in 75 (tests.cases.conftest.base_facts).
    shelter("Foyer Paris", "75")
    shelter("Foyer Bobigny", "93")
    shelter("Foyer Lyon", "69")
    found = names(
        selectors.suggest_recipients(
            user=sender, organisation=sender_org, case=case, service="secure_accommodation", danger_departements=["93"]
        )
    )
    assert found == ["Foyer Lyon"]
    reasons = selectors.suggest_recipients(
        user=sender, organisation=sender_org, case=case, service="secure_accommodation"
    )[0].reasons
    assert any("Éloignée" in r for r in reasons)


def test_language_form_and_capacity_rank_first_with_reasons(case, sender, sender_org):
    shelter("Foyer A", "69")
    shelter("Foyer B", "33", languages=["en"], forms=["PROX"], capacity=2)
    suggestions = selectors.suggest_recipients(
        user=sender, organisation=sender_org, case=case, service="secure_accommodation"
    )
    assert names(suggestions)[0] == "Foyer B"
    reasons = " | ".join(suggestions[0].reasons)
    assert "Parle" in reasons and "Proxénétisme" in reasons and "Places déclarées disponibles : 2" in reasons
    assert "Service : Hébergement sécurisé" in reasons or "Hébergement sécurisé" in reasons


def test_minors_only_to_organisations_receiving_minors(make_case, sender, sender_org):
    minor = make_case(minor=True)
    shelter("Foyer adultes", "69")
    shelter("Foyer enfance", "33", minors=True)
    assert names(
        selectors.suggest_recipients(user=sender, organisation=sender_org, case=minor, service="secure_accommodation")
    ) == ["Foyer enfance"]


def test_own_organisation_and_closed_doors_are_not_suggested(case, sender, sender_org):
    Profile.objects.create(
        organisation=sender_org, departement="69", accepts_referrals=True, visibility="members"
    ).services.add(Service.objects.get(code="legal_aid"))
    shelter("Sans orientation", "69", service="legal_aid", accepts=False)
    shelter("Juristes", "69", service="legal_aid")
    assert names(
        selectors.suggest_recipients(user=sender, organisation=sender_org, case=case, service="legal_aid")
    ) == ["Juristes"]


def test_any_organisation_can_be_found_by_name(case, sender, sender_org):
    shelter("Maison Perdrix", "69", service="legal_aid")
    assert names(
        selectors.suggest_recipients(user=sender, organisation=sender_org, case=case, service="", text="perdrix")
    ) == ["Maison Perdrix"]


def test_organisations_that_never_receive_a_referral_are_not_suggested(case, sender, sender_org):
    shelter("Juristes", "69", service="legal_aid")
    for kind in (
        OrganisationType.ACSE_COORDINATION,
        OrganisationType.FOREIGN_COUNTERPART,
        OrganisationType.NATIONAL_RAPPORTEUR,
    ):
        org = shelter(f"Pas destinataire {kind}", "69", service="legal_aid")
        type(org).objects.filter(pk=org.pk).update(type=kind)
    assert names(
        selectors.suggest_recipients(user=sender, organisation=sender_org, case=case, service="legal_aid")
    ) == ["Juristes"]
    # Not even by name.
    assert (
        names(
            selectors.suggest_recipients(
                user=sender, organisation=sender_org, case=case, service="", text="destinataire"
            )
        )
        == []
    )


def test_parquet_brigade_and_crip_are_suggested_for_a_child_exploited_in_seine_saint_denis(
    make_case, sender, sender_org
):
    """Issue 10 item 3: the demo's public bodies list no minors among their
    publics; they act for minors by law and are found, the competent first."""
    from maillage.directory.enums import Visibility
    from maillage.organisations.enums import TerritoryLevel

    def public_body(name, acronym, type_, dep):
        org = OrganisationFactory(
            name=name, acronym=acronym, type=type_, departement=dep, territory_level=TerritoryLevel.DEPARTEMENT
        )
        profile = Profile.objects.create(organisation=org, departement=dep, visibility=Visibility.MEMBERS)
        directory_services.refresh_search_text(profile)

    public_body("Parquet du tribunal judiciaire de Paris", "Parquet de Paris", OrganisationType.PROSECUTOR, "75")
    public_body("Parquet du tribunal judiciaire de Lyon", "Parquet de Lyon", OrganisationType.PROSECUTOR, "69")
    public_body("Brigade de protection des mineurs de Paris", "BPM 75", OrganisationType.POLICE, "75")
    public_body("CRIP des Bouches-du-Rhône", "CRIP 13", OrganisationType.CHILD_PROTECTION, "13")
    public_body("CRIP de la Seine-Saint-Denis", "CRIP 93", OrganisationType.CHILD_PROTECTION, "93")
    child = make_case(minor=True, exploitation_departement="93")

    def search(text, service=""):
        return names(
            selectors.suggest_recipients(user=sender, organisation=sender_org, case=child, service=service, text=text)
        )

    assert search("Parquet")[0] == "Parquet du tribunal judiciaire de Paris"
    assert search("BPM") == search("Brigade") == ["Brigade de protection des mineurs de Paris"]
    assert search("CRIP")[0] == "CRIP de la Seine-Saint-Denis"
    # Without a name, the transmission reaches the bodies the law names (no « accepts referrals » needed).
    assert search("", "information_preoccupante")[0] == "CRIP de la Seine-Saint-Denis"
    assert search("", "report_prosecutor") == [
        "Parquet du tribunal judiciaire de Paris",
        "Parquet du tribunal judiciaire de Lyon",
    ]


def test_a_transmission_to_a_body_that_does_not_receive_it_is_refused_and_nothing_is_written(refer, recipient_org):
    """Bad input (issue 10): a report to the prosecutor sent to an association."""
    from django.core.exceptions import ValidationError

    from maillage.referrals.models import Referral

    with pytest.raises(ValidationError) as exc:
        refer(recipient=recipient_org, service="report_prosecutor")
    message = " ".join(exc.value.message_dict["recipient"])
    assert "« Signalement au procureur de la République » s'adresse à : Parquet" in message
    assert "Code de procédure pénale art. 40" in message
    assert not Referral.objects.exists()
    parquet = OrganisationFactory(type=OrganisationType.PROSECUTOR, name="Parquet de Créteil")
    assert refer(recipient=parquet, service="report_prosecutor").status == "sent"
