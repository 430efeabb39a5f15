from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "maillage.cases"
    label = "cases"
    verbose_name = "Dossiers des victimes"

    def ready(self) -> None:
        from maillage.www.cases import navigation  # noqa: F401  (menu entry and home panel)
