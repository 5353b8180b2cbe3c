"""The figures each dashboard page shows, in one plain shape, from either side: folded from the
raw SQL's rows (``tools.bench.dashboard_sql``) or read from the page's own template context. The
harness compares the two before it times them, so that "page ÷ raw SQL" compares like with like.

Money is compared as Decimals quantized to Koha's 6 places; per-type amounts that are exactly 0
are left out on both sides (a type whose lines cancel out is not a figure anyone reads).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from tools.bench.dashboard_sql_cashups import slots_of

PLACES = Decimal("0.000001")
ZERO = Decimal(0)


def money(value) -> str:
    return str(Decimal(value or 0).quantize(PLACES))


def figures(income, payouts, count, by_type: dict) -> dict:
    return {"income": money(income), "payouts": money(payouts), "count": int(count),
            "by_type": {str(code): money(v) for code, v in sorted(by_type.items(), key=str) if v}}


def instant(value: datetime | None) -> str | None:
    """An instant as naive UTC (the raw session's) or aware (the ORM's), the same either way."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def fold(rows) -> dict:
    """(is credit, payment type, SUM(amount), COUNT) rows → figures (spec §8's definitions)."""
    income = payouts = ZERO
    count, by_type = 0, defaultdict(Decimal)
    for is_credit, payment_type, total, n in rows:
        if is_credit:
            income -= total
        else:
            payouts += total
        count += n
        by_type[payment_type] -= total
    return figures(income, payouts, count, by_type)


def of_totals(totals) -> dict:
    """``registers.selectors.Totals`` → figures."""
    return figures(totals.income, totals.payouts, totals.count, dict(totals.by_payment_type))


def differences(page, raw, path: str = "", limit: int = 8) -> list[str]:
    """Where two figure trees differ (at most ``limit`` places)."""
    found: list[str] = []
    _diff(page, raw, path or "figures", found)
    return found[:limit]


def _diff(page, raw, path: str, found: list[str]) -> None:
    if isinstance(page, dict) and isinstance(raw, dict):
        for key in sorted(set(page) | set(raw), key=str):
            _diff(page.get(key), raw.get(key), f"{path}.{key}", found)
    elif isinstance(page, list) and isinstance(raw, list) and len(page) == len(raw):
        for n, (a, b) in enumerate(zip(page, raw)):
            _diff(a, b, f"{path}[{n}]", found)
    elif page != raw:
        found.append(f"{path}: page {page!r} ≠ raw SQL {raw!r}")


# --- overview ---------------------------------------------------------------------------------


def overview_from_raw(found: dict) -> dict:
    period, since = _by_register(found["period"]), _by_register(found["since"])
    variances = {rid: total for rid, _action, total in sorted(found["variances"])}
    recorded = {(rid, found["day"], ptype): value for rid, rows in period.items()
                for ptype, value in _recorded(rows).items()}
    mismatches = defaultdict(set)
    for device in _devices_from_raw(found["settlements"], recorded):
        if any(t[0] != t[2] for t in device["types"].values()):
            mismatches[device["register"]].add(device["day"])
    return {
        str(rid): {"period": fold(period[rid]), "since_cashup": fold(since[rid]),
                   "last_cashup": instant(found["last"].get(rid)),
                   "variance": money(variances[rid]) if rid in variances else None,
                   "devices_differ": sorted(mismatches.get(rid, ()))}
        for rid, *_ in found["registers"]
    }


def _recorded(rows) -> dict:
    """(is credit, payment type, SUM(amount), COUNT) rows → payment type → [money in, lines]:
    what a device's report of the day is compared with."""
    found: dict = defaultdict(lambda: [ZERO, 0])
    for _is_credit, payment_type, total, n in rows:
        if n:
            found[payment_type][0] -= total
            found[payment_type][1] += n
    return found


