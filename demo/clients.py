"""Demo data of the payments app, called by `manage.py seed_demo` (SQLite demo database): the
kiosk's Koha API key (what a library gives its kiosk vendor) and kohapay's own API client (the
fallback for a Koha without API keys)."""
import uuid

from django.db.models import Q

from koha.identity import passwords
from koha.models import (
    AccountLine,
    ApiKey,
    AuthorisedValue,
    CashRegister,
    DebitType,
    DebitTypeLibrary,
    Library,
    Patron,
)
from payments.models import ApiClient
from payments.services.clients import (
    ClientCredentials,
    create_api_client,
    rotate_client_secret,
)

DEMO_CLIENT = "Demo kiosk"
DEMO_KEY = "Demo self-service kiosk"  # api_keys.description of the kiosk's Koha API key
DEMO_STAFF_USERID = "kohapay_kiosk"  # the staff patron seed_demo creates for the kiosk
BASE_URL = "http://127.0.0.1:8000"


def create_demo_api_key() -> list[str]:
    """Make the kiosk's Koha API key afresh, as a librarian makes one in Koha for the kiosk's
    staff patron (who holds ``updatecharges``): a UUID client id and secret, the secret stored as
    Koha's bcrypt. Return lines with the key and ready-to-paste curl commands."""
    staff = _demo_staff_patron()
    if staff is None:
        return ["No staff patron in the demo database: the demo Koha API key was not made."]
    ApiKey.objects.filter(description=DEMO_KEY).delete()
    client_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
    ApiKey.objects.create(client_id=client_id, secret=passwords.koha_hash(secret),
                          description=DEMO_KEY, patron=staff, active=True)
    lines = [
        f"Koha API key '{DEMO_KEY}' (owner: Koha patron {staff.pk}, '{staff.userid}'; "
        "RESTOAuth2ClientCredentials is on):",
        f"  client_id:     {client_id}",
        f"  client_secret: {secret}",
    ]
    return lines + _curl_example(ClientCredentials(None, client_id, secret), "demo-key-1")


def create_demo_client() -> list[str]:
    """Create (or re-key) the demo kiosk API client for every library; return lines with its
    credentials and ready-to-paste curl commands."""
    staff = _demo_staff_patron()
    if staff is None:
        return ["No staff patron in the demo database: the demo API client was not created."]
    libraries = list(Library.objects.order_by("branchcode").values_list("branchcode", flat=True))
    credentials = _demo_credentials(staff.pk, libraries)
    lines = [
        f"kohapay API client '{DEMO_CLIENT}' (the fallback for a Koha without API keys; acts as "
        f"patron {staff.pk}, "
        f"libraries {', '.join(libraries)}):",
        f"  client_id:     {credentials.client_id}",
        f"  client_secret: {credentials.client_secret}",
    ]
    return lines + _curl_example(credentials, "demo-1")


def _demo_staff_patron() -> Patron | None:
    by_userid = Patron.objects.filter(userid=DEMO_STAFF_USERID).first()
    if by_userid is not None:
        return by_userid
    return Patron.objects.exclude(flags__isnull=True).exclude(flags=0).order_by("pk").first()


def _demo_credentials(staff_id: int, libraries: list[str]) -> ClientCredentials:
    client = ApiClient.objects.filter(name=DEMO_CLIENT).first()
    if client is None:
        return create_api_client(name=DEMO_CLIENT, staff_patron_id=staff_id,
                                 library_ids=libraries)
    client.staff_patron_id = staff_id
    client.active = True
    client.save(update_fields=["staff_patron", "active"])
    client.libraries.set(libraries)
    return rotate_client_secret(client)  # the old secret was never kept in clear


def _curl_example(credentials: ClientCredentials, reference: str) -> list[str]:
    register = CashRegister.objects.filter(archived=False).order_by("id").first()
    if register is None:
        return []
    debit_type = _sellable_type_at(register.library_id)
    patrons = Patron.objects.filter(Q(flags__isnull=True) | Q(flags=0)).order_by("pk")
    patron = patrons.filter(library_id=register.library_id).first() or patrons.first()
    payment_type = "CASH" if AuthorisedValue.objects.filter(
        category="PAYMENT_TYPE", authorised_value="CASH").exists() else "SIP01"
    if debit_type is None or patron is None:
        return []
    body = (f'{{"debit_type":"{debit_type}","amount":2.5,"payment_type":"{payment_type}",'
            f'"register_id":{register.id},"external_id":"{reference}"}}')
    sale = (f'{{"payment_type":"{payment_type}","external_id":"{reference}-sale","items":'
            f'[{{"debit_type":"{debit_type}","price":0.20,"quantity":12}}]}}')
    bearer = "-H \"Authorization: Bearer $TOKEN\""
    post = (f"  curl -s {BASE_URL}/api/v1/patrons/{patron.pk}/account/payments {bearer} "
            "-H 'Content-Type: application/json'")
    return [
        "A kiosk's day (README, 'A kiosk's day (API)'; docs/api.md): a token, its registers, "
        "what a patron owes, paying it, a new charge, a sale to a visitor (no patron):",
        f"  TOKEN=$(curl -s {BASE_URL}/api/v1/oauth/token -d grant_type=client_credentials "
        f"-d client_id={credentials.client_id} -d client_secret={credentials.client_secret} "
        "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
        f"  curl -s {BASE_URL}/api/v1/cash_registers {bearer}",
        f"  curl -s {BASE_URL}/api/v1/patrons/{patron.pk}/account {bearer}",
        *_pay_fines_example(post, patron.pk, register.id, payment_type, reference),
        f"{post} -H 'Idempotency-Key: {reference}' -d '{body}'",
        f"  curl -s {BASE_URL}/api/v1/cash_registers/{register.id}/sales {bearer} "
        f"-H 'Content-Type: application/json' -H 'Idempotency-Key: {reference}-sale' "
        f"-d '{sale}'",
    ]


def _pay_fines_example(post: str, patron_id: int, register_id: int, payment_type: str,
                       reference: str) -> list[str]:
    """Paying what the patron owes (the demo leaves them fines: ``demo.fines``), by Koha's
    account line ids; nothing when they owe nothing."""
    owed = AccountLine.objects.filter(patron_id=patron_id, amount__gt=0,
                                      amountoutstanding__gt=0).order_by("pk")
    lines = list(owed.values_list("pk", "amountoutstanding"))
    if not lines:
        return []
    ids = ",".join(str(pk) for pk, _ in lines)
    total = format(sum(amount for _, amount in lines).normalize(), "f")
    body = (f'{{"amount":{total},"payment_type":"{payment_type}","register_id":{register_id},'
            f'"account_lines_ids":[{ids}],"external_id":"{reference}-fines"}}')
    return [f"{post} -H 'Idempotency-Key: {reference}-fines' -d '{body}'"]


def _sellable_type_at(branchcode: str) -> str | None:
    """A type a kiosk sells (can_be_sold, not archived) that the library limits allow here."""
    limits: dict[str, set[str]] = {}
    for code, library in DebitTypeLibrary.objects.values_list("debit_type_code", "branchcode"):
        limits.setdefault(code, set()).add(library)
    sellable = DebitType.objects.filter(can_be_sold=True, archived=False).order_by("code")
    return next((code for code in sellable.values_list("code", flat=True)
                 if code not in limits or branchcode in limits[code]), None)
