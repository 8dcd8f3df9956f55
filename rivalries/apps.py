from django.apps import AppConfig


class RivalriesConfig(AppConfig):
    name = "rivalries"

    def ready(self) -> None:
        from rivalries import caching, checks, origin  # noqa: F401 - here: they need the apps loaded

        caching.connect_signals()
