"""The framework floor: a bare Django project (not installed into kohapay).

One view per write, ``csrf_exempt``, a raw cursor, one transaction, a small JSON body — no DRF, no
validation, no authentication, no ORM. Served by the same gunicorn settings as kohapay, it measures
what Django plus HTTP cost for the same rows, so kohapay's ratio to it is the cost of kohapay's own
layers. ``/charge`` + ``/pay`` are the equivalent minimal two-endpoint (Koha-style) baseline.
"""
