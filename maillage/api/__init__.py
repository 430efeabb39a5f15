"""API tokens: organisations' own software acting for the organisation.

An organisation administrator creates a token for the organisation, with
scopes, an expiry and a name; the secret is shown once and stored only as a
keyed hash. A token acts through the person who created it, restricted to
that organisation and to its scopes: every call then goes through the same
policies, selectors and services as the pages (no second permission system),
and the token stops working the moment that person leaves the organisation,
loses the role the scopes need, or the token is revoked or expires.
"""
