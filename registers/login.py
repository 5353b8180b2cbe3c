"""The dashboard's login page: kohapay's own users and Koha staff, one form.

Django's ``LoginView`` with three additions: a rate limit per address and per username before any
password is looked at (``core.throttling.login_wait``); the Koha staff backend asked too
(``koha_staff=True``), with the sentence for each of its refusals; and the Koha session's state
stored once Django has logged the user in (and rotated the session key).
"""
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView

from core import backends, staff_login, staff_sessions
from core.throttling import login_wait

INVALID = "Your username and password didn't match. Please try again."
REFUSED = {
    staff_login.EXPIRED: "Your Koha password has expired: change it in Koha, then log in here "
                         "with the new one.",
    staff_login.TWO_FACTOR: "Koha requires two-factor authentication for this account, which "
                            "kohapay cannot check yet: this account cannot log in here.",
    staff_login.NO_PERMISSION: "Your Koha account may not see cash registers: it needs Koha's "
                               "catalogue permission and cash_management (cashup or "
                               "anonymous_refund). Ask your Koha administrator.",
    staff_login.DISABLED: "Your kohapay account has been disabled. Ask your kohapay administrator.",
    staff_login.NAME_TAKEN: "kohapay cannot link this Koha account (its user name is taken). Ask "
                            "your kohapay administrator.",
}


class LoginForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID, **REFUSED}

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password,
                                           koha_staff=True)
            if self.user_cache is None:
                reason = getattr(self.request, "koha_login_refusal", None)
                code = reason if reason in REFUSED else "invalid_login"
                raise forms.ValidationError(self.error_messages[code], code=code)
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # A Koha patron's Django user given a password in the admin is still no kohapay user.
        if user.backend != backends.PATH and staff_login.is_linked(user):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class DashboardLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = login_wait(request, request.POST.get("username", ""))
        if wait is not None:
            response = self.render_to_response(self.get_context_data(rate_limited=wait))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # logs in: a new session key
        if form.get_user().backend == backends.PATH:
            staff_sessions.begin(self.request, form.get_user())
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(koha_logins=settings.KOHAPAY_KOHA_LOGIN, **kwargs)
