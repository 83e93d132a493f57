from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from devtools.demo.second_factors import DEMO_AUTHENTICATOR


class Command(BaseCommand):
    help = (
        "Print the current code of a demo user's demonstration authenticator, for trying "
        "the demo without a phone. Refuses any other device."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_AUTHENTICATOR, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demonstration authenticator.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
