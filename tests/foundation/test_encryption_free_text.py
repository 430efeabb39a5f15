"""Every free-text column of the case and referral domains is encrypted at
rest (issue 16, item 3): a new CharField or TextField there fails this test
until it is either an EncryptedTextField or listed below with the reason it
cannot hold anything about a person."""

import pytest
from django.apps import apps
from django.db import connection, models

from maillage.cases.models import Task
from maillage.core.encryption import EncryptedTextField, LookupHashField, decrypt_str, encrypt_columns_in_place

DOMAINS = ("cases", "referrals")

# Columns that are codes, enums or text the code writes itself, never typed in.
NOT_FREE_TEXT = {
    # Pseudonymous reference allocated by the platform (TEH-2026-000123).
    "cases.Case.reference",
    # ISO 3166 country, INSEE département and ISO 639 language codes.
    "cases.Case.recruitment_country",
    "cases.Case.recruitment_departement",
    "cases.Case.exploitation_country",
    "cases.Case.exploitation_departement",
    # INSEE département code or « unknown », chosen from a list (never typed).
    "cases.Case.residence_departement",
    "cases.RightsInformation.language",
    "referrals.AnonymousNotification.sex",
    "referrals.AnonymousNotification.age_band",
    "referrals.AnonymousNotification.nationality",
    "referrals.AnonymousNotification.exploitation_departement",
    "referrals.AnonymousNotification.exploitation_country",
    "referrals.ReturnPlan.destination_country",
    # MIME type checked against deadlines.DOCUMENT_TYPES.
    "cases.Document.content_type",
    # « referrals.referral:12 »: the granting object, written by the code.
    "cases.CaseAccessGrant.source",
    # directory.Service.code.
    "referrals.Referral.service",
    # ReferralStatus values.
    "referrals.ReferralEvent.from_status",
    "referrals.ReferralEvent.to_status",
    # Timeline lines written by the services from labels, dates and
    # organisation names (services/common.record_event), never user text.
    "cases.CaseEvent.summary",
    "referrals.ReferralEvent.summary",
    # Legal source copied from the rules data (deadlines.MINOR_STEPS).
    "referrals.MinorStep.legal_source",
    # Who closed an Ac.Sé request (« coordination » or « referrer »), written by the code.
    "referrals.AcsePlacement.closed_by",
}


def _text_fields():
    for app in DOMAINS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField)):
                    yield f"{model._meta.label}.{field.name}", field


def test_every_free_text_column_is_encrypted():
    clear = [
        label
        for label, field in _text_fields()
        if not isinstance(field, (EncryptedTextField, LookupHashField))
        # Closed lists (choices) and code lists hold codes, not words.
        and not field.choices
        and type(field).__name__ != "CodeListField"
        and label not in NOT_FREE_TEXT
    ]
    assert clear == [], f"Free text stored in clear (encrypt it or justify it in NOT_FREE_TEXT): {clear}"


def test_the_allow_list_names_existing_clear_columns():
    fields = dict(_text_fields())
    stale = [label for label in NOT_FREE_TEXT if label not in fields or isinstance(fields[label], EncryptedTextField)]
    assert stale == []


def test_filtering_on_an_encrypted_column_fails_loudly_except_for_emptiness():
    assert "WHERE" in str(Task.objects.filter(title="").query)
    with pytest.raises(TypeError):
        Task.objects.filter(title="Appeler")
    with pytest.raises(TypeError):
        Task.objects.filter(title__icontains="Appeler")


@pytest.mark.django_db
def test_the_data_migration_encrypts_clear_values_once():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_clear_text (id integer PRIMARY KEY, a text, b text)")
        cursor.execute("INSERT INTO test_clear_text VALUES (1, 'Mme Okafor', ''), (2, '', 'appel')")
    try:
        assert encrypt_columns_in_place(connection, "test_clear_text", ["a", "b"], batch=1) == 2
        assert encrypt_columns_in_place(connection, "test_clear_text", ["a", "b"]) == 0  # idempotent
        with connection.cursor() as cursor:
            cursor.execute("SELECT a, b FROM test_clear_text ORDER BY id")
            rows = cursor.fetchall()
        assert decrypt_str(rows[0][0]) == "Mme Okafor" and rows[0][1] == ""
        assert rows[1][0] == "" and decrypt_str(rows[1][1]) == "appel"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE test_clear_text")
