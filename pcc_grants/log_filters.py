"""Log records as someone reading the development or production log wants them."""

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is routine: the permission said why, on the page. It is
    logged as one line ("Forbidden (…): /path/"), not with the traceback of the
    PermissionDenied that carried the reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
