"""Free text made fitter to leave the inspection: URNs and the directory's names (the CPS staff
it knows) taken out. It cannot know a complainant's, a suspect's or an officer's name: the
inspectors' guidance asks them never to write one, and what this takes out is the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A police URN anywhere in the text, in any case, its parts run together or parted by a space,
# a slash or a hyphen (42AB1234525, 42 AB 12345 25, 42/AB/12345/25).
_URN = re.compile(r"\b[0-9]{2}[\s/-]?[A-Za-z]{2}[\s/-]?[0-9]{5}[\s/-]?[0-9]{2}\b")
URN_MARK, NAME_MARK = "[case]", "[name]"


def anonymised(text: str, names: Iterable[str], *, keep_urns: bool = False) -> str:
    """The text with URNs (unless kept: a police-safe RJOIM record names its cases) and every
    name given (whole names first, then each part of three or more letters, whole words, any
    case) replaced by a mark."""
    found = text if keep_urns else _URN.sub(URN_MARK, text)
    whole = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    parts = sorted({p for n in whole for p in n.split() if len(p) >= 3}, key=len, reverse=True)
    for name in (*whole, *parts):
        found = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MARK, found, flags=re.IGNORECASE)
    return found
