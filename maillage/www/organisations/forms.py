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
