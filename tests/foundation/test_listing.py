"""maillage/core/listing.py: counts that stop at a cap, labels per language (issue 17)."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from maillage.cases.enums import CaseStatus
from maillage.core.listing import AtLeast, CappedPaginator, capped_count, capped_counts, choice_labels

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_counts_are_exact_below_the_cap_and_marked_above_it():
    UserFactory.create_batch(5, is_staff=True)
    UserFactory.create_batch(2, is_staff=False)
    users = get_user_model().objects.all()
    counts = capped_counts(
        {"staff": users.filter(is_staff=True), "others": users.filter(is_staff=False), "none": users.none()}, cap=3
    )
    assert counts == {"staff": 3, "others": 2, "none": 0}
    assert isinstance(counts["staff"], AtLeast)
    assert str(counts["staff"]) == "3+"
    assert str(counts["others"]) == "2"
    assert capped_count(users.filter(pk__in=[]), cap=3) == 0


def test_a_capped_paginator_says_there_are_more_pages():
    UserFactory.create_batch(7)
    paginator = CappedPaginator(get_user_model().objects.order_by("pk"), 2)
    paginator.cap = 5
    assert str(paginator.count) == "5+"
    assert str(paginator.num_pages) == "3+"
    assert len(paginator.get_page(3).object_list) == 1


def test_choice_labels_follow_the_language():
    with translation.override("fr"):
        french = choice_labels(CaseStatus)
        assert french[CaseStatus.REPORTED] == str(CaseStatus.REPORTED.label)
    with translation.override("en"):
        english = choice_labels(CaseStatus)
    assert set(french) == set(CaseStatus.values)
    assert french != english
