"""Settings of the framework floor: the smallest Django that serves a view over kohapay's
database with the same connection options as kohapay (``kohapay/settings.py``)."""
import os

import dj_database_url

SECRET_KEY = os.environ.get("KOHAPAY_SECRET_KEY") or "floor-app-has-no-secrets-to-keep"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
INSTALLED_APPS = []
MIDDLEWARE = []
ROOT_URLCONF = "tools.bench.floor_app.urls"
WSGI_APPLICATION = "tools.bench.floor_app.wsgi.application"
USE_TZ = True
TIME_ZONE = "UTC"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("KOHAPAY_CONN_MAX_AGE", 60)),
        conn_health_checks=True,
    )
}
DATABASES["default"]["OPTIONS"] = {
    "charset": "utf8mb4",
    "init_command": (
        "SET time_zone = '+00:00', "
        "sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"
    ),
    "isolation_level": "read committed",
}
LOGGING_CONFIG = None
