from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "maillage.www"
    label = "www"
    verbose_name = "Interface web"

    def ready(self) -> None:
        # Menu entries and home panels, registered by the web layer itself:
        # domains never import maillage.www (tests/test_consistency.py). A new
        # feature adds its navigation module here (docs/architecture.md,
        # « How to add a feature »).
        from . import registry  # noqa: F401  (home, organisation and notifications)
        from .cases import navigation as cases  # noqa: F401
        from .cases import (
            queue_law,  # noqa: F401
            queue_tasks,  # noqa: F401  (work queues: maillage/core/queues.py)
        )
        from .coordination import navigation as coordination  # noqa: F401
        from .coordination import queue_letters  # noqa: F401
        from .directory import navigation as directory  # noqa: F401
        from .plans import navigation as plans  # noqa: F401
        from .referrals import navigation as referrals  # noqa: F401
        from .referrals import (
            queue_acse,  # noqa: F401
            queue_exchanges,  # noqa: F401
            queue_inbox,  # noqa: F401
            queue_minors,  # noqa: F401  (work queues of the minors' chain)
        )
        from .statistics import navigation as statistics  # noqa: F401
