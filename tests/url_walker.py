"""Walk every URL pattern of a URLconf and request each one as an anonymous visitor."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# A value for each path converter, so that every pattern can be requested.
SAMPLE_VALUES = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "path": "sample/path",
    "uuid": "00000000-0000-0000-0000-000000000001",
}
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    # The pattern's full route as Django joins it, e.g. "funding/streams/<int:pk>/":
    # the same string as ``resolve(path).route`` for a path this pattern answers.
    route: str = ""


def _concrete(route: str) -> str:
    route = _CONVERTER.sub(lambda m: SAMPLE_VALUES.get(m["converter"] or "str", "1"), route)
    route = _REGEX_GROUP.sub("1", route)
    return route.lstrip("^").rstrip("$").replace("\\", "")


def iter_endpoints(urlconf=None) -> Iterator[Endpoint]:
    def walk(patterns, prefix: str, namespace: str, raw: str) -> Iterator[Endpoint]:
        for pattern in patterns:
            route = _concrete(str(pattern.pattern))
            # Joined as URLResolver._join_route joins them: an inner "^" is dropped.
            own = str(pattern.pattern)
            raw_route = raw + own.removeprefix("^") if raw else own
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                joined = ":".join(part for part in (namespace, inner) if part)
                yield from walk(pattern.url_patterns, prefix + route, joined, raw_route)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or pattern.lookup_str
                full = f"{namespace}:{name}" if namespace else name
                yield Endpoint(full, "/" + prefix + route, raw_route)

    yield from walk(get_resolver(urlconf).url_patterns, "", "", "")


def is_login_redirect(response) -> bool:
    """A redirect to the site's login page or the admin's."""
    if response.status_code not in (301, 302):
        return False
    location = response.headers.get("Location", "")
    return location.startswith(("/accounts/login/", "/admin/login/"))


def unprotected_endpoints(client, public: set[str], urlconf=None) -> list[str]:
    """Endpoints not on ``public`` that answer an anonymous GET without asking to sign in."""
    problems = []
    for endpoint in iter_endpoints(urlconf):
        if endpoint.name in public:
            continue
        response = client.get(endpoint.url, follow=False)
        if not is_login_redirect(response):
            problems.append(f"{endpoint.name} ({endpoint.url}) answered {response.status_code}")
    return problems