def _devices_from_raw(rows, recorded: dict) -> list[dict]:
    """SETTLEMENTS rows (a line per report and payment type) → the devices' reports compared:
    payment type → [reported, reported count, recorded, recorded count]."""
    devices: dict = {}
    for sid, rid, day, source, external_id, payment_type, amount, count in rows:
        device = devices.setdefault(sid, {"id": sid, "register": rid, "day": day.isoformat(),
                                          "source": source, "external_id": external_id,
                                          "types": {}})
        got, n = recorded.get((rid, day, payment_type), (ZERO, 0))
        device["types"][payment_type] = [money(amount), count, money(got), n]
    return list(devices.values())


def _devices_from_page(device_days) -> list[dict]:
    return [{"id": d.settlement_id, "register": d.register_id, "day": d.day.isoformat(),
             "source": d.source, "external_id": d.external_id,
             "types": {t.payment_type: [money(t.reported), t.reported_count, money(t.recorded),
                                        t.recorded_count] for t in d.types}}
            for d in device_days or ()]


def _by_register(rows) -> dict:
    grouped = defaultdict(list)
    for register_id, *rest in rows:
        grouped[register_id].append(rest)
    return grouped


def overview_from_page(context) -> dict:
    variances, mismatches = context["variances"] or {}, context["mismatches"] or {}
    return {
        str(row.register.id): {
            "period": of_totals(row.period.totals), "since_cashup": of_totals(row.since_cashup),
            "last_cashup": instant(row.last_cashup),
            "variance": money(variances[row.register.id].difference)
            if row.register.id in variances and row.last_cashup else None,
            "devices_differ": sorted(d.isoformat() for d in mismatches.get(row.register.id, ())),
        }
        for group in context["table"].groups for row in group.rows
    }


# --- register ---------------------------------------------------------------------------------


def register_from_raw(found: dict) -> dict:
    per_day = defaultdict(list)
    for index, *rest in found["daily"]:
        per_day[int(index)].append(rest)
    labels = {code: label or code for code, label in found["labels"]}
    return {
        "days": {day.isoformat(): fold(per_day[n]) for n, day in enumerate(found["days"])
                 if per_day[n]},
        "by_debit_type": {str(code): money(-total) for code, _, total in found["by_debit_type"]},
        "cashups": _cashups_from_raw(found["cashups"], labels),
    }


def register_from_page(context) -> dict:
    return {
        "days": {row.day.day.isoformat(): of_totals(row.day.totals)
                 for row in context["table"].rows if row.day.totals.count},
        "by_debit_type": {str(t.code): money(t.total) for t in context["by_debit_type"]},
        "cashups": [_cashup_from_page(c) for c in context["cashups"]],
    }


def _cashup_from_page(c) -> dict:
    return {
        "id": c.cashup_id, "timestamp": instant(c.timestamp), "from": instant(c.from_date),
        "income_total": money(c.income_total), "payout_total": money(c.payout_total),
        "total": money(c.total),
        "total_grouped": {label: money(v) for label, v in c.total_grouped if v},
        "income_grouped": {str(t.code): money(t.total) for t in c.income_grouped},
        "payout_grouped": {str(t.code): money(t.total) for t in c.payout_grouped},
    }


def _cashups_from_raw(found: dict, labels: dict) -> list[dict]:
    return [_cashup_from_raw(row, found, labels) for row in found["shown"]]


def _cashup_from_raw(row, found: dict, labels: dict) -> dict:
    """Koha's summary of one cashup, from the slot sums (``Cashup.pm``'s signs)."""
    cashup_id, stamp = row[0], row[1]
    slots = slots_of(found["boundaries"], stamp)
    j = found["boundaries"].index(stamp)
    lines = [r for r in found["lines"] if r[0] in slots]
    income = sum((r[4] for r in lines if r[1]), ZERO)
    payout = sum((r[4] for r in lines if r[2]), ZERO)
    by_type = defaultdict(Decimal)
    for _, is_income, is_payout, payment_type, total in lines:
        by_type[payment_type] += total * (is_income + is_payout)
    return {
        "id": cashup_id, "timestamp": instant(stamp),
        "from": instant(found["boundaries"][j - 1]) if j else None,
        "income_total": money(abs(income)), "payout_total": money(abs(payout)),
        "total": money(-(income + payout)),
        "total_grouped": {label: money(by_type.get(code)) for code, label in labels.items()
                          if by_type.get(code)},
        "income_grouped": _type_totals(found["income"], slots),
        "payout_grouped": _type_totals(found["payout"], slots),
    }


