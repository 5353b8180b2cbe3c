"""The floors of a sale and of a payment of one existing debit write the rows kohapay writes, table
by table (issue 18: each write is compared with its own floor, so the floor must be honest)."""
from decimal import Decimal

from django.db import connection

from tests.helpers import row_counts, sale_body
from tools.bench import till, till_sql
from tools.bench.ledger_sql import Payment

TABLES = ("accountlines", "account_offsets", "statistics", "action_logs", "kohapay_intake")


def added(before: dict) -> dict:
    after = row_counts()
    return {table: after[table] - before[table] for table in TABLES}


def expected(rows_per: dict) -> dict:
    return {table: rows_per[table] for table in TABLES}


def test_the_sale_floor_writes_the_rows_of_kohapays_sale_of_three_items(sell, kiosk):
    before = row_counts()
    items = [("PRINT", price, 1) for price in till.PRICES]
    assert sell(sale_body(*items, external_id="k-1")).status_code == 201
    by_kohapay = added(before)

    before = row_counts()
    with connection.cursor() as cur:
        credit_id = till_sql.write_sale(cur, till_sql.Sale(
            staff=51, library="CPL", register=1, client_id=kiosk.client.pk,
            items=tuple(("PRINT", Decimal(p)) for p in till.PRICES), idempotency_key="f-1"))
    by_floor = added(before)

    assert by_floor == by_kohapay == expected(till.ROWS_PER_SALE)
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*), SUM(amountoutstanding) FROM accountlines"
                    " WHERE accountlines_id <= %s AND accountlines_id > %s - 4",
                    [credit_id, credit_id])
        assert cur.fetchone() == (4, 0)


def test_the_pay_floor_writes_the_rows_of_kohapays_payment_of_one_debit(debts, pay, kiosk):
    before = row_counts()
    body = {"amount": "5.00", "payment_type": "CASH", "register_id": 1,
            "account_lines_ids": [debts.hobbit.pk]}
    assert pay(body).status_code == 201
    by_kohapay = added(before)

    before = row_counts()
    payment = Payment(patron=42, staff=51, library="CPL", register=1, amount=Decimal("4.00"),
                      idempotency_key="f-2", external_id="f-2", client_id=kiosk.client.pk)
    with connection.cursor() as cur:
        assert till_sql.write_pay_of(cur, payment, debts.dune.pk) is not None
        assert till_sql.write_pay_of(cur, payment, debts.dune.pk) is None  # paid: refused
    by_floor = added(before)

    assert by_floor == by_kohapay == expected(till.ROWS_PER_PAY)
    debts.dune.refresh_from_db()
    assert debts.dune.amountoutstanding == 0
