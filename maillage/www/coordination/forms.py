"""Forms of the coordination pages. Choice lists come from selectors (no
query is written here)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.coordination import selectors
from maillage.coordination.enums import (
    ActionStatus,
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
)
from maillage.coordination.ical import paris
from maillage.coordination.services import reply_delay_days
from maillage.organisations import selectors as organisations
from maillage.www.fields import ModelMultipleChoiceField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _orgs():
    return organisations.active_organisations()


def _people():
    return organisations.people_with_active_membership()


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.get_full_name() or obj.user.email} — {obj.organisation.display_name}"


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=200)
    mandate = forms.CharField(label=_("Mandat"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    focus = forms.ChoiceField(label=_("Thématique"), choices=GroupFocus.choices)
    visibility = forms.ChoiceField(
        label=_("Visibilité"),
        choices=GroupVisibility.choices,
        widget=forms.RadioSelect,
        initial=GroupVisibility.MEMBERS,
    )
    lead_organisation = forms.ModelChoiceField(label=_("Organisation cheffe de file"), queryset=None)
    pilot = forms.ModelChoiceField(
        label=_("Pilote"),
        queryset=None,
        required=False,
        help_text=_("Membre de l'organisation cheffe de file."),
    )
    parent = forms.ModelChoiceField(label=_("Sous-groupe de"), queryset=None, required=False)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = _orgs()
        self.fields["pilot"].queryset = _people()
        self.fields["parent"].queryset = parents


class GroupEditForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=200)
    mandate = forms.CharField(label=_("Mandat"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    focus = forms.ChoiceField(label=_("Thématique"), choices=GroupFocus.choices)
    status = forms.ChoiceField(label=_("Statut"), choices=GroupStatus.choices)
    visibility = forms.ChoiceField(label=_("Visibilité"), choices=GroupVisibility.choices, widget=forms.RadioSelect)
    pilot = forms.ModelChoiceField(
        label=_("Pilote"),
        queryset=None,
        required=False,
        help_text=_("Membre de l'organisation cheffe de file."),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = organisations.active_members_of(group.lead_organisation)


class GroupMemberForm(forms.Form):
    membership = MembershipChoiceField(label=_("Personne et organisation représentée"), queryset=None)
    role = forms.ChoiceField(label=_("Rôle dans le groupe"), choices=GroupRole.choices, initial=GroupRole.MEMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = organisations.all_active_memberships()


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    attachment = forms.FileField(
        label=_("Fichier PDF"),
        help_text=_("PDF uniquement, 10 Mo au plus. N'y faites figurer l'identité d'aucune victime."),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Objet"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Début (heure de Paris)"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Fin (heure de Paris)"), widget=DateTimeInput())
    mode = forms.ChoiceField(
        label=_("Modalité"), choices=MeetingMode.choices, widget=forms.RadioSelect, initial=MeetingMode.IN_PERSON
    )
    place = forms.CharField(label=_("Lieu"), max_length=250, required=False)
    video_url = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("La fin de la réunion doit être postérieure à son début."))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Point de l'ordre du jour"), max_length=250)
    duration_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=1, max_value=600, required=False)
    presenter = forms.ModelChoiceField(label=_("Présenté par"), queryset=None, required=False)
    parent = forms.ModelChoiceField(label=_("Sous-point de"), queryset=None, required=False)
    link_url = forms.CharField(
        label=_("Lien vers une mesure du plan ou un dossier"),
        max_length=300,
        required=False,
        help_text=_(
            "Une adresse de Maillage commençant par « / » (par exemple /plan/) "
            "ou une adresse web commençant par https://."
        ),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = _people()
        self.fields["parent"].queryset = selectors.top_agenda_items(meeting)


class InviteForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Personne à inviter"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()


class GuestForm(forms.Form):
    """A person without a Maillage account (foreign counterpart, expert…)."""

    name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("L'invitation et le lien personnel pour répondre sont envoyés à cette adresse."),
        error_messages={
            "required": _(
                "Indiquez l'adresse électronique de la personne : l'invitation lui est envoyée par courriel."
            ),
            "invalid": _("Cette adresse électronique n'est pas valide."),
        },
    )
    organisation = forms.ModelChoiceField(label=_("Organisation de l'annuaire"), queryset=None, required=False)
    organisation_name = forms.CharField(
        label=_("Ou organisation hors annuaire"),
        max_length=200,
        required=False,
        help_text=_("Par exemple une autorité étrangère."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _orgs()

    def clean(self):
        data = super().clean()
        if data.get("organisation") and data.get("organisation_name", "").strip():
            self.add_error(
                "organisation_name", _("Choisissez une organisation de l'annuaire ou saisissez-en une, pas les deux.")
            )
        return data


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[(c.value, c.label) for c in InvitationResponse if c != InvitationResponse.NEEDS_ACTION],
        widget=forms.RadioSelect,
    )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Personnes présentes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    organisations = ModelMultipleChoiceField(
        label=_("Organisations présentes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        invitations = meeting.invitations.select_related("user")
        self.fields["present"].choices = [(str(i.user_id), str(i.user)) for i in invitations]
        guests = list(selectors.active_guests(meeting))
        if guests:
            self.fields["present_guests"] = forms.MultipleChoiceField(
                label=_("Personnes extérieures présentes"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (str(g.pk), f"{g.name} ({g.organisation_label})" if g.organisation_label else g.name)
                    for g in guests
                ],
                help_text=_(
                    "L'organisation de l'annuaire d'une personne présente est comptée parmi les organisations "
                    "présentes."
                ),
            )
        ids = {i.organisation_id for i in invitations if i.organisation_id} | {
            g.organisation_id for g in guests if g.organisation_id
        }
        self.order_fields(["present", "present_guests", "organisations"])
        if meeting.group_id:
            ids |= set(meeting.group.members.values_list("organisation_id", flat=True))
        self.fields["organisations"].queryset = organisations.organisations_with_ids(ids)


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 18}))


class RemarkForm(forms.Form):
    body = forms.CharField(
        label=_("Votre remarque sur le compte rendu"),
        help_text=_("Laissez vide et validez pour indiquer que vous n'avez pas de remarque."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    statement = forms.CharField(label=_("Décision ou recommandation"), widget=forms.Textarea(attrs={"rows": 3}))
    review_on = forms.DateField(
        label=_("Date de réexamen"),
        required=False,
        widget=DateInput(),
        help_text=_("La décision reviendra sur la page du groupe à cette date."),
    )


class DecisionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=DecisionStatus.choices)
    review_on = forms.DateField(label=_("Date de réexamen"), required=False, widget=DateInput())


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner_user = forms.ModelChoiceField(label=_("Responsable (personne)"), queryset=None, required=False)
    owner_organisation = forms.ModelChoiceField(label=_("Responsable (organisation)"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Échéance"), widget=DateInput())
    decision = forms.ModelChoiceField(label=_("Décision liée"), queryset=None, required=False)

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = _people()
        self.fields["owner_organisation"].queryset = _orgs()
        self.fields["decision"].queryset = decisions

    def clean(self):
        data = super().clean()
        if not data.get("owner_user") and not data.get("owner_organisation"):
            self.add_error("owner_user", _("Indiquez qui porte l'action : une personne ou une organisation."))
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices)


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("open", _("À faire ou en cours")), ("done", _("Faites")), ("all", _("Toutes"))],
    )
    scope = forms.ChoiceField(
        label=_("Responsable"),
        required=False,
        choices=[
            ("all", _("Moi ou mon organisation")),
            ("me", _("Moi personnellement")),
            ("organisation", _("Mon organisation")),
        ],
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    group = forms.ModelChoiceField(label=_("Groupe de travail"), queryset=None, required=False, empty_label=_("Tous"))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        # Only groups the person may see (policies.groups_visible_to).
        self.fields["group"].queryset = groups


class LetterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Sens"), choices=LetterDirection.choices, widget=forms.RadioSelect, initial=LetterDirection.INCOMING
    )
    letter_date = forms.DateField(label=_("Date du courrier"), widget=DateInput())
    received_on = forms.DateField(label=_("Date de réception ou d'envoi"), widget=DateInput(), required=False)
    sender_organisation = forms.ModelChoiceField(label=_("Organisation expéditrice"), queryset=None, required=False)
    sender_person = forms.CharField(label=_("Signataire (fonction ou nom)"), max_length=200, required=False)
    recipient_organisation = forms.ModelChoiceField(
        label=_("Organisation destinataire"), queryset=None, required=False
    )
    recipient_person = forms.CharField(label=_("Destinataire (fonction ou nom)"), max_length=200, required=False)
    subject = forms.CharField(label=_("Objet"), max_length=300)
    summary = forms.CharField(label=_("Résumé"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attachment = forms.FileField(
        label=_("Courrier numérisé (PDF)"),
        required=False,
        help_text=_("PDF uniquement, 10 Mo au plus. Un courrier ne doit jamais contenir l'identité d'une victime."),
    )
    expects_reply = forms.BooleanField(label=_("Une réponse est attendue"), required=False, initial=True)
    reply_due_on = forms.DateField(label=_("Réponse attendue avant le"), widget=DateInput(), required=False)
    assignee = forms.ModelChoiceField(label=_("Attribué à"), queryset=None, required=False)
    in_reply_to = forms.ModelChoiceField(label=_("En réponse au courrier"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("Groupe de travail"), queryset=None, required=False)
    dossier = forms.ModelChoiceField(label=_("Dossier de plaidoyer"), queryset=None, required=False)
    plan_reference = forms.CharField(label=_("Mesure du plan (référence)"), max_length=120, required=False)

    def __init__(self, *args, letters, groups, dossiers, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_organisation"].queryset = _orgs()
        self.fields["recipient_organisation"].queryset = _orgs()
        # The default delay is configurable (COORDINATION_LETTER_REPLY_DAYS): say the one in force.
        self.fields["reply_due_on"].help_text = ngettext(
            "Par défaut, %(n)s jour après la réception.",
            "Par défaut, %(n)s jours après la réception.",
            reply_delay_days(),
        ) % {"n": reply_delay_days()}
        self.fields["assignee"].queryset = assignees
        self.fields["in_reply_to"].queryset = letters
        self.fields["group"].queryset = groups
        self.fields["dossier"].queryset = dossiers


class LetterUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=LetterStatus.choices)
    assignee = forms.ModelChoiceField(label=_("Attribué à"), queryset=None, required=False)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class LetterSearchForm(forms.Form):
    q = forms.CharField(label=_("Mots"), required=False, max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *list(LetterStatus.choices)]
    )
    direction = forms.ChoiceField(
        label=_("Sens"), required=False, choices=[("", _("Tous")), *list(LetterDirection.choices)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _orgs()


class DossierForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=250)
    kind = forms.ChoiceField(label=_("Type"), choices=DossierKind.choices)
    lead_organisation = forms.ModelChoiceField(label=_("Organisation porteuse"), queryset=None)
    supporting_organisations = ModelMultipleChoiceField(
        label=_("Organisations qui soutiennent"), queryset=None, required=False
    )
    summary = forms.CharField(label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = _orgs()
        self.fields["supporting_organisations"].queryset = _orgs()


class StepForm(forms.Form):
    label = forms.CharField(label=_("Étape"), max_length=250)
    due_on = forms.DateField(label=_("Date prévue"), required=False, widget=DateInput())


class StepUpdateForm(forms.Form):
    due_on = forms.DateField(label=_("Date prévue"), required=False, widget=DateInput())
    done_on = forms.DateField(label=_("Réalisée le"), required=False, widget=DateInput())


class DossierStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=DossierStatus.choices)


class AppointmentForm(forms.Form):
    target_organisation = forms.ModelChoiceField(label=_("Organisation invitée"), queryset=None)
    subject = forms.CharField(label=_("Objet"), max_length=250)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mode = forms.ChoiceField(label=_("Modalité"), choices=MeetingMode.choices, initial=MeetingMode.IN_PERSON)
    place = forms.CharField(label=_("Lieu ou lien de visioconférence"), max_length=250, required=False)
    slot1_start = forms.DateTimeField(label=_("Créneau 1 : début"), widget=DateTimeInput())
    slot1_end = forms.DateTimeField(label=_("Créneau 1 : fin"), widget=DateTimeInput())
    slot2_start = forms.DateTimeField(label=_("Créneau 2 : début"), widget=DateTimeInput(), required=False)
    slot2_end = forms.DateTimeField(label=_("Créneau 2 : fin"), widget=DateTimeInput(), required=False)
    slot3_start = forms.DateTimeField(label=_("Créneau 3 : début"), widget=DateTimeInput(), required=False)
    slot3_end = forms.DateTimeField(label=_("Créneau 3 : fin"), widget=DateTimeInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_organisation"].queryset = _orgs()

    def slots(self):
        data = self.cleaned_data
        return [
            (data.get(f"slot{i}_start"), data.get(f"slot{i}_end"))
            for i in (1, 2, 3)
            if data.get(f"slot{i}_start") or data.get(f"slot{i}_end")
        ]

    def clean(self):
        data = super().clean()
        for i in (1, 2, 3):
            start, end = data.get(f"slot{i}_start"), data.get(f"slot{i}_end")
            if bool(start) != bool(end):
                raise ValidationError(_("Indiquez le début et la fin de chaque créneau proposé."))
        return data


class PickSlotForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("Créneau retenu"), queryset=None, widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, appointment, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the slots still ahead can be picked (services.pick_slot refuses the others).
        self.fields["slot"].queryset = selectors.open_slots(appointment)
        self.fields["slot"].label_from_instance = lambda s: (
            f"{paris(s.starts_at):%d/%m/%Y %H:%M} – {paris(s.ends_at):%H:%M}"
        )
