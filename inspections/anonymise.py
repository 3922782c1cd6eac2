"""Free text made fitter to leave the inspection: URNs, email addresses and the directory's names
(the CPS staff it knows) taken out, and for the police the marks and scores too. It cannot know a
complainant's, a suspect's or an officer's name: the inspectors' guidance asks them never to
write one, and what this takes out is the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A police URN anywhere in the text, in any case, its parts run together or parted by a space,
# a slash or a hyphen (42AB1234525, 42 AB 12345 25, 42/AB/12345/25).
_URN = re.compile(r"\b[0-9]{2}[\s/-]?[A-Za-z]{2}[\s/-]?[0-9]{5}[\s/-]?[0-9]{2}\b")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# A score as the bot writes it (93.5%, 80 %): CPS marking the police must not see.
_PERCENT = re.compile(r"\b\d{1,3}(?:\.\d+)?\s?%")
URN_MARK, NAME_MARK, EMAIL_MARK = "[case]", "[name]", "[email]"
MARK_MARK, PERCENT_MARK = "[mark]", "[percentage]"


def anonymised(
    text: str,
    names: Iterable[str],
    *,
    keep_urns: bool = False,
    marks: Iterable[str] = (),
) -> str:
    """The text with URNs (unless kept: a police-safe RJOIM record names its cases), email
    addresses and every name given (whole names first, then each part of three or more
    letters, whole words, any case) replaced by a mark. With `marks` (the scales' labels, for
    the police) each of those and every percentage is replaced too."""
    found = text if keep_urns else _URN.sub(URN_MARK, text)
    found = _EMAIL.sub(EMAIL_MARK, found)
    labels = sorted({m.strip() for m in marks if m.strip()}, key=len, reverse=True)
    for label in labels:
        found = re.sub(rf"(?<!\w){re.escape(label)}(?!\w)", MARK_MARK, found, flags=re.IGNORECASE)
    if labels:
        found = _PERCENT.sub(PERCENT_MARK, found)
    whole = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    parts = sorted({p for n in whole for p in n.split() if len(p) >= 3}, key=len, reverse=True)
    for name in (*whole, *parts):
        found = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MARK, found, flags=re.IGNORECASE)
    return found
