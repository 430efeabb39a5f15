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


@checks.register(checks.Tags.security, deploy=True)
def journal_chain_key_check(app_configs, **kwargs):
    key = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if not key:
        return [checks.Error("AUDIT_CHAIN_KEY is empty: no journal row can be written.", id="maillage.E005")]
    if key == settings.LOOKUP_HASH_KEY or key in settings.FIELD_ENCRYPTION_KEYS:
        return [checks.Error("AUDIT_CHAIN_KEY must differ from the encryption and lookup keys.", id="maillage.E006")]
    return []


JOURNAL_TABLE = "core_auditevent"


@checks.register(checks.Tags.security, deploy=True)
def journal_not_owned_by_runtime_role(app_configs, **kwargs):
    """Issue 16: whoever owns the journal can drop its triggers, truncate it
    or rewrite it. The application must run under a role that may only
    INSERT and SELECT there (docs/operations.md § Database roles)."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT current_user,
                       pg_has_role(current_user, c.relowner, 'USAGE'),
                       r.rolsuper,
                       has_table_privilege(current_user, c.oid, 'UPDATE'),
                       has_table_privilege(current_user, c.oid, 'DELETE'),
                       has_table_privilege(current_user, c.oid, 'TRUNCATE'),
                       has_table_privilege(current_user, c.oid, 'TRIGGER')
                FROM pg_class c JOIN pg_roles r ON r.rolname = current_user
                WHERE c.oid = to_regclass(%s)
                """,
                [JOURNAL_TABLE],
            )
            row = cursor.fetchone()
    except DatabaseError:
        connection.close()
        return [
            checks.Info(
                "The journal's owner was not verified: the database is unreachable.",
                hint="Run `make check-deploy CHECK_DEPLOY_DATABASE_URL=<the runtime DATABASE_URL>`.",
                id="maillage.I001",
            )
        ]
    if row is None:
        return [checks.Info("The journal's owner was not verified: migrate first.", id="maillage.I002")]
    role, owns, superuser, *privileges = row
    errors = []
    if owns or superuser:
        errors.append(
            checks.Error(
                f"The runtime database role {role!r} owns the audit journal (or is a superuser): "
                "it could drop its triggers, truncate or rewrite it.",
                hint="Run migrations under a separate owner role; docs/operations.md § Database roles.",
                id="maillage.E007",
            )
        )
    elif any(privileges):
        errors.append(
            checks.Error(
                f"The runtime database role {role!r} may UPDATE, DELETE, TRUNCATE or add triggers on the "
                "audit journal: it must have INSERT and SELECT only.",
                hint=f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON {JOURNAL_TABLE} FROM {role};",
                id="maillage.E008",
            )
        )
    return errors
