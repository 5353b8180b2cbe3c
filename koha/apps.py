from django.apps import AppConfig


class KohaConfig(AppConfig):
    name = "koha"
    verbose_name = "Koha tables"

    def ready(self):
        from koha import checks  # noqa: F401  (registers the Koha schema check)
