"""The composition root: the one place that picks the concrete classes and wires them together."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .catalog import FlowCatalog
from .clock import SystemClock
from .config import Settings
from .db import make_engine, upgrade
from .repository import SqlAlchemyUnitOfWork
from .service import CallService

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    catalog: FlowCatalog
    calls: CallService
    clock: object

    def uow(self) -> SqlAlchemyUnitOfWork:
        return self.calls.uow()


def build(settings: Settings, clock=None) -> Services:
    """Engine, schema, flows and services for `settings`; a database that is down is logged, not fatal."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database)
    if settings.auto_migrate:
        _try_upgrade(engine)
    catalog = FlowCatalog(settings.flows_dir)
    catalog.load()
    uow = partial(SqlAlchemyUnitOfWork, sessionmaker(engine, expire_on_commit=False))
    return Services(settings, engine, catalog, CallService(uow, catalog, clock), clock)


def _try_upgrade(engine: Engine) -> None:
    try:
        upgrade(engine)
    except Exception:  # noqa: BLE001 - the server must still start and answer callers with the fallback
        log.exception("database %s could not be upgraded; calls get the fallback answer until it is back",
                      engine.url.render_as_string(hide_password=True))
