"""Second factors for the demonstration and for scripts that sign (the demo, the bulk
data): the demo users' authenticator apps, and one-time codes for scripted signatures."""

from base64 import b32encode

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_AUTHENTICATOR = "Demonstration authenticator (not for real use)"
SCRIPT_CODES = "One-time codes for a script's signatures"


def demo_authenticator(user) -> TOTPDevice:
    """The demo user's authenticator app: a secret to add to a real app, or whose
    current code ``manage.py demo_code`` prints."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_AUTHENTICATOR).first()
    return device or TOTPDevice.objects.create(user=user, name=DEMO_AUTHENTICATOR, confirmed=True)


def secret_of(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def one_time_code(user) -> str:
    """A single-use code for one scripted signature, used up as it signs."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=SCRIPT_CODES, defaults={"confirmed": True}
    )
    return StaticToken.objects.create(device=device, token=StaticToken.random_token()).token
