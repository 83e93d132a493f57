"""Change history from django-simple-history: who changed which field, and when."""

from dataclasses import dataclass
from datetime import datetime

from django.db import models

from .money import format_money


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[FieldChange]


def _shown(field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DecimalField) and field.decimal_places == 2:
        return format_money(value)
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    return str(value)


def change_history(history, *, limit: int = 25) -> list[HistoryEntry]:
    """The latest ``limit`` changes of a history queryset, newest first.

    A fixed number of queries: the records, then one per kind of related object
    named in them.
    """
    records = list(
        history.select_related("history_user").order_by("-history_date", "-pk")[: limit + 1]
    )
    if not records:
        return []
    model = records[0].instance_type
    tracked = [
        field
        for field in model._meta.concrete_fields
        if field.name in {f.name for f in records[0]._meta.fields} and not field.primary_key
    ]
    related_ids: dict[type, set] = {}
    for field in tracked:
        if isinstance(field, models.ForeignKey):
            ids = {getattr(record, field.attname) for record in records} - {None}
            related_ids.setdefault(field.related_model, set()).update(ids)
    names = {}
    for related_model, ids in related_ids.items():
        # A name may read the record's own foreign keys (a stream is named with its
        # year): joined, not read one by one.
        for obj in related_model._default_manager.filter(pk__in=ids).select_related():
            names[(related_model, obj.pk)] = str(obj)

    entries = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        for field in tracked:
            new = getattr(record, field.attname)
            old = getattr(older, field.attname) if older is not None else None
            if older is None and record.history_type == "+":
                if new in (None, "", False):
                    continue
            elif new == old:
                continue
            changes.append(
                FieldChange(
                    field=str(field.verbose_name),
                    old=_shown(field, old, names) if older is not None else "",
                    new=_shown(field, new, names),
                )
            )
        who = str(record.history_user) if record.history_user_id else "System (import or command)"
        action = {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type]
        if record.history_type == "~" and older is None:
            action = "Changed"
        entries.append(HistoryEntry(record.history_date, who, action, changes))
    return entries
