"""The Koha preferences the identity rules read, in one query, with Koha's defaults."""
from dataclasses import dataclass

from koha.models import SystemPreference

DEFAULTS = {
    "RESTOAuth2ClientCredentials": "0",
    "FailedLoginAttempts": "",
    "IndependentBranches": "0",
    "AnonymousPatron": "0",
    "TwoFactorAuthentication": "disabled",
    "timeout": "1d",
}
DEFAULT_TIMEOUT = 600  # C4::Auth::_timeout_syspref's fallback for an empty or invalid value


@dataclass(frozen=True)
class IdentityPreferences:
    client_credentials: bool
    failed_login_attempts: str
    independent_branches: bool
    anonymous_patron: int | None
    two_factor: str
    timeout_seconds: int


def _on(value: str) -> bool:
    return value.strip() not in {"", "0"}


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def timeout_seconds(value: str | None) -> int:
    """Koha's ``timeout``: plain seconds, or ``Nd`` / ``Nh``; anything else is 600 s."""
    value = (value or "").strip()
    if value[:-1].isdigit() and value[-1:] in {"d", "D"}:
        return int(value[:-1]) * 86400
    if value[:-1].isdigit() and value[-1:] in {"h", "H"}:
        return int(value[:-1]) * 3600
    if value.isdigit() and int(value) > 0:
        return int(value)
    return DEFAULT_TIMEOUT


def _two_factor(value: str) -> str:
    """``disabled`` / ``enabled`` / ``enforced``; Koha 22.05 stored it as a yes/no."""
    value = value.strip().lower()
    return {"": "disabled", "0": "disabled", "1": "enabled"}.get(value, value)


def load() -> IdentityPreferences:
    values = dict(DEFAULTS)
    values.update(
        (name, value or "")
        for name, value in SystemPreference.objects.filter(variable__in=DEFAULTS)
        .values_list("variable", "value")
    )
    return IdentityPreferences(
        client_credentials=_on(values["RESTOAuth2ClientCredentials"]),
        failed_login_attempts=values["FailedLoginAttempts"],
        independent_branches=_on(values["IndependentBranches"]),
        anonymous_patron=_int(values["AnonymousPatron"]) or None,
        two_factor=_two_factor(values["TwoFactorAuthentication"]),
        timeout_seconds=timeout_seconds(values["timeout"]),
    )
