"""PostgreSQL full-text search on the directory's stored vector, or the portable path."""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import Expression


class SearchVectorColumn(Expression):
    """`directory_profile.search_vector`, the PostgreSQL generated column of
    migration 0003 (not a model field, so not a plain F())."""

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name('search_vector')}", []


def uses_full_text_search() -> bool:
    """PostgreSQL full-text search (migration 0003) or the portable path."""
    return connection.vendor == "postgresql"
