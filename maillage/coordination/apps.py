from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "maillage.coordination"
    label = "coordination"
    verbose_name = "Coordination"

    def ready(self) -> None:
        # Menu entry, home panel and demo seeder, registered without the
        # shared packages knowing this one exists.
        from maillage.www.coordination import navigation  # noqa: F401

        from . import demo  # noqa: F401
