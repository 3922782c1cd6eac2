"""The themes an RJOIM issue is raised under: the sub-headings of 3.1 to 3.4 of the CPS Annual
Rape Scrutiny Report (seed 003), as `questionnaires/themes.py` lists them, the questions' themes
too, so that issues raised at meetings and marks given in inspections count under the same names.

Each carries its section and a phrase copied exactly from that section (a test finds it in the
seed); the list is fixed, so that issues raised at different meetings and with different forces
can be counted together.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.themes import THEMES as REPORT_THEMES

SOURCE = "003"  # CPS Annual Rape Scrutiny Report (Oct 2025)
SECTIONS = ("3.1", "3.2", "3.3", "3.4")  # case strategy, pre-charge, post-charge, victims


@dataclass(frozen=True)
class Theme:
    code: str
    label: str  # at most 75 characters: a Slack select option
    section: str
    quote: str  # copied exactly from the section


THEMES: tuple[Theme, ...] = tuple(
    Theme(t.id, t.title, t.section, t.quote)
    for t in REPORT_THEMES.values()
    if t.section.count(".") == 2 and t.section.rsplit(".", 1)[0] in SECTIONS
)

BY_CODE: dict[str, Theme] = {theme.code: theme for theme in THEMES}


def theme_label(code: str) -> str:
    theme = BY_CODE.get(code)
    return theme.label if theme is not None else code


def theme_problem(code: str) -> str | None:
    if code in BY_CODE:
        return None
    return f"{code!r} is not an RJOIM theme: choose one of {', '.join(BY_CODE)}"
