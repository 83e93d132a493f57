#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcc_grants.settings")
    # Commands run by hand default to development; production sets DEBUG=0 (README:
    # Deploying). The WSGI entry point has no such default: it starts in production.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
