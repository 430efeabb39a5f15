from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "maillage.directory"
    label = "directory"
    verbose_name = "Annuaire du réseau"

    def ready(self) -> None:
        # Menu entry and coordinator panel (maillage.www.navigation).
        from maillage.www.directory import navigation  # noqa: F401
