"""Column types every package's tables share: UTC-aware datetimes and JSON (JSONB on PostgreSQL).

A leaf module (it imports only SQLAlchemy) kept in callqueue, the lowest package with tables: ivr and
recordings import it from here, so each package keeps its own tables and metadata and none imports ivr.
"""
from __future__ import annotations

from datetime import timezone

from sqlalchemy import JSON, DateTime, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite keeps no zone, so we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


__all__ = ["Json", "UtcDateTime"]
