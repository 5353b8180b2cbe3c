"""Koha's identity rules, mirrored: how Koha checks a staff password or an API secret
(``passwords``), what a patron may do (``permissions``, Koha's ``haspermission``), when an account
is locked and the two counter updates of a login (``lockout``), which libraries a staff member
acts for (``libraries``), and the preferences those rules read (``preferences``).

Everything here reads Koha's tables; the one write is ``lockout``'s ``login_attempts`` counter,
as Koha's own login writes it. Sources read (Koha-Community/Koha): ``C4/Auth.pm``
(``checkpw_hash``, ``getuserflags``, ``haspermission``, ``_dispatch``, ``_timeout_syspref``),
``Koha/Patron.pm`` (``account_locked``, ``password_expired``, ``can_log_into``),
``Koha/AuthUtils.pm`` (``hash_password``), ``t/db_dependent/Auth/haspermission.t`` and
``t/db_dependent/Auth.t``; ``docs/koha-rows.md`` ("Identities") lists what each taught.
"""
