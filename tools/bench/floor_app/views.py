"""The floor's views: parse the JSON body, write with a raw cursor in one transaction, answer.

The body carries everything pre-resolved (patron, staff, library, register): nothing is looked
up or checked, which is exactly what makes this a floor.
"""
import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tools.bench import ledger_sql, till_sql
from tools.bench.workload import payment_from_body, sale_from_body


@csrf_exempt
@require_POST
def intake(request):
    """One call: the whole §3.6 row set plus the intake record."""
    payment = payment_from_body(json.loads(request.body))
    with transaction.atomic(), connection.cursor() as cur:
        debit_id, credit_id = ledger_sql.write_payment(cur, payment)
    return JsonResponse({"payment_id": credit_id, "debit_id": debit_id}, status=201)


@csrf_exempt
@require_POST
def charge(request):
    """Koha's first call (``POST …/account/debits``): the debit and its CREATE offset and log."""
    payment = payment_from_body(json.loads(request.body))
    with transaction.atomic(), connection.cursor() as cur:
        debit_id = ledger_sql.write_charge(cur, payment)
    return JsonResponse({"account_line_id": debit_id}, status=201)


@csrf_exempt
@require_POST
def pay(request):
    """Koha's second call (``POST …/account/credits`` applied to that debit)."""
    body = json.loads(request.body)
    payment = payment_from_body(body)
    with transaction.atomic(), connection.cursor() as cur:
        credit_id = ledger_sql.write_pay(cur, payment, int(body["debit_id"]))
    if credit_id is None:
        return JsonResponse({"error": "Debit not found or not outstanding."}, status=409)
    return JsonResponse({"account_line_id": credit_id}, status=201)


@csrf_exempt
@require_POST
def sale(request):
    """kohapay's sale of three items (``POST …/cash_registers/{id}/sales``): the same rows."""
    with transaction.atomic(), connection.cursor() as cur:
        credit_id = till_sql.write_sale(cur, sale_from_body(json.loads(request.body)))
    return JsonResponse({"sale_id": credit_id}, status=201)


@csrf_exempt
@require_POST
def pay_debit(request):
    """kohapay's payment of one existing debit (``POST …/account/payments`` naming it in
    ``account_lines_ids``): the same rows."""
    body = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cur:
        credit_id = till_sql.write_pay_of(cur, payment_from_body(body), int(body["debit_id"]))
    if credit_id is None:
        return JsonResponse({"error": "Debit not found or not outstanding."}, status=409)
    return JsonResponse({"payment_id": credit_id}, status=201)
