from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def encryption_keys_check(app_configs, **kwargs):
    errors = []
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(checks.Error("FIELD_ENCRYPTION_KEYS is empty.", id="maillage.E001"))
    if not settings.LOOKUP_HASH_KEY:
        errors.append(checks.Error("LOOKUP_HASH_KEY is empty.", id="maillage.E002"))
    elif settings.LOOKUP_HASH_KEY in settings.FIELD_ENCRYPTION_KEYS:
        errors.append(checks.Error("LOOKUP_HASH_KEY must differ from the encryption keys.", id="maillage.E003"))
    if settings.DSFR_CONTENT_IS_SAFE:
        errors.append(checks.Error("DSFR_CONTENT_IS_SAFE must be False.", id="maillage.E004"))
    return errors
