"""The type-code indexes of accountlines are kept out of the register queries that filter on a type
(registers.index_hints), without changing a figure."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koha.models import AccountLine
from registers.cashups import cashup_history
from registers.index_hints import (
    TYPE_INDEXES_IGNORED,
    hint_type_indexes_ignored,
    ignoring_type_indexes,
)
from registers.lookups import payment_type_labels
from registers.selectors import DayRange, income_by_debit_type
from tests.factories import cashup, charge_and_pay, payout
from tests.helpers import utc

DJANGO_LIKE = (
    "SELECT T5.`debit_type_code`, SUM(`account_offsets`.`amount`) FROM `account_offsets`"
    " INNER JOIN `accountlines` ON (`account_offsets`.`credit_id` ="
    " `accountlines`.`accountlines_id`)"
    " INNER JOIN `accountlines` T5 ON (`account_offsets`.`debit_id` = T5.`accountlines_id`)"
    " WHERE `accountlines`.`register_id` = %s GROUP BY 1"
)


def test_every_table_reference_is_hinted_after_its_alias():
    hinted = hint_type_indexes_ignored(DJANGO_LIKE)

    assert f"INNER JOIN `accountlines` {TYPE_INDEXES_IGNORED} ON" in hinted
    assert f"INNER JOIN `accountlines` T5 {TYPE_INDEXES_IGNORED} ON" in hinted
    assert hinted.count(TYPE_INDEXES_IGNORED) == 2
    assert "WHERE `accountlines`.`register_id` = %s" in hinted  # columns are left alone


def test_a_base_table_is_hinted_too():
    sql = "SELECT COUNT(*) FROM `accountlines` WHERE `accountlines`.`amount` < 0"

    assert hint_type_indexes_ignored(sql) == (
        f"SELECT COUNT(*) FROM `accountlines` {TYPE_INDEXES_IGNORED}"
        " WHERE `accountlines`.`amount` < 0"
    )


def test_a_statement_without_accountlines_is_refused_rather_than_run_unhinted():
    with pytest.raises(ValueError, match="accountlines"):
        hint_type_indexes_ignored("SELECT `code` FROM `account_debit_types`")


def statements(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        result = action()
    return result, [q["sql"] for q in captured.captured_queries]


@pytest.mark.skipif(connection.vendor != "mysql", reason="index hints are MariaDB's")
def test_hinted_statements_run_on_mariadb_and_only_inside_the_block(koha):
    with ignoring_type_indexes():
        _, inside = statements(lambda: AccountLine.objects.filter(debit_type__isnull=True).count())
    _, after = statements(lambda: AccountLine.objects.filter(debit_type__isnull=True).count())

    assert TYPE_INDEXES_IGNORED in inside[0]
    assert TYPE_INDEXES_IGNORED not in after[0]


def plan_keys(sql: str) -> set[str]:
    """Every index EXPLAIN says the statement may read accountlines through."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return {key for row in rows for key in (row["possible_keys"] or "").split(",") if key}


@pytest.mark.skipif(connection.vendor != "mysql", reason="index hints are MariaDB's")
def test_income_by_debit_type_and_cashup_offsets_never_consider_the_type_indexes(koha):
    at = utc(2024, 5, 2, 10)
    charge_and_pay(register=koha.register, at=at, amount="2.50", patron=koha.patron,
                   manager=koha.staff)
    payout(register=koha.register, at=at, amount="1.00", patron=koha.patron, manager=koha.staff)
    cashup(register=koha.register, at=utc(2024, 5, 2, 17), manager=koha.staff)
    days = DayRange.single(date(2024, 5, 2))

    by_type, by_type_sql = statements(lambda: income_by_debit_type(koha.register.id, days))
    (summary,), cashup_sql = statements(
        lambda: cashup_history(koha.register.id, days, payment_type_labels()))

    offsets_sql = [s for s in by_type_sql + cashup_sql if "`account_offsets`" in s]
    assert len(offsets_sql) == 3  # by debit type; the cashup's income and payout offsets
    for sql in offsets_sql:
        assert TYPE_INDEXES_IGNORED in sql
        assert not plan_keys(sql) & {"credit_type_code", "debit_type_code"}
    assert [(t.code, t.total) for t in by_type] == [("PRINT", Decimal("2.50"))]
    assert (summary.income_total, summary.payout_total) == (Decimal("2.50"), Decimal("1.00"))
