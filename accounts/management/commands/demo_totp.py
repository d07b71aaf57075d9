from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current TOTP code of a (demo) user — for local demos only."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="staff@demo.openbanking.kr")

    def handle(self, *args, email, **options):
        auth = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
        if auth is None:
            raise CommandError(f"{email} has no TOTP authenticator")
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(decrypt(auth.data["secret"]), current)))
