"""What every listener and job needs, built once by `create_app`, the one place of wiring."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.settings import Settings
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class BotContext:
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)
