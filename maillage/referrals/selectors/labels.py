"""Labels of the services a referral asks for."""

from __future__ import annotations


def service_labels() -> dict[str, str]:
    from maillage.directory.models import Service

    return {s.code: s.display_label for s in Service.objects.only("code", "label", "label_en")}
