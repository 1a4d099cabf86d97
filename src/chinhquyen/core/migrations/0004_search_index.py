"""The search index tables (core.search, ADR 0022): hand-written SQL, one set per database vendor.

No Django model maps these tables: the engines read and write them with SQL of their own (FTS5
and tsvector have no ORM form), so `makemigrations` has nothing to track.
"""

from django.db import migrations

COMMON = [
    """
    CREATE TABLE core_search_entry (
        id bigint NOT NULL PRIMARY KEY,
        kind varchar(60) NOT NULL,
        object_id bigint NOT NULL,
        agency_id bigint NULL,
        secrecy smallint NOT NULL DEFAULT 0,
        doc_type varchar(30) NOT NULL DEFAULT '',
        doc_date date NULL,
        title text NOT NULL DEFAULT '',
        content text NOT NULL DEFAULT '{}',
        generation bigint NOT NULL DEFAULT 0
        {extra_columns}
    )
    """,
    "CREATE UNIQUE INDEX core_search_entry_object ON core_search_entry (kind, object_id)",
    "CREATE INDEX core_search_entry_agency ON core_search_entry (agency_id, id)",
    "CREATE INDEX core_search_entry_generation ON core_search_entry (kind, generation)",
    """
    CREATE TABLE core_search_tag (
        tag varchar(200) NOT NULL,
        entry_id bigint NOT NULL,
        PRIMARY KEY (tag, entry_id)
    )
    """,
    "CREATE INDEX core_search_tag_entry ON core_search_tag (entry_id)",
]

SQLITE = [
    # INTEGER PRIMARY KEY makes id the rowid (the sort key) on SQLite.
    *[s.replace("id bigint NOT NULL PRIMARY KEY", "id INTEGER NOT NULL PRIMARY KEY").replace("{extra_columns}", "") for s in COMMON],
    # unicode61 with remove_diacritics 2, fed text that core.folding already folded (đ included).
    "CREATE VIRTUAL TABLE core_search_fts USING fts5(a, b, c, d, tokenize = 'unicode61 remove_diacritics 2')",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *[s.replace("{extra_columns}", ", tsv tsvector NOT NULL") for s in COMMON],
    "CREATE INDEX core_search_entry_tsv ON core_search_entry USING gin (tsv)",
    "CREATE SEQUENCE core_search_serial",
    "CREATE TABLE core_search_word (word varchar(64) NOT NULL PRIMARY KEY)",
    "CREATE INDEX core_search_word_trgm ON core_search_word USING gin (word gin_trgm_ops)",
]

DROP_SQLITE = ["DROP TABLE IF EXISTS core_search_fts", "DROP TABLE IF EXISTS core_search_tag", "DROP TABLE IF EXISTS core_search_entry"]
DROP_POSTGRESQL = [
    "DROP TABLE IF EXISTS core_search_word",
    "DROP SEQUENCE IF EXISTS core_search_serial",
    "DROP TABLE IF EXISTS core_search_tag",
    "DROP TABLE IF EXISTS core_search_entry",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"core.search has no tables for the {schema_editor.connection.vendor} database")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0003_jobprogress")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": DROP_SQLITE, "postgresql": DROP_POSTGRESQL}),
        ),
    ]
