"""The finance journal: a register's takings as balanced ledger lines for the library's accounting
system (docs/journal.md).

Sits above the dashboard: ``journal`` → ``registers`` → ``payments`` → ``core`` → ``koha``.
What the register lines contributed is read as *facts* (``facts``); the finance office's
*mappings* turn facts into *journal lines* (``entries``); an export can be *posted*, which keeps
the lines as they were and the facts they came from, so that a later export of the same days
shows only what changed since (``services``).
"""
