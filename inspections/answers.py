"""An inspector's answer to one question, as the runtime and scoring see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

# Slack's plain-text input element accepts at most this many characters.
MAX_TEXT_LENGTH = 3000


@dataclass(frozen=True)
class Answer:
    question_id: str
    option_code: str | None = None
    text: str | None = None
    reason: str | None = None
    comment: str | None = None


# Answers keyed by question id. Answers to questions that have since been disabled stay in
# here: the runtime ignores them, so re-enabling a question brings its answer back.
Answers: TypeAlias = Mapping[str, Answer]
