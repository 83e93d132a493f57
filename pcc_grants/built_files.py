"""Files built from many rows and kept in the database until what they read changes:
the open data, which would otherwise be rebuilt from thousands of rows on every
request although it changes only when a record is published or a grant changes.

A file is kept under its name with the key it was built for. The key is a fingerprint
of everything the file reads, taken by whoever serves it in one or two aggregate
queries (how many rows it lists, the sum and largest of their ids, when they last
changed) and of the address it links to: any change to those rows gives another key,
and the request that sees it builds the file again, even when nothing invalidated it.
``built_files_invalidate`` drops files at once, for the changes a fingerprint cannot
see (rows it does not count, such as a recipient's details).

The bytes live in the database, not in a process's memory, so that every app server
serves the same file and a grant withdrawn leaves all of them together.
"""

import gzip
import hashlib
from collections.abc import Callable, Iterable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .models import BuiltFile


def _now():
    return timezone.now()


def fingerprint(*parts: object) -> str:
    """The key for a file built from what ``parts`` describe (numbers, dates, text)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def built_file_store(*, name: str, key: str, content: bytes, content_type: str) -> BuiltFile:
    """Keep ``content`` as the file ``name`` built for ``key``, replacing what was kept.
    Two requests building the same file at once both succeed: the later one wins."""
    with transaction.atomic():
        built, _ = BuiltFile.objects.update_or_create(
            name=name,
            defaults={
                "key": key,
                "compressed": gzip.compress(content, compresslevel=6, mtime=0),
                "content_type": content_type,
                "built_at": _now(),
            },
        )
    return built


built_file_store.alters_data = True


def built_files_invalidate(*, names: Iterable[str]) -> None:
    """Drop the files ``names``: the next request for each builds it again."""
    with transaction.atomic():
        BuiltFile.objects.filter(name__in=list(names)).delete()


built_files_invalidate.alters_data = True


def built_file(*, name: str, key: str, build: Callable[[], bytes], content_type: str) -> BuiltFile:
    """The file ``name`` as kept for ``key``; built with ``build`` and kept when none is
    kept for that key (one query when it is)."""
    kept = BuiltFile.objects.filter(name=name, key=key).first()
    if kept is not None:
        kept.compressed = bytes(kept.compressed)  # PostgreSQL gives a memoryview
        return kept
    return built_file_store(name=name, key=key, content=build(), content_type=content_type)


def _accepts_gzip(request: HttpRequest) -> bool:
    accepted = request.headers.get("accept-encoding", "")
    return any(part.split(";")[0].strip() == "gzip" for part in accepted.split(","))


def built_file_response(
    request: HttpRequest, built: BuiltFile, *, filename: str = ""
) -> HttpResponse:
    """The kept file, with an ETag (its key) and Last-Modified (when it was built):
    a client that has it already gets 304 Not Modified and no body. ``no-cache``: a
    browser or proxy asks again every time, so a grant withdrawn leaves their copies
    too. Kept compressed: sent so to a client that accepts gzip, else uncompressed."""
    compressed = _accepts_gzip(request)
    etag = f'"{built.key[:32]}{"-gzip" if compressed else ""}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(built.built_at.timestamp())
    )
    if not_modified:
        response = not_modified
    elif compressed:
        response = HttpResponse(built.compressed, content_type=built.content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(built.content, content_type=built.content_type)
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Last-Modified"] = http_date(built.built_at.timestamp())
    patch_cache_control(response, no_cache=True)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def kept_response(
    request: HttpRequest,
    *,
    name: str,
    key: str,
    build: Callable[[], bytes],
    content_type: str,
    filename: str = "",
) -> HttpResponse:
    """The file ``name`` kept for ``key`` (built with ``build`` when it is not), as the
    response ``built_file_response`` makes."""
    built = built_file(name=name, key=key, build=build, content_type=content_type)
    return built_file_response(request, built, filename=filename)
