"""Many new rows written in few statements, storing what ``QuerySet.bulk_create`` and
django-simple-history's ``bulk_history_create`` store, for the imports that write
thousands of rows at a time.

``bulk_create`` prepares every value through its query compiler, a dozen Python calls
a value: for an import of 10,000 allocations and their history that is most of the
import's time, more than the database takes to store them. Here each column's
preparation is chosen once for the call: a value the database driver takes as it is
(a ``str`` for a text column, an ``int`` for an integer or a foreign key, a ``bool``,
``None``) is passed as it is, and any other goes through the field's own
``get_db_prep_save``, as ``bulk_create`` would send it.

The rows go in multi-row ``INSERT … RETURNING`` statements (PostgreSQL, SQLite 3.35+),
as many rows a statement as ``bulk_create`` puts in one, and the new primary keys come
back in the order of the rows, as ``bulk_create`` relies on.
"""

from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import NotSupportedError, connections, models
from django.db.models.fields import Field
from django.utils import timezone

# Fields whose values the drivers take unchanged, for these Python types.
_TAKEN_AS_THEY_ARE: tuple[tuple[type[Field], tuple[type, ...]], ...] = (
    (models.BooleanField, (bool,)),
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.IntegerField, (int,)),
    (models.AutoField, (int,)),
    (models.BigAutoField, (int,)),
    (models.SmallAutoField, (int,)),
)


def _plain_types(field: Field) -> tuple[type, ...]:
    """The Python types the field stores as they are (``bool`` never counts as an
    ``int``: Django would store it as one)."""
    if isinstance(field, models.ForeignKey):
        return _plain_types(field.target_field)
    if field.choices is not None and not isinstance(field, (models.CharField, models.TextField)):
        return ()
    for kind, types in _TAKEN_AS_THEY_ARE:
        if isinstance(field, kind) and all(
            getattr(type(field), method) is getattr(kind, method)
            for method in ("get_db_prep_save", "get_db_prep_value", "get_prep_value")
        ):
            return types
    return ()


def _preparer(field: Field, connection) -> Callable:
    plain = _plain_types(field)
    prepare = field.get_db_prep_save

    # A text column takes a ``str`` subclass (a choices enum member) as ``bulk_create``
    # passes it: as it is.
    text = str in plain

    def prepared(value):
        if value is None or type(value) in plain or (text and isinstance(value, str)):
            return value
        return prepare(value, connection=connection)

    return prepared


def _reader(field: Field) -> Callable:
    """How to read the field's value from an object being added, as ``bulk_create``
    reads it: through ``pre_save`` where the field does something there (an
    ``auto_now`` date, a file)."""
    plain_date = isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add)
    if type(field).pre_save is Field.pre_save or plain_date:
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.pre_save(obj, True)


def insertable_fields(model: type[models.Model]) -> list[Field]:
    """The columns ``bulk_create`` writes for new objects: every concrete field but an
    automatic primary key and generated columns."""
    opts = model._meta
    if opts.parents:
        raise NotSupportedError(f"{opts.label} inherits from another model.")
    return [
        field
        for field in opts.concrete_fields
        if not getattr(field, "generated", False)
        and not (field.primary_key and isinstance(field, models.AutoField))
    ]


def insert_rows(
    model: type[models.Model],
    fields: Sequence[Field],
    rows: Iterable[Sequence],
    *,
    using: str = "default",
) -> list:
    """Insert ``rows`` (each a sequence of Python values, one per field of
    ``fields``) into the model's table; the new primary keys, in the rows' order."""
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("This database cannot return the keys of a bulk insert.")
    preparers = [_preparer(field, connection) for field in fields]
    rows = [
        [prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows
    ]
    if not rows:
        return []
    quote = connection.ops.quote_name
    opts = model._meta
    # Only the model's own table and column names, quoted, go into the SQL; every value
    # is a parameter.
    start = (
        f"INSERT INTO {quote(opts.db_table)} "  # noqa: S608  # nosec B608
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    returning = f" RETURNING {quote(opts.pk.column)}"
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(connection.ops.bulk_batch_size(list(fields), rows), 1)
    keys = []
    with connection.cursor() as cursor:
        for first in range(0, len(rows), size):
            batch = rows[first : first + size]
            sql = start + ", ".join([one_row] * len(batch)) + returning
            cursor.execute(sql, [value for row in batch for value in row])
            keys.extend(key for (key,) in cursor.fetchall())
    if len(keys) != len(rows):
        raise NotSupportedError("The database returned a key for only some of the rows.")
    return keys


def insert_objects(objs: Sequence[models.Model], *, using: str = "default") -> None:
    """Insert new objects of one model, as ``bulk_create(objs)`` does: each value as its
    field's ``pre_save`` gives it, related objects' keys taken, then each object's
    primary key set and the object marked saved."""
    if not objs:
        return
    model = type(objs[0])
    fields = insertable_fields(model)
    readers = [_reader(field) for field in fields]
    rows = []
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("insert_objects takes new objects of one model.")
        obj._prepare_related_fields_for_save(operation_name="insert_objects")
        rows.append([read(obj) for read in readers])
    for obj, key in zip(objs, insert_rows(model, fields, rows, using=using), strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using


def insert_history(
    objs: Sequence[models.Model],
    *,
    update: bool,
    default_user=None,
    default_change_reason=None,
    using: str = "default",
) -> None:
    """The history rows django-simple-history's ``bulk_history_create`` writes for
    saved objects of one model: each tracked field's value now, the object's
    ``_history_user`` (else ``default_user``), its change reason, ``+`` for a record
    made or ``~`` for one changed, and the time."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = type(objs[0]).history.model
    if hasattr(history, "history_relation"):
        raise NotSupportedError(f"{history._meta.label} relates its rows to another model.")
    fields = insertable_fields(history)
    tracked = {field.attname for field in history.tracked_fields}
    now = timezone.now()
    history_type = "~" if update else "+"
    rows = []
    for obj in objs:
        if hasattr(obj, "_history_user"):
            user = obj._history_user
        else:
            user = default_user or history.get_default_history_user(obj)
        reason = getattr(obj, "_change_reason", None) or default_change_reason
        given = {
            "history_date": getattr(obj, "_history_date", now),
            "history_user_id": user.pk if user is not None else None,
            "history_change_reason": reason,
            "history_type": history_type,
        }
        rows.append(
            [
                getattr(obj, field.attname) if field.attname in tracked else given[field.attname]
                for field in fields
            ]
        )
    insert_rows(history, fields, rows, using=using)
