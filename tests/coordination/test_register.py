import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from maillage.coordination import policies, selectors, services
from maillage.coordination.enums import LetterDirection, LetterStatus
from maillage.coordination.models import Letter

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _letter(user, org, **kwargs):
    defaults = {
        "direction": LetterDirection.INCOMING,
        "letter_date": dt.date(2013, 5, 7),
        "received_on": dt.date(2013, 5, 10),
        "subject": "Courrier du collectif",
        "sender_organisation": org,
    }
    return services.register_letter(acting_user=user, **{**defaults, **kwargs})


def test_numbers_are_chronological_per_year(coordinator, organisation):
    first = _letter(coordinator, organisation)
    second = _letter(coordinator, organisation)
    next_year = _letter(coordinator, organisation, letter_date=dt.date(2014, 1, 2), received_on=dt.date(2014, 1, 3))
    assert (first.reference, second.reference, next_year.reference) == ("2013-0001", "2013-0002", "2014-0001")


def test_two_letters_registered_one_after_the_other_get_different_numbers(coordinator, organisation):
    numbers = {_letter(coordinator, organisation).number for _ in range(5)}
    assert numbers == {1, 2, 3, 4, 5}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_letters_registered_at_once_get_different_numbers(coordinator, organisation):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    barrier = threading.Barrier(2)
    errors = []

    def register():
        try:
            barrier.wait()
            _letter(coordinator, organisation)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(Letter.objects.values_list("number", flat=True)) == [1, 2]


def test_default_reply_deadline_is_configurable(coordinator, organisation, settings):
    assert _letter(coordinator, organisation).reply_due_on == dt.date(2013, 6, 9)
    settings.COORDINATION_LETTER_REPLY_DAYS = 15
    assert _letter(coordinator, organisation).reply_due_on == dt.date(2013, 5, 25)


def test_pdf_attachment_is_stored(coordinator, organisation):
    letter = _letter(
        coordinator, organisation, attachment=SimpleUploadedFile("lettre.pdf", PDF, content_type="application/pdf")
    )
    assert letter.attachment.name.startswith("courrier/2013/")
    with letter.attachment.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"MZ\x90\x00 executable", "application/pdf"), (PDF, "image/png"), (b"<html>", "text/html")],
)
def test_non_pdf_is_refused_and_nothing_written(coordinator, organisation, content, content_type):
    with pytest.raises(ValidationError) as exc:
        _letter(
            coordinator, organisation, attachment=SimpleUploadedFile("lettre.pdf", content, content_type=content_type)
        )
    assert "n'est pas un PDF" in str(exc.value)
    assert not Letter.objects.exists()


def test_too_large_pdf_is_refused(coordinator, organisation, settings):
    settings.COORDINATION_MAX_PDF_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        _letter(
            coordinator,
            organisation,
            attachment=SimpleUploadedFile("lettre.pdf", PDF + b"0" * 200, content_type="application/pdf"),
        )
    assert "taille maximale" in str(exc.value)
    assert not Letter.objects.exists()


def test_reply_marks_the_original_answered(coordinator, coordination, organisation):
    incoming = _letter(coordinator, organisation)
    reply = _letter(
        coordinator,
        organisation,
        direction=LetterDirection.OUTGOING,
        sender_organisation=coordination,
        recipient_organisation=organisation,
        in_reply_to=incoming,
        letter_date=dt.date(2013, 5, 24),
        received_on=dt.date(2013, 5, 24),
        expects_reply=False,
    )
    incoming.refresh_from_db()
    assert incoming.status == LetterStatus.ANSWERED
    assert list(incoming.replies.all()) == [reply]


def test_status_transitions(coordinator, organisation):
    letter = _letter(coordinator, organisation)
    services.update_letter(letter=letter, acting_user=coordinator, assignee=coordinator)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ASSIGNED
    services.update_letter(letter=letter, acting_user=coordinator, status=LetterStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.update_letter(letter=letter, acting_user=coordinator, status=LetterStatus.RECEIVED)


def test_partners_see_only_their_letters_and_cannot_register(
    coordinator, organisation, other_organisation, plain_member
):
    mine = _letter(coordinator, organisation)
    _letter(coordinator, other_organisation)
    assert list(policies.letters_visible_to(plain_member)) == [mine]
    with pytest.raises(PermissionDenied):
        _letter(plain_member, organisation)


def test_search_and_overdue(coordinator, organisation, other_organisation):
    a = _letter(coordinator, organisation, subject="Groupe de travail mineurs")
    _letter(coordinator, other_organisation, subject="Grande cause nationale", received_on=dt.date(2013, 8, 1))
    assert list(selectors.search_letters(coordinator, words="mineurs")) == [a]
    assert list(selectors.search_letters(coordinator, organisation_id=organisation.pk)) == [a]
    assert list(selectors.search_letters(coordinator, start=dt.date(2013, 5, 1), end=dt.date(2013, 5, 31))) == [a]
    assert selectors.search_letters(coordinator, status=LetterStatus.RECEIVED).count() == 2
    assert selectors.overdue_letters(coordinator, today=dt.date(2013, 6, 20)).count() == 1


def test_the_form_states_the_default_reply_delay_in_force(client, login, coordinator, settings):
    """The reply deadline's default is configurable: the form says the one in force, not a fixed 30 days."""
    login(client, coordinator)
    assert "Par défaut, 30 jours après la réception." in client.get("/coordination/courrier/nouveau/").content.decode()
    settings.COORDINATION_LETTER_REPLY_DAYS = 15
    assert "Par défaut, 15 jours après la réception." in client.get("/coordination/courrier/nouveau/").content.decode()
