"""Working groups, meetings, decisions, actions, the correspondence register,
appointments and advocacy dossiers (issue 7, docs/domain/coordination.md).

No model here carries a victim's identity: letters and minutes are about
coordination, and the upload form says so.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    ActionStatus,
    AppointmentStatus,
    DecisionStatus,
    DossierKind,
    DossierStatus,
    GroupFocus,
    GroupRole,
    GroupStatus,
    GroupVisibility,
    InvitationResponse,
    LetterDirection,
    LetterStatus,
    MeetingMode,
    MeetingStatus,
    MinutesStatus,
)

USER = settings.AUTH_USER_MODEL
ORG = "organisations.Organisation"


class WorkingGroup(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    mandate = models.TextField(_("mandat"), blank=True)
    focus = models.CharField(_("thématique"), max_length=20, choices=GroupFocus.choices, default=GroupFocus.GENERAL)
    lead_organisation = models.ForeignKey(
        ORG, verbose_name=_("organisation cheffe de file"), on_delete=models.PROTECT, related_name="led_groups"
    )
    pilot = models.ForeignKey(
        USER, verbose_name=_("pilote"), null=True, blank=True, on_delete=models.PROTECT, related_name="piloted_groups"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("groupe parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subgroups",
    )
    status = models.CharField(_("statut"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=GroupVisibility.choices, default=GroupVisibility.MEMBERS
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="group_memberships")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("rôle"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="groupmember_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation}) — {self.get_role_display()}"


def _document_path(instance, filename):
    # Random names: the stored path reveals nothing of the original file name.
    return f"coordination/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class GroupDocument(models.Model):
    group = models.ForeignKey(WorkingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    dossier = models.ForeignKey(
        "AdvocacyDossier", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(upload_to=_document_path)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | Q(dossier__isnull=False), name="document_has_owner"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    group = models.ForeignKey(WorkingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("objet"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    mode = models.CharField(_("modalité"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    place = models.CharField(_("lieu"), max_length=250, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # RFC 5545: the UID identifies the event in every calendar, the SEQUENCE
    # tells calendars which version of it is the newest.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    minutes = models.TextField(_("compte rendu"), blank=True)
    minutes_status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.NONE)
    minutes_approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    # Minutes are circulated to the participants for remarks before approval
    # (issue 10): who drafted them, when they went out, until when remarks are taken.
    minutes_drafted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    minutes_circulated_at = models.DateTimeField(null=True, blank=True)
    minutes_remarks_until = models.DateTimeField(_("remarques jusqu'au"), null=True, blank=True)
    held_at = models.DateTimeField(_("tenue le"), null=True, blank=True)
    attending_organisations = models.ManyToManyField(
        ORG, blank=True, related_name="+", verbose_name=_("organisations présentes")
    )
    organiser = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="organised_meetings")
    organiser_organisation = models.ForeignKey(ORG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(minutes_status=MinutesStatus.APPROVED) | Q(minutes_approved_at__isnull=False),
                name="meeting_approved_minutes_dated",
            ),
            models.CheckConstraint(
                condition=~Q(minutes_status__in=["circulated", "approved"])
                | Q(minutes_circulated_at__isnull=False, minutes_remarks_until__isnull=False)
                | Q(minutes_status="approved", minutes_circulated_at__isnull=True),
                name="meeting_circulated_minutes_have_delay",
            ),
            models.CheckConstraint(condition=~Q(status="held") | Q(held_at__isnull=False), name="meeting_held_dated"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD


class MinutesRemark(models.Model):
    """A participant's reading of circulated minutes: a remark, or an empty
    body for « no remark ». Kept after approval: what was said about the
    text is part of its history."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_remarks")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(ORG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("remarque"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Remarque {self.pk} ({self.meeting_id})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("point"), max_length=250)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    presenter = models.ForeignKey(
        USER, verbose_name=_("présenté par"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Free link to a plan measure or a dossier: the action plan lives in
    # another package (maillage/plans) that this one must not depend on.
    link_url = models.CharField(_("lien (mesure du plan, dossier)"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def safe_link_url(self) -> str:
        """The link, or "" when it is not one we render (see links.py)."""
        from .links import is_safe_link

        return self.link_url.strip() if is_safe_link(self.link_url) else ""


class MeetingInvitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="meeting_invitations")
    organisation = models.ForeignKey(ORG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    response = models.CharField(
        _("réponse"), max_length=15, choices=InvitationResponse.choices, default=InvitationResponse.NEEDS_ACTION
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("présent·e"), null=True)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetinginvitation_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.meeting}"

    # What ical.py writes as the ATTENDEE (shared with MeetingGuest).
    @property
    def attendee_email(self) -> str:
        return self.user.email

    @property
    def attendee_name(self) -> str:
        return self.user.get_full_name() or self.user.email


class MeetingGuest(models.Model):
    """A person without a Maillage account invited to a meeting: a foreign
    counterpart, an expert, a magistrate (issue 7). They receive the same
    calendar invitation as users and answer through a personal link; only the
    SHA-256 of its token is stored. Name and address are a professional's
    personal data, never a victim's; they are kept as long as the meeting.

    A removed guest keeps their row (removed_at set) so the link answers
    « invitation retirée » and the history stays true; re-inviting the same
    address creates a new row with a new link."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("nom"), max_length=200)
    # Stored lower-cased: one address is one guest per meeting.
    email = models.EmailField(_("adresse électronique"))
    organisation = models.ForeignKey(
        ORG,
        verbose_name=_("organisation (annuaire)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation_name = models.CharField(_("organisation (texte libre)"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    response = models.CharField(
        _("réponse"), max_length=15, choices=InvitationResponse.choices, default=InvitationResponse.NEEDS_ACTION
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("présent·e"), null=True)
    invited_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    # Each resend issues a new link (the old token cannot be recovered from
    # its hash) and gives the email a new idempotency key.
    resent_count = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=Q(removed_at__isnull=True),
                name="meetingguest_unique_active_email",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(organisation_name=""), name="meetingguest_one_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.meeting}"

    @property
    def attendee_email(self) -> str:
        return self.email

    @property
    def attendee_name(self) -> str:
        return self.name

    @property
    def organisation_label(self) -> str:
        return self.organisation.display_name if self.organisation_id else self.organisation_name


class Decision(models.Model):
    group = models.ForeignKey(WorkingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    statement = models.TextField(_("énoncé"))
    review_on = models.DateField(_("date de réexamen"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    # Extension point: when maillage/plans exists, forwarding a decision into
    # the action plan stores the reference of the proposed measure here
    # (services.forward_decision_to_plan).
    forwarded_to = models.CharField(_("transmise au plan d'action"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | Q(meeting__isnull=False), name="decision_has_origin"
            )
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class ActionItem(models.Model):
    group = models.ForeignKey(WorkingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner_user = models.ForeignKey(
        USER,
        verbose_name=_("responsable (personne)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_actions",
    )
    owner_organisation = models.ForeignKey(
        ORG,
        verbose_name=_("responsable (organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_actions",
    )
    due_on = models.DateField(_("échéance"))
    status = models.CharField(_("statut"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | Q(owner_organisation__isnull=False), name="action_has_owner"
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DONE) | Q(done_at__isnull=False), name="action_done_dated"
            ),
        ]
        indexes = [
            models.Index(fields=["owner_user", "status", "due_on"], name="action_owner_user_idx"),
            models.Index(fields=["owner_organisation", "status", "due_on"], name="action_owner_org_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status in ("open", "in_progress") and self.due_on < timezone.localdate()


class CalendarFeedToken(models.Model):
    """A private iCal feed URL. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="calendar_tokens")
    group = models.ForeignKey(WorkingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"feed #{self.pk}"


class LetterCounter(models.Model):
    """One row per year; locked with SELECT … FOR UPDATE to allocate numbers."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def _letter_path(instance, filename):
    return f"courrier/{instance.year}/{uuid.uuid4().hex}.pdf"


class AdvocacyDossier(models.Model):
    title = models.CharField(_("intitulé"), max_length=250)
    kind = models.CharField(_("type"), max_length=20, choices=DossierKind.choices)
    status = models.CharField(
        _("statut"), max_length=12, choices=DossierStatus.choices, default=DossierStatus.PREPARING
    )
    summary = models.TextField(_("présentation"), blank=True)
    lead_organisation = models.ForeignKey(
        ORG, verbose_name=_("organisation porteuse"), on_delete=models.PROTECT, related_name="+"
    )
    supporting_organisations = models.ManyToManyField(
        ORG, blank=True, related_name="+", verbose_name=_("organisations qui soutiennent")
    )
    meetings = models.ManyToManyField(Meeting, blank=True, related_name="dossiers")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier de plaidoyer")

    def __str__(self) -> str:
        return self.title


class DossierStep(models.Model):
    dossier = models.ForeignKey(AdvocacyDossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("étape"), max_length=250)
    due_on = models.DateField(_("date prévue"), null=True, blank=True)
    done_on = models.DateField(_("date de réalisation"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class Letter(models.Model):
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    direction = models.CharField(_("sens"), max_length=10, choices=LetterDirection.choices)
    letter_date = models.DateField(_("date du courrier"))
    received_on = models.DateField(_("date de réception ou d'envoi"))
    sender_organisation = models.ForeignKey(
        ORG,
        verbose_name=_("organisation expéditrice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_person = models.CharField(_("signataire"), max_length=200, blank=True)
    recipient_organisation = models.ForeignKey(
        ORG,
        verbose_name=_("organisation destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_person = models.CharField(_("destinataire"), max_length=200, blank=True)
    subject = models.CharField(_("objet"), max_length=300)
    summary = models.TextField(_("résumé"), blank=True)
    attachment = models.FileField(upload_to=_letter_path, blank=True)
    reply_due_on = models.DateField(_("réponse attendue avant le"), null=True, blank=True)
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("attribué à"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_letters",
    )
    status = models.CharField(_("statut"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.RECEIVED)
    in_reply_to = models.ForeignKey(
        "self", verbose_name=_("en réponse à"), null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
    )
    dossier = models.ForeignKey(
        AdvocacyDossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
    )
    plan_reference = models.CharField(_("mesure du plan (référence)"), max_length=120, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="letter_number_unique_per_year"),
            models.CheckConstraint(
                condition=Q(sender_organisation__isnull=False) | Q(recipient_organisation__isnull=False),
                name="letter_has_party",
            ),
        ]
        indexes = [models.Index(fields=["status", "reply_due_on"], name="letter_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    @property
    def reference(self) -> str:
        return f"{self.year}-{self.number:04d}"


class Appointment(models.Model):
    subject = models.CharField(_("objet"), max_length=250)
    message = models.TextField(_("message"), blank=True)
    proposer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposer_organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    target_organisation = models.ForeignKey(
        ORG, verbose_name=_("organisation invitée"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("modalité"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    place = models.CharField(_("lieu ou lien"), max_length=250, blank=True)
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.PENDING)
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="appointment"
    )
    booked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.BOOKED) | Q(meeting__isnull=False),
                name="appointment_booked_has_meeting",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class AppointmentSlot(models.Model):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"
