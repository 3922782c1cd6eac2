"""Text a spreadsheet would run as a formula (CSV injection, as OWASP describes it).

Names, units and other free text are refused at intake when they begin like a formula; and
every cell a CSV export writes is neutralised all the same, since data can come from
elsewhere: a text cell beginning with one of these characters gets a leading apostrophe, which
spreadsheets show as text. Numbers (a change of -0.05) are left as they are.
"""

from __future__ import annotations

# What a spreadsheet may read as the start of a formula; a tab or carriage return can hide one.
REFUSED_AT_INTAKE = ("=", "+", "@", "\t", "\r")
NEUTRALISED_IN_EXPORTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(REFUSED_AT_INTAKE)


def safe_cell(value: object) -> object:
    """The value to write in a CSV cell: text that could start a formula is neutralised."""
    if not isinstance(value, str) or not value.startswith(NEUTRALISED_IN_EXPORTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value
