"""Notes on a case: internal to the owner, or shareable with partners."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor

from .. import policies
from ..enums import AuditAction, EventKind, NoteVisibility
from ..models import Case, Note
from .common import audit_case, record_event, require, touch


@transaction.atomic(durable=True)
def add_note(*, case: Case, acting_user, text: str, visibility: str = NoteVisibility.INTERNAL) -> Note:
    require(policies.can_edit(as_actor(acting_user), case))
    if not (text or "").strip():
        raise ValidationError({"text": _("La note est vide.")})
    if visibility not in NoteVisibility.values:
        raise ValidationError({"visibility": _("Valeur inconnue.")})
    note = Note.objects.create(case=case, author=acting_user, text=text.strip(), visibility=visibility)
    record_event(case, acting_user, EventKind.NOTE, _("Note ajoutée (%(v)s)") % {"v": note.get_visibility_display()})
    audit_case(AuditAction.NOTE_ADDED, acting_user, case)
    touch(case)
    return note
