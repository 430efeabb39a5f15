from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.organisations.enums import OrganisationType, Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    is_admin = forms.BooleanField(
        label=_("Peut administrer l'organisation (inviter, retirer des membres)"), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation.type != OrganisationType.COORDINATION:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.COORDINATOR]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    is_admin = forms.BooleanField(label=_("Administrateur·rice"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation.type != OrganisationType.COORDINATION:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.COORDINATOR]


class SwitchForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class ApiTokenForm(forms.Form):
    """Nothing is pre-ticked: the administrator chooses each right the software needs."""

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=80,
        help_text=_("Le logiciel ou l'usage qui s'en servira, par exemple « Logiciel de suivi — production »."),
    )
    scopes = forms.MultipleChoiceField(label=_("Droits"), choices=(), widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(
        label=_("Expire le"),
        help_text=_("Au format JJ/MM/AAAA ; un an au plus."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        from maillage.api.enums import Scope

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = Scope.choices
