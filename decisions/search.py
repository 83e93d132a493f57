"""Searching the public register: every published text, ranked, and the reference
however it is typed (``034/2016``, ``034 2016``, ``0342016`` all find ``034-2016``).

On PostgreSQL, full-text search with English stemming: the title weighted A, every
other published text weighted B, in a text vector PostgreSQL stores with each snapshot
(a generated column with a GIN index, migration decisions 0012). Elsewhere (SQLite),
the same words matched the same way: the title's and the text's English stems are
stored on the snapshot at publication (``pcc_grants.search``), and a record is found
when it has every stem of the query, ranked by how many of them its title holds.
Both read only what the snapshot publishes: a section withheld is not in its text,
so nothing in it can match.
"""

import re
from datetime import date

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Expression

from pcc_grants.search import contains_stem, stemmed, stems
from pcc_grants.years import financial_year_of

NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")


def reference_key(text: str) -> str:
    """A reference's letters and digits, lower case: ``exe002513`` for ``EXE 0025/13``."""
    return NOT_LETTERS_OR_DIGITS.sub("", text.casefold())


def search_columns(view: dict, *, title: str, text: str) -> dict:
    """The snapshot's columns for the register's filters and search, from its public
    shape and its published title and text."""
    decided = view.get("decision_date")
    return {
        "financial_year": financial_year_of(date.fromisoformat(decided)) if decided else None,
        "significant_public_interest": bool(view.get("significant_public_interest")),
        "reference_key": reference_key(view["reference"] or ""),
        "title_words": stemmed(title),
        "text_words": stemmed(text),
    }


def _by_reference(text: str) -> tuple[Q, Case]:
    """Records whose reference holds what was typed, in any spacing, and a rank that
    puts the one it names exactly first. Only text with a digit in it is a reference:
    "knife" is not."""
    key = reference_key(text)
    if not any(character.isdigit() for character in key):
        return Q(pk__in=[]), Value(0)
    exact = Case(When(reference_key=key, then=Value(1)), default=Value(0))
    return Q(reference_key__contains=key), exact


class StoredVector(Expression):
    """The snapshot's text vector: the generated column of migration decisions 0012,
    which PostgreSQL fills and the model does not declare."""

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


def register_search(snapshots: QuerySet, text: str) -> QuerySet:
    """The snapshots that match ``text``, best first: the record the reference names,
    then by rank, then newest first."""
    by_reference, exact = _by_reference(text)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

        vector = StoredVector(output_field=SearchVectorField())
        query = SearchQuery(text, search_type="websearch", config="english")
        found = snapshots.annotate(search=vector, rank=SearchRank(vector, query)).filter(
            Q(search=query) | by_reference
        )
    else:
        words = list(dict.fromkeys(stems(text)))
        every_word = Q()
        for word in words:
            stem = contains_stem(word)
            every_word &= Q(title_words__contains=stem) | Q(text_words__contains=stem)
        in_title = [
            Case(
                When(title_words__contains=contains_stem(word), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for word in words
        ]
        rank = sum(in_title[1:], in_title[0]) if in_title else Value(0)
        matching = every_word if words else Q(pk__in=[])
        found = snapshots.annotate(rank=rank).filter(matching | by_reference)
    return found.annotate(exact=exact).order_by(
        F("exact").desc(), F("rank").desc(), "-decision_date", "-decision_id"
    )
