"""Published questionnaire versions: immutable once stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JsonDocument


class QuestionnaireVersion(Base):
    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str]
    version: Mapped[int]
    content_hash: Mapped[str]
    # Loaded only when read: callers keep the parsed questionnaire by content_hash, so a
    # busy conversation does not fetch and decode the whole document on every click.
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument, deferred=True)
    published_at: Mapped[datetime]
