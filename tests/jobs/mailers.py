"""Mail servers for the tests: one that refuses a number of times before it works."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    """Refuses the next ``failures`` attempts to send, as a server that is down."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).failures > 0:
            type(self).failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
