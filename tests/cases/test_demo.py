from io import StringIO

import pytest
from django.core.management import call_command

from maillage.cases.models import Case, Person
from maillage.identification.models import Screening

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_realistic_fictional_cases(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    total = Case.objects.count()
    assert 280 <= total <= 320
    sexual = (
        Case.objects.filter(exploitation_forms__has="PROX").count()
        + Case.objects.filter(exploitation_forms__has="SEX").count()
    )
    assert sexual > total / 2
    minors = Case.objects.filter(treated_as_minor=True).count()
    assert total / 10 < minors < total / 4
    assert Case.objects.values("nationalities").distinct().count() > 15
    assert Screening.objects.count() > 50
    assert Person.objects.count() == total
    # Idempotent.
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert Case.objects.count() == total


def test_seed_demo_attaches_encrypted_documents_through_the_service(tmp_path, settings):
    """Issue 16: demo cases carry uploaded documents, stored encrypted (the
    bytes on disk are ciphertext, read back they are the PDF or PNG), each
    with its audit row; seeding again adds none."""
    from django.core.files.storage import default_storage

    from maillage.cases.models import Document
    from maillage.core import filecrypt
    from maillage.core.models import AuditEvent

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    documents = list(Document.objects.all())
    assert len(documents) >= 6
    assert {d.content_type for d in documents} == {"application/pdf", "image/png"}
    for document in documents:
        with open(default_storage.path(document.file.name), "rb") as raw:
            assert filecrypt.is_encrypted(raw.read(16))
        with default_storage.open(document.file.name) as handle:
            plain = handle.read()
        assert plain[:4] in (b"%PDF", b"\x89PNG")
        assert len(plain) == document.size
    assert AuditEvent.objects.filter(action="case.document_added").count() == len(documents)
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert Document.objects.count() == len(documents)
