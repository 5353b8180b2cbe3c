"""kohapay's session engine (settings ``SESSION_ENGINE``): Django's database sessions, except that
a Koha staff session's row lives for Koha's ``timeout`` preference after its last write instead of
``KOHAPAY_SESSION_SECONDS`` — so Koha's idle limit holds when it is the longer one too (Koha's
default is a day). The cookie still ends with the browser, as Koha's own does; the
idle limit itself is enforced by ``core.staff_sessions``, whose re-checks write the session at
least once a minute of activity.
"""
from django.contrib.sessions.backends import db

from core.staff_sessions import SESSION_KEY


class SessionStore(db.SessionStore):
    def get_session_cookie_age(self):
        state = self.get(SESSION_KEY)
        return state["timeout"] if state else super().get_session_cookie_age()
