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

    A service takes a unit of work and enters it itself (`with uow:`), once per transaction
    it needs. A caller that has entered it already (to read something first in the same
    transaction) passes it on entered: the service's `with uow:` then joins that transaction,
    and only the outermost block ends it.
    """

    session: Session

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._depth = 0

    def __enter__(self) -> Self:
        if self._depth == 0:
            self.session = self._session_factory()
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            # close() ends the transaction with a rollback without expiring what was loaded,
            # so objects read in a unit of work stay readable after it (rollback() would
            # expire them and leave them unloadable once detached).
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
