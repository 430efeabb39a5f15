"""Identity fields encrypted at rest, blind indexes, key rotation, clean logs."""

import io
import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import RequestFactory

from maillage.core import encryption
from maillage.core.encryption import EncryptedTextField, LookupHashField, lookup_hash
from maillage.core.logging import ScrubPersonalDataFilter
from maillage.core.models import AuditEvent

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def secret_note(settings):
    """A throwaway model with an encrypted field and its lookup hash.

    Its table is created inside the test's transaction (rolled back after)
    and the model is unregistered at the end, so nothing leaks to other tests."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    meta = type("Meta", (), {"app_label": "core", "db_table": "test_foundation_secret_note"})
    model = type(
        "FoundationSecretNote",
        (models.Model,),
        {
            "__module__": __name__,
            "Meta": meta,
            "label": models.CharField(max_length=20, default=""),
            "name": EncryptedTextField(blank=True),
            "name_hash": LookupHashField(source="name", purpose="test.note.name"),
        },
    )
    try:
        # Not used as a context manager: SQLite refuses that inside the test's
        # transaction. The index of the hash column is deferred SQL, run by hand.
        editor = connection.schema_editor()
        editor.deferred_sql = []
        editor.create_model(model)
        for statement in editor.deferred_sql:
            editor.execute(statement)
        yield model
    finally:
        del apps.all_models["core"]["foundationsecretnote"]
        apps.clear_cache()


def _raw(model, pk, column="name"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_round_trip_and_ciphertext_at_rest(secret_note):
    note = secret_note.objects.create(label="a", name="Élodie Dupont")
    assert secret_note.objects.get(pk=note.pk).name == "Élodie Dupont"
    raw = _raw(secret_note, note.pk)
    assert raw.startswith(encryption.TOKEN_PREFIX)
    assert "Dupont" not in raw
    assert Fernet(KEY_A.encode()).decrypt(raw.encode()).decode() == "Élodie Dupont"


def test_empty_values_stay_empty(secret_note):
    note = secret_note.objects.create(label="vide", name="")
    assert _raw(secret_note, note.pk) == ""
    assert note.name_hash == ""


def test_filtering_an_encrypted_field_raises(secret_note):
    with pytest.raises(TypeError, match="lookup hash"):
        secret_note.objects.filter(name="Élodie Dupont")
    with pytest.raises(TypeError):
        secret_note.objects.filter(name__icontains="dup")
    assert secret_note.objects.filter(name__isnull=True).count() == 0


def test_the_lookup_hash_finds_spelling_variants(secret_note):
    secret_note.objects.create(label="a", name="  Élodie  DUPONT ")
    wanted = lookup_hash("elodie dupont", purpose="test.note.name")
    assert secret_note.objects.filter(name_hash=wanted).count() == 1


@pytest.mark.parametrize(
    "variant", ["elodie dupont", "ÉLODIE DUPONT", "  Élodie   Dupont  ", "Elodie-Dupont", "élodie dupont"]
)
def test_lookup_hash_normalisation(variant):
    assert lookup_hash(variant, purpose="p") == lookup_hash("Élodie Dupont", purpose="p")


def test_lookup_hash_differs_by_purpose_and_key(settings):
    assert lookup_hash("Dupont", purpose="case.name") != lookup_hash("Dupont", purpose="case.phone")
    before = lookup_hash("Dupont", purpose="case.name")
    settings.LOOKUP_HASH_KEY = "another-key"
    assert lookup_hash("Dupont", purpose="case.name") != before
    assert lookup_hash("", purpose="p") == "" and lookup_hash(None, purpose="p") == ""


def test_rotate_token_reencrypts_with_the_newest_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    token = encryption.encrypt_str("Dupont")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert encryption.decrypt_str(token) == "Dupont"  # old tokens still read
    rotated = encryption.rotate_token(token)
    assert Fernet(KEY_B.encode()).decrypt(rotated.encode()) == b"Dupont"
    with pytest.raises(InvalidToken):
        Fernet(KEY_A.encode()).decrypt(rotated.encode())
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert encryption.decrypt_str(rotated) == "Dupont"
    with pytest.raises(encryption.DecryptionError) as excinfo:
        encryption.decrypt_str(token)
    assert "Dupont" not in str(excinfo.value) and token not in str(excinfo.value)


def test_rotation_command_reencrypts_rows_and_recomputes_hashes(secret_note, settings):
    notes = [secret_note.objects.create(label=str(i), name=f"Personne {i}") for i in range(5)]
    old_hash = notes[0].name_hash
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    settings.LOOKUP_HASH_KEY = "new-lookup-key"
    out = io.StringIO()
    with pytest.raises(CommandError, match="still under an old key"):
        call_command("rotate_encryption_keys", "--check", stdout=out)
    assert "FoundationSecretNote: 5 rows under an old key" in out.getvalue()
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
    assert "FoundationSecretNote: 5 rows" in out.getvalue()
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--check", stdout=out)
    assert "Every row and file is under the newest keys" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key can now be dropped
    for note in notes:
        raw = _raw(secret_note, note.pk)
        assert Fernet(KEY_B.encode()).decrypt(raw.encode()).decode() == note.name
        assert secret_note.objects.get(pk=note.pk).name == note.name
    refreshed = secret_note.objects.get(pk=notes[0].pk)
    assert refreshed.name_hash != old_hash
    assert refreshed.name_hash == lookup_hash("Personne 0", purpose="test.note.name")
    event = AuditEvent.objects.get(action="security.keys_rotated")
    assert event.details["rows"] >= 5
    assert event.origin == "command"
    # Resumable and idempotent: a second run reads every row and writes none.
    raw_before = _raw(secret_note, notes[1].pk)
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "FoundationSecretNote: 0 rows" in out.getvalue()
    assert _raw(secret_note, notes[1].pk) == raw_before
    assert secret_note.objects.get(pk=notes[1].pk).name == "Personne 1"


def test_an_interrupted_rotation_resumes_where_it_stopped(secret_note, settings):
    notes = [secret_note.objects.create(label=str(i), name=f"Personne {i}") for i in range(6)]
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    # As if a first run had done the first half before being stopped.
    for note in notes[:3]:
        secret_note.objects.filter(pk=note.pk).update(name=note.name)
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
    assert "FoundationSecretNote: 3 rows" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert [n.name for n in secret_note.objects.order_by("pk")] == [f"Personne {i}" for i in range(6)]


def test_rotation_command_runs_on_the_real_models():
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Done" in out.getvalue()


def test_empty_key_list_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        encryption.encrypt_str("x")


def test_log_records_lose_the_request_and_its_post_data():
    request = RequestFactory().post("/dossiers/nouveau/", {"last_name": "Dupont", "first_name": "Élodie"})
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (request.path,), None
    )
    record.request = request
    record.status_code = 500
    assert ScrubPersonalDataFilter().filter(record) is True
    assert record.request is None
    assert "Dupont" not in record.getMessage()


def test_configured_logging_scrubs_django_request_errors(caplog):
    logger = logging.getLogger("django.request")
    handler_filters = [f for h in logger.handlers for f in h.filters]
    assert any(isinstance(f, ScrubPersonalDataFilter) for f in handler_filters)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubPersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(message)s %(request)s"))
    logger.addHandler(handler)
    try:
        request = RequestFactory().post("/dossiers/nouveau/", {"last_name": "Dupont"})
        logger.error("Internal Server Error: %s", request.path, extra={"request": request, "status_code": 500})
    finally:
        logger.removeHandler(handler)
    assert "Dupont" not in stream.getvalue()
    assert "None" in stream.getvalue()


def test_rotation_prints_its_progress_on_long_runs(secret_note, settings, monkeypatch):
    from itertools import count

    from maillage.core.management.commands import rotate_encryption_keys

    for i in range(4):
        secret_note.objects.create(label=str(i), name=f"Personne {i}")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    clock = count(step=11)  # every batch looks 11 s long
    monkeypatch.setattr(rotate_encryption_keys.time, "monotonic", lambda: next(clock))
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
    assert "FoundationSecretNote: 2/4 rows read, 2 rewritten" in out.getvalue()
