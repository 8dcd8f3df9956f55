from django.apps import AppConfig


class RivalriesConfig(AppConfig):
    name = "rivalries"

    def ready(self) -> None:
        from rivalries import caching  # here: it needs the apps loaded

        caching.connect_signals()
