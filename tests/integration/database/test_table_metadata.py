"""The tables each package declares (on its own metadata) are exactly what the migrations make."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table

from ivr.db import make_engine, upgrade
from ivr.schema import table_metadata


def differences(database_url: str, metadata: list[MetaData]) -> list:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_every_packages_tables(database_url):
    assert differences(database_url, table_metadata()) == []


def test_a_package_left_out_of_the_list_shows_as_tables_the_models_lack(tmp_path):
    without_recordings = [m for m in table_metadata() if "recordings" not in m.tables]
    found = differences(f"sqlite:///{tmp_path / 'ivr.sqlite3'}", without_recordings)
    assert [(d[0], d[1].name) for d in found if isinstance(d[1], Table)] == [("remove_table", "recordings")]


def test_no_foreign_key_points_from_one_packages_metadata_into_another():
    metadata = table_metadata()
    crossing = [(fk.parent.table.name, fk.target_fullname) for m in metadata for t in m.tables.values()
                for fk in t.foreign_keys if fk.target_fullname.split(".")[0] not in m.tables]
    assert all(m.tables for m in metadata) and crossing == []
