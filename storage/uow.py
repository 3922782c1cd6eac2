"""A unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session


class UnitOfWork:
    """`with UnitOfWork(factory) as uow: ...; uow.commit()`.

    Leaving the block rolls back whatever was not committed, on success and on exception
    alike, so forgetting to commit loses the change rather than half-saving it.
    """

    session: Session

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # close() ends the transaction with a rollback without expiring what was loaded,
        # so objects read in a unit of work stay readable after it (rollback() would expire
        # them and leave them unloadable once detached).
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
