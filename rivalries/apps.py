from django.apps import AppConfig


class RivalriesConfig(AppConfig):
    name = "rivalries"

    def ready(self) -> None:
        from rivalries import caching, checks  # here: they need the apps loaded  # noqa: F401

        caching.connect_signals()
