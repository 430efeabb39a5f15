from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "maillage.coordination"
    label = "coordination"
    verbose_name = "Coordination"

    def ready(self) -> None:
        # The demo seeder; the menu entry and home panel are registered by the
        # web layer (maillage/www/apps.py).
        from . import demo  # noqa: F401
