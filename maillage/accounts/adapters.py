from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.utils.translation import gettext as _

from maillage.core.encryption import decrypt_str, encrypt_str


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts exist only through an invitation from an organisation
        # administrator (maillage.organisations.services.invite_member).
        return False

    def get_logout_redirect_url(self, request) -> str:
        # A session opened through ProConnect also ends at ProConnect
        # (RP-initiated logout), or on a shared computer the next click on
        # « S'identifier avec ProConnect » would sign straight back in.
        # allauth's logout view asks for this address before flushing the
        # session, which still holds the id_token then.
        from .proconnect import session_logout_url

        return session_logout_url(request) or super().get_logout_redirect_url(request)

    def get_reauthentication_methods(self, user) -> list[dict]:
        # allauth's French for "Use a security key" reads "Utilisez une clé
        # secrète", which names something else.
        methods = super().get_reauthentication_methods(user)
        for method in methods:
            if method["id"] == "mfa_reauthenticate:webauthn":
                method["description"] = _("Utiliser une clé de sécurité")
        return methods


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted at rest like identity fields (allauth's
    default adapter stores them in clear)."""

    def encrypt(self, text: str) -> str:
        return encrypt_str(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_str(encrypted_text)
