from django.apps import AppConfig


class KohapayConfig(AppConfig):
    """The project package doubles as an app for its management commands and system checks."""

    name = "kohapay"
    verbose_name = "kohapay"

    def ready(self):
        from kohapay import checks  # noqa: F401  (registers the Koha schema check)
