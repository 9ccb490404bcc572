"""Search backends: one compiler per engine, each taking the parse (never user syntax).

- `fts5`: SQLite FTS5, the embedded default: MATCH expressions, and the DDL of an
  external-content FTS5 table kept in step by triggers.
- `postgres`: PostgreSQL full text: SearchQuery objects, ts_rank_cd and ts_headline.
- `elasticsearch`: the mapping, the query body and reading the answer; the only module that
  imports elasticsearch-dsl.

The backend objects themselves (`search(query) -> SearchResults`, see
`consultation.search.types.SearchBackend`) join these with the feedback item model; the
choice between them is `configured_engine()`.
"""

from django.conf import settings
from django.db import connection


def configured_engine():
    """Which engine answers searches: "elasticsearch" when ELASTICSEARCH_URL is set,
    otherwise the database's own ("sqlite" or "postgresql")."""
    if settings.ELASTICSEARCH_URL:
        return "elasticsearch"
    return connection.vendor
