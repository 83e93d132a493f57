"""What a refused input must leave as it was: every row of the project's apps, and
the stored files."""

import hashlib
from pathlib import Path

from django.apps import apps

PROJECT_APPS = ("pcc_grants", "funding", "commissioning", "decisions", "reports", "grants")


def database_state() -> dict[str, tuple[int, str]]:
    """For every model of the project's apps (change history included): how many rows,
    and a SHA-256 of all their values in primary-key order."""
    state = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            digest = hashlib.sha256()
            count = 0
            for row in model._base_manager.order_by("pk").values_list().iterator():
                digest.update(repr(row).encode())
                count += 1
            state[model._meta.label] = (count, digest.hexdigest())
    return state


def stored_files(root: Path) -> list[tuple[str, int]]:
    root = Path(root)
    if not root.exists():
        return []
    return sorted(
        (str(path.relative_to(root)), path.stat().st_size)
        for path in root.rglob("*")
        if path.is_file()
    )
