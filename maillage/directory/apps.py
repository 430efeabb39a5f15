from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    label = "directory"
    verbose_name = "Annuaire du réseau"

    def ready(self) -> None:
        # The menu entry and coordinator panel are registered by the web layer
        # (maillage/www/apps.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="directory_sqlite_functions")


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no `unaccent`: the organisation search (selectors.
    organisations_matching) calls search.normalise through this function."""
    if connection.vendor != "sqlite":
        return
    from .selectors import SQLITE_NAME_FUNCTION, sqlite_search_name

    connection.connection.create_function(SQLITE_NAME_FUNCTION, 2, sqlite_search_name, deterministic=True)
