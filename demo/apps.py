from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``manage.py seed_demo`` and the demo world it writes (demo and test databases only)."""

    name = "demo"
    verbose_name = "Demo data"
