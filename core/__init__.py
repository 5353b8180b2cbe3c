"""What both apps use: Koha's error body and the one exception handler, the read-only admin base,
rate limiting and its counter, the dashboard's authentication backend, exact JSON and money,
``/healthz``. It imports ``koha`` only."""
