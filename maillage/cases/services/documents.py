"""Documents of a case: PDF, JPEG and PNG only, checked by their magic bytes,
stored under a random name outside the web root, read only through the
audited `selectors.open_document`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor

from .. import deadlines, policies
from ..enums import AuditAction, DocumentType, EventKind
from ..models import Case, Document
from .common import audit_case, delete_file, record_event, require


def check_upload(upload) -> str:
    """Size, declared type and magic bytes; returns the content type."""
    if upload is None:
        raise ValidationError({"file": _("Choisissez un fichier.")})
    if upload.size > deadlines.document_max_bytes():
        raise ValidationError(
            {
                "file": _("Le fichier dépasse la taille maximale de %(mb)s Mo.")
                % {"mb": deadlines.document_max_bytes() // (1024 * 1024)}
            }
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    expected = deadlines.DOCUMENT_TYPES.get(content_type)
    head = upload.read(8)
    upload.seek(0)
    if expected is None or not head.startswith(expected[1]):
        raise ValidationError({"file": _("Type de fichier non accepté : seuls les PDF, JPEG et PNG sont acceptés.")})
    return content_type


@transaction.atomic(durable=True)
def add_document(*, case: Case, acting_user, doc_type: str, upload) -> Document:
    require(policies.can_edit(as_actor(acting_user), case))
    if doc_type not in DocumentType.values:
        raise ValidationError({"doc_type": _("Type de document inconnu.")})
    content_type = check_upload(upload)
    document = Document(
        case=case,
        doc_type=doc_type,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    # Default storage is PRIVATE_MEDIA_ROOT, outside the web root; the file is
    # only served by the permission-checked download view.
    document.file.save(f"{case.pk}", upload, save=False)
    try:
        document.save()
        record_event(
            case,
            acting_user,
            EventKind.DOCUMENT,
            _("Document ajouté : %(t)s") % {"t": document.get_doc_type_display()},
        )
        audit_case(AuditAction.DOCUMENT_ADDED, acting_user, case, details={"type": doc_type, "size": upload.size})
    except Exception:
        delete_file(document.file.name)  # nothing partly saved
        raise
    return document
