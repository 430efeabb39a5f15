from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "maillage.www"
    label = "www"
    verbose_name = "Interface web"

    def ready(self) -> None:
        from . import registry  # noqa: F401
        from .statistics import navigation  # noqa: F401  (statistics menu entries and home panels)
