"""A software security key for server-side tests: it answers allauth's
WebAuthn challenges the way a real authenticator would (ES256, "none"
attestation), so registration and sign-in run through fido2's real checks.
The browser test (test_webauthn_browser.py) uses Chromium's virtual
authenticator instead."""

from __future__ import annotations

import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

# Django's test client serves http://testserver; fido2 accepts plain HTTP for
# localhost only, so the key reports the HTTPS origin of that host.
ORIGIN = "https://testserver"


class SoftKey:
    def __init__(self, rp_id: str = "testserver", origin: str = ORIGIN) -> None:
        self.rp_id = rp_id
        self.origin = origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _rp_id_hash(self) -> bytes:
        return hashlib.sha256(self.rp_id.encode()).digest()

    def register(self, creation_options: dict) -> str:
        """The JSON the page posts as `credential` after navigator.credentials.create()."""
        challenge = websafe_decode(creation_options["publicKey"]["challenge"])
        client_data = CollectedClientData.create(type="webauthn.create", challenge=challenge, origin=self.origin)
        credential_data = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.private_key.public_key())
        )
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
        auth_data = AuthenticatorData.create(self._rp_id_hash(), flags, self.counter, credential_data)
        attestation = AttestationObject.create("none", auth_data, {})
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(client_data=client_data, attestation_object=attestation),
        )
        return json.dumps(dict(response))

    def sign_in(self, request_options: dict) -> str:
        """The JSON the page posts as `credential` after navigator.credentials.get()."""
        challenge = websafe_decode(request_options["publicKey"]["challenge"])
        allowed = [websafe_decode(c["id"]) for c in request_options["publicKey"].get("allowCredentials", [])]
        assert self.credential_id in allowed, "the server did not ask for this key"
        self.counter += 1
        client_data = CollectedClientData.create(type="webauthn.get", challenge=challenge, origin=self.origin)
        auth_data = AuthenticatorData.create(
            self._rp_id_hash(), AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV, self.counter
        )
        signature = self.private_key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data, signature=signature
            ),
        )
        return json.dumps(dict(response))

    @property
    def id(self) -> str:
        return websafe_encode(self.credential_id)
