"""Settings for the test suite: kohapay's own settings on real MariaDB, never on SQLite."""
import os

os.environ.setdefault("DATABASE_URL", "mysql://root@127.0.0.1:3306/kohapay")
os.environ.setdefault("KOHAPAY_SECRET_KEY", "tests-only-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("KOHAPAY_HTTPS", "0")
# The suite makes many requests a minute from one address; the rate limits' own tests
# (tests/core/test_rate_limits.py) lower these per test.
os.environ.setdefault("KOHAPAY_API_RATE", "100000/min")
os.environ.setdefault("KOHAPAY_TOKEN_RATE", "100000/min")
os.environ.setdefault("KOHAPAY_LOGIN_RATE", "100000/min")

from kohapay.settings import *  # noqa: E402,F401,F403
from kohapay.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.mysql":
    raise RuntimeError(
        "The test suite runs on real MariaDB. Set DATABASE_URL=mysql://user:pass@host:port/name "
        "(default mysql://root@127.0.0.1:3306/kohapay)."
    )
# A URL without a database name (mysql://root@127.0.0.1:3306) means the default name.
DATABASES["default"]["NAME"] = DATABASES["default"]["NAME"] or "kohapay"
DATABASES["default"]["CONN_MAX_AGE"] = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Hashing cost is not what these tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
