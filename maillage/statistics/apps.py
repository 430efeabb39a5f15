from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "maillage.statistics"
    label = "statistics"
    verbose_name = "Statistiques nationales"
