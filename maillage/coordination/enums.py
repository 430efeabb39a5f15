from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    PAUSED = "paused", _("En pause")
    CLOSED = "closed", _("Clos")


class GroupVisibility(models.TextChoices):
    MEMBERS = "members", _("Membres du groupe seulement")
    NETWORK = "network", _("Tout le réseau")


class GroupFocus(models.TextChoices):
    GENERAL = "general", _("Toutes formes d'exploitation")
    MINORS = "minors", _("Mineurs")
    SEXUAL = "sexual", _("Exploitation sexuelle")
    LABOUR = "labour", _("Exploitation par le travail")
    CRIMINAL = "criminal", _("Contrainte à commettre des délits")
    INTERNATIONAL = "international", _("Coopération internationale")


class GroupRole(models.TextChoices):
    PILOT = "pilot", _("Pilote")
    MEMBER = "member", _("Membre")
    OBSERVER = "observer", _("Observateur·rice")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("En présentiel")
    ONLINE = "online", _("En visioconférence")
    HYBRID = "hybrid", _("Hybride")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmée")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


class MinutesStatus(models.TextChoices):
    NONE = "none", _("Pas de compte rendu")
    DRAFT = "draft", _("Projet de compte rendu")
    CIRCULATED = "circulated", _("Compte rendu en relecture")
    APPROVED = "approved", _("Compte rendu approuvé")


class InvitationResponse(models.TextChoices):
    NEEDS_ACTION = "needs_action", _("Sans réponse")
    ACCEPTED = "accepted", _("Accepte")
    DECLINED = "declined", _("Décline")
    TENTATIVE = "tentative", _("Peut-être")


# RFC 5545 PARTSTAT values of each response.
PARTSTAT = {
    InvitationResponse.NEEDS_ACTION: "NEEDS-ACTION",
    InvitationResponse.ACCEPTED: "ACCEPTED",
    InvitationResponse.DECLINED: "DECLINED",
    InvitationResponse.TENTATIVE: "TENTATIVE",
}


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("En vigueur")
    IMPLEMENTED = "implemented", _("Mise en œuvre")
    ABANDONED = "abandoned", _("Abandonnée")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Abandonnée")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class LetterDirection(models.TextChoices):
    INCOMING = "incoming", _("Courrier reçu")
    OUTGOING = "outgoing", _("Courrier envoyé")


class LetterStatus(models.TextChoices):
    RECEIVED = "received", _("Reçu")
    ASSIGNED = "assigned", _("Attribué")
    IN_PROGRESS = "in_progress", _("En cours de traitement")
    ANSWERED = "answered", _("Répondu")
    CLOSED = "closed", _("Clos")


AWAITING_REPLY_STATUSES = (LetterStatus.RECEIVED, LetterStatus.ASSIGNED, LetterStatus.IN_PROGRESS)


class DossierKind(models.TextChoices):
    NATIONAL_CAUSE = "national_cause", _("Label « grande cause nationale »")
    LEGISLATIVE = "legislative", _("Proposition législative")
    FUNDING_CALL = "funding_call", _("Appel à financement")
    OTHER = "other", _("Autre")


class DossierStatus(models.TextChoices):
    PREPARING = "preparing", _("En préparation")
    SUBMITTED = "submitted", _("Déposé")
    SUCCEEDED = "succeeded", _("Obtenu")
    FAILED = "failed", _("Refusé")
    ABANDONED = "abandoned", _("Abandonné")


# Checklist of a « grande cause nationale » application. The label is granted
# each year by the Prime Minister after a call for applications; the file is
# examined by the Service d'information du Gouvernement (SIG) and an
# interministerial commission. Data, not code: a new step is one more row.
NATIONAL_CAUSE_STEPS = [
    _("Appel à candidatures du Premier ministre"),
    _("Dossier : présentation de la cause"),
    _("Dossier : description de la campagne"),
    _("Dossier : budget prévisionnel"),
    _("Dossier : statuts et activités des associations"),
    _("Dossier : derniers comptes approuvés"),
    _("Dépôt auprès du Service d'information du Gouvernement (SIG)"),
    _("Avis de la commission interministérielle"),
    _("Décision"),
]


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", _("En attente de choix")
    BOOKED = "booked", _("Rendez-vous fixé")
    CANCELLED = "cancelled", _("Annulé")


class AuditAction(StrEnum):
    """Journal actions of coordination (the values are stored: never rename one)."""

    GROUP_CREATED = "coordination.group_created"
    GROUP_UPDATED = "coordination.group_updated"
    GROUP_MEMBER_ADDED = "coordination.group_member_added"
    GROUP_MEMBER_REMOVED = "coordination.group_member_removed"
    DOCUMENT_ADDED = "coordination.document_added"
    MEETING_SCHEDULED = "coordination.meeting_scheduled"
    MEETING_UPDATED = "coordination.meeting_updated"
    MEETING_CANCELLED = "coordination.meeting_cancelled"
    AGENDA_ITEM_ADDED = "coordination.agenda_item_added"
    INVITATION_SENT = "coordination.meeting_invitation_sent"
    MEETING_RESPONSE = "coordination.meeting_response"
    GUEST_INVITED = "coordination.guest_invited"
    GUEST_INVITATION_RESENT = "coordination.guest_invitation_resent"
    GUEST_REMOVED = "coordination.guest_removed"
    GUEST_RESPONSE = "coordination.guest_response"
    ATTENDANCE_RECORDED = "coordination.attendance_recorded"
    MINUTES_DRAFTED = "coordination.minutes_drafted"
    MINUTES_EDITED = "coordination.minutes_edited"
    MINUTES_APPROVED = "coordination.minutes_approved"
    MINUTES_CIRCULATED = "coordination.minutes_circulated"
    MINUTES_REMARK = "coordination.minutes_remark"
    MINUTES_PDF = "coordination.minutes_pdf"
    MEETING_HELD = "coordination.meeting_held"
    DECISION_RECORDED = "coordination.decision_recorded"
    DECISION_UPDATED = "coordination.decision_updated"
    DECISION_FORWARDED = "coordination.decision_forwarded"
    DECISION_FORWARDED_MEASURE_DELETED = "coordination.decision_forwarded_measure_deleted"
    ACTION_CREATED = "coordination.action_created"
    ACTION_STATUS = "coordination.action_status"
    FEED_ISSUED = "coordination.feed_issued"
    FEED_REVOKED = "coordination.feed_revoked"
    LETTER_REGISTERED = "coordination.letter_registered"
    LETTER_UPDATED = "coordination.letter_updated"
    DOSSIER_CREATED = "coordination.dossier_created"
    DOSSIER_STEP_ADDED = "coordination.dossier_step_added"
    DOSSIER_STEP_UPDATED = "coordination.dossier_step_updated"
    DOSSIER_STATUS = "coordination.dossier_status"
    DOSSIER_MEETING_LINKED = "coordination.dossier_meeting_linked"
    APPOINTMENT_PROPOSED = "coordination.appointment_proposed"
    APPOINTMENT_BOOKED = "coordination.appointment_booked"
    DIGEST_PREFERENCE = "coordination.digest_preference"