def _type_totals(rows, slots: set[int]) -> dict:
    totals = defaultdict(Decimal)
    for slot, code, _description, total in rows:
        if slot in slots:
            totals[code] += total
    return {str(code): money(-total) for code, total in totals.items()}


# --- day --------------------------------------------------------------------------------------


def day_from_raw(found: dict) -> dict:
    links = defaultdict(list)
    for line_id, _offset_id, other_id, amount, *_ in found["links"]:
        links[line_id].append([other_id, money(-amount)])
    totals = [(flag, ptype, total, n) for _, flag, ptype, total, n in found["totals"]]
    register, day = found["register"][0][0], found.get("day")
    recorded = {(register, day, ptype): value for ptype, value in _recorded(totals).items()}
    return {
        "totals": fold(totals),
        "lines": [{"id": r[0], "amount": money(-r[2]), "payment_type": r[3],
                   "linked": links[r[0]], "external_id": r[18]} for r in found["lines"]],
        "devices": _devices_from_raw(found["settlements"], recorded),
    }


def day_from_page(context) -> dict:
    table = context["table"]
    return {
        "totals": of_totals(table.total.totals),
        "lines": [{"id": line.line_id, "amount": money(line.amount),
                   "payment_type": line.payment_type,
                   "linked": [[x.line_id, money(x.amount)] for x in line.linked],
                   "external_id": line.external_id} for line in table.lines],
        "devices": _devices_from_page(context["device_days"]),
    }


def summary(name: str, page: dict) -> str:
    """A line for the report: what the check compared."""
    if name == "overview":
        period = [r["period"] for r in page.values()]
        return (f"{len(page)} registers, {sum(p['count'] for p in period)} lines on the day, "
                f"income {sum(Decimal(p['income']) for p in period)}")
    if name == "day":
        return f"{len(page['lines'])} lines, income {page['totals']['income']}"
    if name == "journal_30d":
        return (f"{len(page['clearing'])} payment types, net "
                f"{sum(Decimal(v) for v in page['clearing'].values())}, "
                f"income {page['income']}")
    days = page["days"].values()
    return (f"{len(page['days'])} days with lines, {sum(d['count'] for d in days)} lines, "
            f"income {sum(Decimal(d['income']) for d in days)}, {len(page['cashups'])} cashups, "
            f"{len(page['by_debit_type'])} debit types")


# --- the finance journal: money through each payment type, income by debit type ----------------


def journal_from_raw(found: dict) -> dict:
    clearing: dict = defaultdict(Decimal)
    for _day, _library, payment_type, _credit, _debit, total in found["lines"]:
        clearing[payment_type or ""] -= total
    income = -sum((row[-1] for row in found["paid"]), ZERO)
    return {"clearing": {k: money(v) for k, v in sorted(clearing.items()) if v},
            "income": money(income)}


def journal_from_page(context) -> dict:
    """Money through each payment type (``Takings`` less ``Payouts`` lines), and the gross income
    the credits paid: every ``Income`` line with the VAT taken out of it (``VAT`` lines; not the
    refunds' ``VAT refunded``). The page is asked for everything (``view=all``): a database
    seeded by ``seed_demo`` has a posted day."""
    clearing: dict = defaultdict(Decimal)
    income = ZERO
    for line in context["journal"].lines:
        word, code = line.description.split()[:2]
        code = "" if line.description.endswith("No payment type") else code
        if word in ("Takings", "Payouts"):
            clearing[code] += line.debit - line.credit
        elif word == "Income" or (word == "VAT" and code != "refunded"):
            income += line.credit - line.debit
    return {"clearing": {k: money(v) for k, v in sorted(clearing.items()) if v},
            "income": money(income)}


FROM_RAW = {"overview": overview_from_raw, "register_30d": register_from_raw,
            "day": day_from_raw, "journal_30d": journal_from_raw}
FROM_PAGE = {"overview": overview_from_page, "register_30d": register_from_page,
             "day": day_from_page, "journal_30d": journal_from_page}
