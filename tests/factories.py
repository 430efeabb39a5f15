"""Factories shared by every domain's tests."""

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from maillage.organisations.enums import OrganisationType, Role, TerritoryLevel
from maillage.organisations.models import Membership, Organisation

TEST_PASSWORD = "Un-mot-de-passe-solide-2026"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def with_totp(obj, create, extracted, **kwargs):
        obj.save()
        if extracted:
            TOTP.activate(obj, TEST_TOTP_SECRET)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association Exemple {n}")
    slug = factory.Sequence(lambda n: f"asso-exemple-{n}")
    type = OrganisationType.ASSOCIATION
    territory_level = TerritoryLevel.DEPARTEMENT
    departement = "75"
    region = "11"
    country = "FR"


class CoordinationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Coordination nationale {n}")
    slug = factory.Sequence(lambda n: f"coordination-{n}")
    type = OrganisationType.COORDINATION
    territory_level = TerritoryLevel.NATIONAL
    departement = ""
    region = ""


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, with_totp=True)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASE_WORKER
    is_admin = False


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
