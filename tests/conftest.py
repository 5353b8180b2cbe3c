"""Test bed: real MariaDB, with the Koha tables created from the project's own schema."""
from types import SimpleNamespace

import MySQLdb
import pytest
from django.conf import settings
from django.db import connection

from koha import schema as kohaschema
from koha.schema.reference_data import install_reference_data
from tests.factories import CashRegisterFactory, DebitTypeFactory, LibraryFactory, PatronFactory


def pytest_sessionstart(session):
    """Fail at once, and say how to fix it, when no MariaDB answers."""
    db = settings.DATABASES["default"]
    try:
        MySQLdb.connect(
            host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 3306), user=db["USER"],
            password=db["PASSWORD"], connect_timeout=3,
        ).close()
    except MySQLdb.OperationalError as exc:
        pytest.exit(
            f"No MariaDB server answers at {db['HOST']}:{db['PORT']} ({exc}). Start one "
            "(Debian: apt-get install mariadb-server && service mariadb start) or set "
            "DATABASE_URL=mysql://user:password@host:port/name.",
            returncode=3,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After Django's tables, create Koha's in the test database (unless --reuse-db kept them)."""
    with django_db_blocker.unblock():
        if not kohaschema.existing_koha_tables():
            kohaschema.create()


@pytest.fixture(autouse=True)
def _empty_koha_tables_after_transactional_tests(request, django_db_blocker):
    """Django flushes only the tables it manages; empty Koha's after tests that really commit."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and marker.kwargs.get("transaction", False)
    if not committed and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    # This teardown runs after the database fixtures' own, which block access again.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in kohaschema.koha_tables():
            cursor.execute(f"DELETE FROM `{table}`")
        cursor.execute("SET FOREIGN_KEY_CHECKS = 1")


@pytest.fixture
def koha(db):
    """The world of the spec's worked example (§10): library CPL, staff patron 51, patron 42 with
    no charges, debit type PRINT, register 1 at CPL, CASH; UseCashRegisters=1, FinesLog=1."""
    return build_koha_world()


def build_koha_world():
    install_reference_data({"UseCashRegisters": "1"})
    cpl = LibraryFactory(branchcode="CPL", branchname="Centerville")
    mpl = LibraryFactory(branchcode="MPL", branchname="Midway")
    staff = PatronFactory(borrowernumber=51, library=cpl, cardnumber="STAFF51", userid="kiosk")
    patron = PatronFactory(borrowernumber=42, library=cpl, cardnumber="23529000042")
    printing = DebitTypeFactory(code="PRINT", description="Printing")
    register = CashRegisterFactory(id=1, name="Front desk", library=cpl, branch_default=True)
    other_register = CashRegisterFactory(name="Midway desk", library=mpl)
    return SimpleNamespace(
        cpl=cpl, mpl=mpl, staff=staff, patron=patron, printing=printing, register=register,
        other_register=other_register,
    )
