"""Django's authentication backend for Koha staff logins (``core.staff_login``), beside Django's
own ``ModelBackend`` for kohapay's users (settings ``AUTHENTICATION_BACKENDS``: that one first,
so that a kohapay user's right password never counts as a failed Koha login).

Only the dashboard's login form asks this backend (``koha_staff=True``): HTTP Basic on the JSON
figures and other callers of ``authenticate`` reach kohapay's own users only, so a Koha password
is tried where there is a rate limit and nowhere else.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

from core import staff_login

PATH = "core.backends.KohaStaffBackend"


class KohaStaffBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, *, koha_staff=False, **kwargs):
        """The patron's Django user, or None. Why a Koha login was refused is left on the
        request (``koha_login_refusal``) for the login form to say."""
        if not (koha_staff and settings.KOHAPAY_KOHA_LOGIN and username and password is not None):
            return None
        checked = staff_login.check(username, password)
        user, refusal = None, checked.refusal
        if refusal is None:
            user = staff_login.linked_user(checked.member)
            if user is None:
                refusal = staff_login.NAME_TAKEN
            elif not user.is_active:
                user, refusal = None, staff_login.DISABLED
        staff_login.log_outcome(checked, refusal)
        if request is not None:
            request.koha_login_refusal = refusal
        if user is not None:
            user.koha_login = checked  # what the session starts from (core.staff_sessions.begin)
        return user

    def get_user(self, user_id):
        """Only a user linked to a Koha patron: a session this backend started can never turn
        into a kohapay user's."""
        return (get_user_model().objects
                .filter(pk=user_id, is_active=True, koha_link__isnull=False).first())
