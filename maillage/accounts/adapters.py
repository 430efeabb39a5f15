from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from maillage.core.encryption import decrypt_str, encrypt_str


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts exist only through an invitation from an organisation
        # administrator (maillage.organisations.services.invite_member).
        return False


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted at rest like identity fields (allauth's
    default adapter stores them in clear)."""

    def encrypt(self, text: str) -> str:
        return encrypt_str(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_str(encrypted_text)
