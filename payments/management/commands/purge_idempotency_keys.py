"""``manage.py purge_idempotency_keys [--days N]``: forget idempotency keys older than
KOHAPAY_IDEMPOTENCY_DAYS (see payments.services.purge for what is kept), and delete the rate
limits' counters of windows that have ended (core.rate_counter) and Koha API keys' expired tokens.
Run it daily (cron)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.rate_counter import purge_rate_counters
from payments.services.purge import purge_expired_key_tokens, purge_idempotency_keys


class Command(BaseCommand):
    help = ("Forget the Idempotency-Keys of intakes older than KOHAPAY_IDEMPOTENCY_DAYS and "
            "delete the rate-limit counters of ended windows and Koha API keys' expired "
            "tokens.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.KOHAPAY_IDEMPOTENCY_DAYS,
                            help="Age in days (default: KOHAPAY_IDEMPOTENCY_DAYS).")

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        count = purge_idempotency_keys(days=days)
        self.stdout.write(f"Forgot {count} idempotency key(s) older than {days} day(s).")
        counters = purge_rate_counters()
        self.stdout.write(f"Deleted {counters} rate-limit counter(s) of ended windows.")
        tokens = purge_expired_key_tokens()
        self.stdout.write(f"Deleted {tokens} expired Koha API key token(s).")
