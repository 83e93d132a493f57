from django.conf import settings
from django.db import models


class SecurityAction(models.TextChoices):
    AUTHENTICATOR_ADDED = "authenticator_added", "Authenticator app added"
    PASSKEY_ADDED = "passkey_added", "Passkey added"
    RECOVERY_CODES_CREATED = "recovery_codes_created", "Recovery codes created"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    DEVICE_REMOVED = "device_removed", "Second factor removed"
    RESET_BY_ADMINISTRATOR = "reset", "Two-factor authentication reset by an administrator"


class SecurityEvent(models.Model):
    """The audit trail of an account's second factors: what was added, used up or
    removed, by whom (the user, or the administrator who reset them), and when.
    Written by the services only; never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="security_events"
    )
    action = models.CharField(max_length=30, choices=SecurityAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=301)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.user} ({self.at:%d/%m/%Y %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise ValueError("A security event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A security event is never deleted.")
