"""Documents shared in a working group or filed in an advocacy dossier (PDF only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core import audit

from .. import policies
from ..enums import AuditAction
from ..models import GroupDocument
from .common import require, validate_pdf


@transaction.atomic(durable=True)
def add_document(*, acting_user, title: str, upload, group=None, dossier=None) -> GroupDocument:
    if group is not None:
        require(policies.can_share_documents(acting_user, group))
    else:
        require(policies.can_manage_dossier(acting_user, dossier))
    if upload is None:
        raise ValidationError({"attachment": _("Choisissez un fichier PDF.")})
    validate_pdf(upload)
    document = GroupDocument(group=group, dossier=dossier, title=title, uploaded_by=acting_user)
    document.file.save("document.pdf", upload, save=False)
    document.save()
    audit.record(action=AuditAction.DOCUMENT_ADDED, actor=acting_user, target=document)
    return document
