"""API clients: creation (the secret is shown once, then only its hash is kept), secret
rotation and deactivation. Used by ``manage.py create_api_client``, the admin and the demo.
Deactivation works for Koha API keys' clients too (``services.koha_keys``); their secret is Koha's."""
from dataclasses import dataclass

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from koha.models import CashRegister, DebitType, Library, Patron
from payments.models import ApiClient, KohaKeyToken


class ClientConfigurationError(ValueError):
    """The client's staff patron, libraries, registers or debit types do not exist or disagree."""


@dataclass(frozen=True)
class ClientCredentials:
    client: ApiClient
    client_id: str
    client_secret: str  # in clear: only now, never again


def create_api_client(*, name: str, staff_patron_id: int, library_ids: list[str],
                      register_ids: list[int] = (), debit_type_codes: list[str] = (),
                      ) -> ClientCredentials:
    """Create the client and its OAuth2 application (client credentials, confidential)."""
    check_client_scope(staff_patron_id=staff_patron_id, library_ids=library_ids,
                       register_ids=register_ids, debit_type_codes=debit_type_codes)
    if ApiClient.objects.filter(name=name).exists():
        raise ClientConfigurationError(f"An API client named {name!r} already exists.")
    secret = generate_client_secret()
    with transaction.atomic():
        application = new_application(name, secret)
        client = ApiClient.objects.create(name=name, application=application,
                                          staff_patron_id=staff_patron_id)
        client.libraries.set(library_ids)
        client.registers.set(register_ids)
        client.debit_types.set(debit_type_codes)
    return ClientCredentials(client, application.client_id, secret)


def new_application(name: str, secret: str) -> Application:
    """The toolkit hashes ``client_secret`` when it saves (``hash_client_secret`` is on)."""
    return Application.objects.create(
        name=name, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret, hash_client_secret=True,
    )


def rotate_client_secret(client: ApiClient) -> ClientCredentials:
    """A new secret for an existing client; its tokens are revoked."""
    if client.is_koha_key:
        raise ClientConfigurationError(
            f"{client.name} is a Koha API key: its secret is made (and revoked) in Koha.")
    secret = generate_client_secret()
    with transaction.atomic():
        application = client.application
        application.client_secret = secret
        application.save(update_fields=["client_secret"])
        revoke_tokens(client)
    return ClientCredentials(client, application.client_id, secret)


def set_client_active(client: ApiClient, active: bool) -> None:
    """Deactivation refuses its tokens at once (authentication checks ``active``) and deletes
    them, so reactivating a client does not bring old tokens back."""
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(active=active)
        client.active = active
        if not active:
            revoke_tokens(client)


def revoke_tokens(client: ApiClient) -> int:
    if client.is_koha_key:  # no application: its tokens are kohapay's own
        deleted, _ = KohaKeyToken.objects.filter(client=client).delete()
    else:
        deleted, _ = AccessToken.objects.filter(application_id=client.application_id).delete()
    return deleted


def check_client_scope(*, staff_patron_id: int, library_ids, register_ids=(),
                       debit_type_codes=()) -> None:
    if not Patron.objects.filter(pk=staff_patron_id).exists():
        raise ClientConfigurationError(f"No patron has borrowernumber {staff_patron_id}.")
    if not library_ids:
        raise ClientConfigurationError("Give at least one library.")
    check_scope(library_ids=library_ids, register_ids=register_ids,
                debit_type_codes=debit_type_codes)


def check_scope(*, library_ids, register_ids=(), debit_type_codes=()) -> None:
    """Every library, register and debit type exists, and every register is at one of the
    libraries (when libraries are given: a Koha API key's narrowing may name registers only)."""
    _all_exist(Library.objects, "branchcode", library_ids, "library")
    _all_exist(DebitType.objects, "code", debit_type_codes, "debit type")
    registers = dict(CashRegister.objects.filter(pk__in=register_ids)
                     .values_list("id", "library_id"))
    for register_id in register_ids:
        if register_id not in registers:
            raise ClientConfigurationError(f"No cash register has the id {register_id}.")
        if library_ids and registers[register_id] not in library_ids:
            raise ClientConfigurationError(
                f"Cash register {register_id} belongs to {registers[register_id]}, which is not "
                "one of the client's libraries."
            )


def _all_exist(manager, field: str, values, label: str) -> None:
    found = set(manager.filter(**{f"{field}__in": list(values)}).values_list(field, flat=True))
    missing = [value for value in values if value not in found]
    if missing:
        raise ClientConfigurationError(f"Unknown {label}: {', '.join(map(str, missing))}.")
