"""allauth's security-key forms with French labels (allauth leaves the key
name field unlabelled, so Django shows the English field name)."""

from allauth.mfa.webauthn import forms as webauthn_forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

KEY_NAME_MAX_LENGTH = 100
KEY_NAME_LABEL = _("Nom de la clé")
KEY_NAME_HELP = _("Pour distinguer vos clés, par exemple « Clé USB bleue » ou « Ordinateur du bureau ».")


def _label_name(form) -> None:
    form.fields["name"].label = KEY_NAME_LABEL
    form.fields["name"].help_text = KEY_NAME_HELP
    form.fields["name"].validators.append(MaxLengthValidator(KEY_NAME_MAX_LENGTH))
    form.fields["name"].widget.attrs.update({"maxlength": str(KEY_NAME_MAX_LENGTH), "autocomplete": "off"})


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _label_name(self)


class EditWebAuthnForm(webauthn_forms.EditWebAuthnForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _label_name(self)
