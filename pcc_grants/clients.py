"""The client's address, for the sign-in and signing throttle.

Behind ``PROXY_COUNT`` trusted proxies (a load balancer is one), each proxy appends
the address it received the request from to ``X-Forwarded-For``: the client's
address is the entry that the outermost trusted proxy wrote, counted from the
right. Entries to the left of it were written by the client and are not believed.
With no trusted proxy (the default), only the socket's address counts, whatever
the headers say.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    proxies = getattr(settings, "PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR")
    if not proxies:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through every proxy: the socket's address is all we know
    return forwarded[-proxies]
