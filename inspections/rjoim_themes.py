"""The themes an RJOIM issue is raised under: the recurring casework themes of the CPS Annual
Rape Scrutiny Report (seed 003, sections 3.1 to 3.4), one per subsection.

The codes are those of the same sub-headings in `questionnaires/themes.py`, which main gained
while this was written (there RJOIM issues are "recorded under them"): when the two meet, this
list should become the sub-headings of that one, keeping the quotes checked here.

Each theme carries its section and a phrase copied exactly from that section, so that
tests/unit/test_rjoim_record_rules.py can find it in the seed; the list is fixed, so that issues
raised at different meetings and with different forces can be counted together.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "003"  # CPS Annual Rape Scrutiny Report (Oct 2025)


@dataclass(frozen=True)
class Theme:
    code: str
    label: str  # at most 75 characters: a Slack select option
    section: str
    quote: str  # copied exactly from the section


THEMES: tuple[Theme, ...] = (
    Theme(
        "suspect_focus",
        "Suspect-focused approach",
        "3.1.1",
        "whether a suspect-focused approach had been effectively applied",
    ),
    Theme(
        "written_language",
        "Written language in case files",
        "3.1.2",
        "mindful of the language they use in written case files",
    ),
    Theme(
        "coercive_control",
        "Coercive and controlling behaviour",
        "3.1.3",
        "how coercive and controlling behaviour (CCB) is understood, evidenced, and prosecuted",
    ),
    Theme(
        "intoxication",
        "Intoxication and consent",
        "3.1.4",
        "how prosecutors engage with forensic experts in cases involving intoxication",
    ),
    Theme(
        "previous_allegations",
        "Previous sexual allegations",
        "3.1.5",
        "the victim had previously made sexual allegations against other suspects",
    ),
    Theme(
        "historic_offences",
        "Historic sexual offences",
        "3.1.6",
        "increasingly handling cases involving historic sexual offences",
    ),
    Theme(
        "action_plans",
        "Action plans",
        "3.2.1",
        "Some cases involved multiple Action Plans, which contributed to delays",
    ),
    Theme(
        "third_party_material",
        "Third-party material",
        "3.2.2",
        "keeping requests for third-party material proportionate and focused",
    ),
    Theme(
        "drafting_indictments",
        "Drafting indictments",
        "3.2.3",
        "Panels frequently discussed the drafting of indictments in individual cases",
    ),
    Theme(
        "cps_direct",
        "Charging by CPS Direct",
        "3.2.4",
        "initially been charged by CPS Direct (CPSD) under the Threshold Test",
    ),
    Theme(
        "joint_working_advocates",
        "Joint working with advocates",
        "3.3.1",
        "closer collaboration between prosecutors and advocates",
    ),
    Theme(
        "cases_at_court",
        "Cases at court",
        "3.3.2",
        "how courtroom dynamics can influence the progression and outcome of a case",
    ),
    Theme(
        "delayed_trials",
        "Impact of delayed trials",
        "3.3.3",
        "the significant emotional toll that delays have on victims of rape",
    ),
    Theme(
        "victim_engagement",
        "Victim engagement, ISVAs and special measures",
        "3.4.1",
        "whether victims had been offered ISVA support or special measures",
    ),
    Theme(
        "victim_communication",
        "Victim communication letters",
        "3.4.2",
        "letters sent to victims that explained CPS decisions or trial outcomes",
    ),
)

BY_CODE: dict[str, Theme] = {theme.code: theme for theme in THEMES}


def theme_label(code: str) -> str:
    theme = BY_CODE.get(code)
    return theme.label if theme is not None else code


def theme_problem(code: str) -> str | None:
    if code in BY_CODE:
        return None
    return f"{code!r} is not an RJOIM theme: choose one of {', '.join(BY_CODE)}"
