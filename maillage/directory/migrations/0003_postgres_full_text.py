"""PostgreSQL full-text search for the directory (issue 3), a no-op on SQLite.

On PostgreSQL only:
- the `unaccent` extension (needs CREATE privilege on the database, or a
  superuser: if the migration's role cannot create it, the migration stops
  with the statement a DBA must run first, see docs/domain/directory.md);
- a text-search configuration `maillage_fr`: French stemming after accent
  removal;
- a stored generated column `directory_profile.search_vector` (name weighted
  A, the rest of the profile B) with a GIN index. The column is not a model
  field: PostgreSQL keeps it up to date from `search_name` / `search_text`
  (maintained by the services), and `selectors.search_directory` reads it.
"""

from django.db import DatabaseError, migrations

CONFIG = "maillage_fr"
TABLE = "directory_profile"
VECTOR = (
    f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(search_name, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(search_text, '')), 'B')"
)
EXTENSION_HELP = (
    "The PostgreSQL extension « unaccent » is missing and the database role used by "
    "the migration may not create it ({error}). A database administrator must run, "
    "once, connected to this database:  CREATE EXTENSION IF NOT EXISTS unaccent;  "
    "then run `manage.py migrate` again (see docs/domain/directory.md, "
    "« PostgreSQL full-text search »)."
)


def create_extension(cursor) -> None:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
    if cursor.fetchone():
        return
    try:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError as exc:
        raise RuntimeError(EXTENSION_HELP.format(error=str(exc).strip())) from exc


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        create_extension(cursor)
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s AND cfgnamespace = current_schema()::regnamespace", [CONFIG])
        if not cursor.fetchone():
            cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french)")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
            "ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword, hword_asciipart WITH unaccent, french_stem"
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS directory_profile_search_vector_gin ON {TABLE} USING gin (search_vector)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS directory_profile_search_vector_gin")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
        # The extension is left in place: other schemas may use it.


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_catalogues")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
