"""What every coordination service shares: the refusal, the site address,
the PDF check and the delays configured in settings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor

# Configurable in settings; defaults documented in docs/domain/coordination.md.
DEFAULT_REPLY_DAYS = 30
DEFAULT_MAX_PDF_BYTES = 10 * 1024 * 1024
# Minutes go to the participants for remarks this many days before approval
# (issue 10; the « 8 jours » of common committee rules of procedure).
DEFAULT_MINUTES_REMARKS_DAYS = 8


def reply_delay_days() -> int:
    return int(getattr(settings, "COORDINATION_LETTER_REPLY_DAYS", DEFAULT_REPLY_DAYS))


def minutes_remarks_days() -> int:
    return int(getattr(settings, "COORDINATION_MINUTES_REMARKS_DAYS", DEFAULT_MINUTES_REMARKS_DAYS))


def max_pdf_bytes() -> int:
    return int(getattr(settings, "COORDINATION_MAX_PDF_BYTES", DEFAULT_MAX_PDF_BYTES))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def site_url(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def check_membership(user, organisation) -> None:
    """The person represents an organisation they actively belong to."""
    if not as_actor(user).is_member_of(organisation):
        raise ValidationError({"user": _("Cette personne n'est pas membre active de l'organisation indiquée.")})


def validate_pdf(upload) -> None:
    """Letters and documents are PDF only: checked by declared type *and* by
    the file's first bytes, so a renamed executable is refused."""
    if upload is None:
        return
    if upload.size > max_pdf_bytes():
        raise ValidationError(
            {
                "attachment": _("Le fichier dépasse la taille maximale de %(mo)s Mo.")
                % {"mo": max_pdf_bytes() // (1024 * 1024)}
            }
        )
    content_type = getattr(upload, "content_type", "") or ""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if content_type not in ("application/pdf", "application/x-pdf") or head != b"%PDF-":
        raise ValidationError({"attachment": _("Le fichier n'est pas un PDF. Seuls les documents PDF sont acceptés.")})
