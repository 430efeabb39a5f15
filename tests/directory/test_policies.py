"""Three levels of visibility: public, network members, hidden (confidential
address of an Ac.Sé partner shelter)."""

import pytest

from maillage.directory import policies, viewers
from maillage.directory.models import Profile

pytestmark = pytest.mark.django_db


def groups(user, org):
    viewer = viewers.viewer_for(user)
    return viewer, Profile.objects.get(organisation=org)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "plain_member", "org_admin", "coordinator", "superuser"])
def test_confidential_shelter_address_hidden_from_everyone_else(directory, request, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    viewer, profile = groups(user, directory["shelter"])
    assert not policies.can_see_street_address(viewer, profile)


def test_acse_coordination_and_shelter_itself_see_confidential_address(directory, acse_member, shelter_member):
    for user in (acse_member, shelter_member):
        viewer, profile = groups(user, directory["shelter"])
        assert viewers.CONFIDENTIAL in viewers.field_groups(viewer, profile)
        assert policies.can_see_street_address(viewer, profile)


def test_anonymous_sees_public_group_only(directory):
    viewer, profile = groups(None, directory["paris"])
    assert viewers.field_groups(viewer, profile) == {viewers.PUBLIC}
    assert not policies.can_see_street_address(viewer, profile)


@pytest.mark.parametrize("who", ["outsider", "plain_member", "case_worker", "org_admin", "coordinator"])
def test_members_see_members_group_and_ordinary_address(directory, request, who):
    viewer, profile = groups(request.getfixturevalue(who), directory["paris"])
    assert viewers.MEMBERS in viewers.field_groups(viewer, profile)
    assert policies.can_see_street_address(viewer, profile)


def test_signed_in_user_without_membership_is_like_anonymous(directory, django_user_model):
    from tests.factories import UserFactory

    viewer = viewers.viewer_for(UserFactory())
    assert not viewer.is_member
    assert not policies.profiles_visible_to(viewer).filter(organisation=directory["marseille"]).exists()


def test_hidden_profile_visible_to_its_own_organisation_only(directory, member, outsider, coordinator):
    own = member(organisation=directory["hidden"]).user
    assert policies.profiles_visible_to(viewers.viewer_for(own)).filter(organisation=directory["hidden"]).exists()
    for user in (outsider, coordinator, None):
        assert (
            not policies.profiles_visible_to(viewers.viewer_for(user))
            .filter(organisation=directory["hidden"])
            .exists()
        )


def test_only_own_admins_edit_and_only_coordinators_import(
    directory, org_admin, case_worker, outsider, coordinator, superuser
):
    paris = directory["paris"]
    assert policies.can_edit_profile(viewers.viewer_for(org_admin), paris)
    for user in (case_worker, outsider, coordinator, superuser, None):
        assert not policies.can_edit_profile(viewers.viewer_for(user), paris)
    assert policies.can_import(viewers.viewer_for(coordinator))
    for user in (org_admin, case_worker, outsider, superuser, None):
        assert not policies.can_import(viewers.viewer_for(user))
