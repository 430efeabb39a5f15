import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.core.models import AuditEvent
from maillage.directory import services
from maillage.directory.models import Profile

pytestmark = pytest.mark.django_db


def test_admin_updates_profile_and_audit_lists_changed_fields(directory, org_admin):
    paris = directory["paris"]
    services.update_profile(
        organisation=paris,
        data={"commune": "Paris 18e", "languages": ["fr", "en"], "capacity_places": 3},
        acting_user=org_admin,
    )
    profile = Profile.objects.get(organisation=paris)
    assert profile.commune == "Paris 18e"
    assert sorted(lang.code for lang in profile.languages.all()) == ["en", "fr"]
    assert " 18e " in profile.search_text or " paris " in profile.search_text
    event = AuditEvent.objects.get(action="directory.profile_updated")
    assert event.details["fields"] == ["commune", "languages"]
    assert event.actor == org_admin
    assert "Paris 18e" not in str(event.details)


def test_invalid_codes_are_refused_in_french(directory, org_admin):
    with pytest.raises(ValidationError) as exc:
        services.update_profile(
            organisation=directory["paris"], data={"languages": ["xx"], "departements": ["999"]}, acting_user=org_admin
        )
    assert "Langue inconnue" in str(exc.value)
    assert "Département inconnu" in str(exc.value)


@pytest.mark.parametrize("who", ["case_worker", "plain_member", "outsider", "coordinator"])
def test_non_admins_cannot_update(directory, request, who):
    with pytest.raises(PermissionDenied):
        services.update_profile(
            organisation=directory["paris"], data={"commune": "X"}, acting_user=request.getfixturevalue(who)
        )
    assert not AuditEvent.objects.filter(action="directory.profile_updated").exists()


def test_verify_resets_staleness(directory, org_admin):
    profile = Profile.objects.get(organisation=directory["paris"])
    assert profile.is_stale
    services.verify_profile(organisation=directory["paris"], acting_user=org_admin)
    profile.refresh_from_db()
    assert not profile.is_stale
    assert AuditEvent.objects.filter(action="directory.profile_verified").count() == 1


def test_stale_profile_admins_are_reminded_once_a_month(directory, org_admin, case_worker):
    from django.core.management import call_command

    from maillage.notifications.models import Notification

    sent = services.remind_stale_profiles()
    assert Notification.objects.filter(recipient=org_admin).count() == 1
    assert not Notification.objects.filter(recipient=case_worker).exists()
    assert sent >= 1
    call_command("directory_remind_stale", stdout=__import__("io").StringIO())
    assert Notification.objects.filter(recipient=org_admin).count() == 1
    services.verify_profile(organisation=directory["paris"], acting_user=org_admin)
    Notification.objects.all().delete()
    services.remind_stale_profiles()
    assert not Notification.objects.filter(recipient=org_admin).exists()
