from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "maillage.identification"
    label = "identification"
    verbose_name = "Repérage (indicateurs OIT/CE)"
