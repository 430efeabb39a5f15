"""Factories of the coordination tests."""

import secrets

import factory

from maillage.coordination.models import MeetingGuest
from maillage.core.tokens import hash_token
from tests.factories import UserFactory


class MeetingGuestFactory(factory.django.DjangoModelFactory):
    """A guest written directly (no email): `MeetingGuestFactory(meeting=…,
    token="…")` stores the hash of a token the test knows."""

    class Meta:
        model = MeetingGuest

    class Params:
        token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"invite{n}@exterieur.example")
    organisation_name = "Autorité étrangère"
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    invited_by = factory.SubFactory(UserFactory)
