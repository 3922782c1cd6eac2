"""The inspectors who could take a review right now, loaded once per transaction.

The rules (independence, capacity, least open work, tie-break) are inspections.assignment's;
this keeps the candidates and their open counts current in memory as work is handed out, so an
import of many reviews asks the database once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.settings import Settings
from inspections.assignment import (
    INDEPENDENCE_SETTINGS,
    IndependenceSetting,
    InspectorCandidate,
    LawyerFacts,
    choose_inspector,
    ineligibility_summary,
)
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.working_days import add_working_days
from storage import inspections_repo, people_repo
from storage.people_repo import DirectoryEntry


@dataclass(frozen=True)
class AssignmentTerms:
    """What every assignment made at one moment shares: the time, the due date and the limits."""

    now: datetime
    due_at: datetime
    tz: ZoneInfo
    holidays: frozenset[date]
    capacity: int
    independence: IndependenceSetting

    @classmethod
    def at(cls, now: datetime, settings: Settings) -> AssignmentTerms:
        if settings.independence not in INDEPENDENCE_SETTINGS:
            raise ValueError(
                f"independence must be one of {', '.join(INDEPENDENCE_SETTINGS)}: "
                f"{settings.independence!r}"
            )
        tz = settings.timezone
        year = now.astimezone(tz).year
        # Two years cover any due date a few working days ahead, across New Year included.
        holidays = england_and_wales_bank_holidays(range(year, year + 2))
        due_at = add_working_days(now, settings.due_working_days, tz=tz, holidays=holidays)
        return cls(
            now=now,
            due_at=due_at,
            tz=tz,
            holidays=holidays,
            capacity=settings.inspector_capacity,
            independence=cast(IndependenceSetting, settings.independence),
        )


def lawyer_facts(lawyer: DirectoryEntry) -> LawyerFacts:
    return LawyerFacts(lawyer.id, lawyer.email, lawyer.area, lawyer.unit, lawyer.manager_id)


class InspectorPool:
    """Every inspector as a candidate; someone away at any time before the due date is away."""

    def __init__(self, candidates: Collection[InspectorCandidate], terms: AssignmentTerms) -> None:
        self.terms = terms
        self._candidates = {c.person_id: c for c in candidates}
        # Those who could take more work at all (active, here, below capacity): once a big
        # import has filled everyone up, each further review costs nothing to turn away.
        self._open = {c.person_id: c for c in candidates if self._available(c)}

    @classmethod
    def load(cls, session: Session, terms: AssignmentTerms) -> InspectorPool:
        first = terms.now.astimezone(terms.tz).date()
        last = terms.due_at.astimezone(terms.tz).date()
        away = people_repo.away_between(session, first, last)
        counts = inspections_repo.open_counts(session)
        candidates = [
            InspectorCandidate(
                person_id=e.id,
                email=e.email,
                area=e.area,
                unit=e.unit,
                active=e.active,
                away=e.id in away,
                open_count=counts.get(e.id, 0),
            )
            for e in people_repo.entries_with_role(session, "inspector")
        ]
        return cls(candidates, terms)

    def has_room(self) -> bool:
        return bool(self._open)

    def choose(
        self, lawyer: LawyerFacts, *, key: str, exclude: Collection[int] = ()
    ) -> InspectorCandidate | None:
        if not self._open:
            return None
        # The cheap tests first, so the independence rules run only on those who could take it.
        open_to_take = [c for c in self._open.values() if c.person_id not in exclude]
        return choose_inspector(
            open_to_take,
            lawyer,
            independence=self.terms.independence,
            capacity=self.terms.capacity,
            tie_break_key=key,
        )

    def take(self, person_id: int) -> None:
        candidate = self._candidates[person_id]
        taken = replace(candidate, open_count=candidate.open_count + 1)
        self._candidates[person_id] = taken
        if self._available(taken):
            self._open[person_id] = taken
        else:
            self._open.pop(person_id, None)

    def why_nobody(self, lawyer: LawyerFacts, *, exclude: Collection[int] = ()) -> str:
        others = [c for c in self._candidates.values() if c.person_id not in exclude]
        summary = ineligibility_summary(
            others, lawyer, independence=self.terms.independence, capacity=self.terms.capacity
        )
        declined = sum(1 for person_id in exclude if person_id in self._candidates)
        return f"{summary}, {declined} declined" if declined else summary

    def _available(self, c: InspectorCandidate) -> bool:
        return c.active and not c.away and c.open_count < self.terms.capacity
