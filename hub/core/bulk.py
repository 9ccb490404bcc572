"""Inserting many rows of one model fast: one INSERT statement run with executemany.

Django's bulk_create builds a multi-row INSERT for each batch and prepares every value
through its field in Python; on SQLite the 999-variable limit cuts a batch to a few dozen
rows, so 100,000 rows cost thousands of statements compiled anew. Here the statement is
written once and the driver runs it for every row; only the values whose database form
differs from the Python one (times, JSON, ...) go through their field. It sends no signals
and returns no ids, like an INSERT by hand: callers that need the ids read them back.
"""

from django.db import connections

# Field types whose values the drivers take as they are (str, int, bool, None).
_AS_THEY_ARE = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def insert_rows(model, rows, *, using="default"):
    """INSERT `rows` (dicts of field name or attname → value, every dict with the same
    names) into `model`'s table; a field a row leaves out gets its default, as with
    bulk_create. Returns how many rows were given."""
    if not rows:
        return 0
    connection = connections[using]
    quote = connection.ops.quote_name
    given = set(rows[0])
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.name in given or field.attname in given or not field.primary_key
    ]
    names = [field.attname if field.attname in given else field.name for field in fields]
    defaults = {name: field.get_default() for name, field in zip(names, fields, strict=True)}
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - model names
    adapters = [
        None
        if field.get_internal_type() in _AS_THEY_ARE
        else (lambda value, field=field: field.get_db_prep_save(value, connection))
        for field in fields
    ]
    columns_of_row = list(zip(names, adapters, strict=True))
    params = [
        [
            (row[name] if name in row else defaults[name])
            if adapt is None
            else adapt(row[name] if name in row else defaults[name])
            for name, adapt in columns_of_row
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)
