"""What a signature was made with: the password, a second factor, or both."""

from django.db import models


class SigningFactor(models.TextChoices):
    PASSWORD = "password", "Password"
    PASSWORD_TOTP = "password_totp", "Password and authenticator app code"
    PASSWORD_RECOVERY = "password_recovery", "Password and recovery code"
    PASSWORD_PASSKEY = "password_passkey", "Password and passkey"
    TOTP = "totp", "Authenticator app code"
    RECOVERY = "recovery", "Recovery code"
    PASSKEY = "passkey", "Passkey"
