"""The themes of rape casework the learning programme works to: the headings of the CPS Annual
Rape Scrutiny Report (seed 003, October 2025), under which its analysts "grouped key insights
under recurring themes".

A question of the questionnaire carries the narrowest heading that covers it (`themes`); a
question no sub-heading covers (the meeting, timeliness, the charging decision itself) carries
its core aspect (3.1 to 3.5). The learning feed ranks these themes by the share of marks short of
Fully met, and RJOIM issues are raised under the sub-headings of 3.1 to 3.4, each of which
carries a phrase of its own section (tests/unit/test_rjoim_record_rules.py finds it there).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    id: str
    section: str  # the heading's number in 003
    title: str  # the heading, as 003 words it
    quote: str = ""  # a phrase of the section, copied exactly (the sub-headings of 3.1 to 3.4)

    @property
    def label(self) -> str:
        return f"{self.section} {self.title}"


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme("case_strategy", "3.1", "Case Strategy"),
        Theme(
            "suspect_focus",
            "3.1.1",
            "Taking a suspect-focused approach",
            "whether a suspect-focused approach had been effectively applied",
        ),
        Theme(
            "written_language",
            "3.1.2",
            "Written language in case files",
            "mindful of the language they use in written case files",
        ),
        Theme(
            "coercive_control",
            "3.1.3",
            "Coercive and controlling behaviour",
            "how coercive and controlling behaviour (CCB) is understood, evidenced, and prosecuted",
        ),
        Theme(
            "intoxication",
            "3.1.4",
            "Intoxication and consent",
            "how prosecutors engage with forensic experts in cases involving intoxication",
        ),
        Theme(
            "previous_allegations",
            "3.1.5",
            "Previous sexual allegations",
            "the victim had previously made sexual allegations against other suspects",
        ),
        Theme(
            "historic_offences",
            "3.1.6",
            "Historic sexual offences",
            "increasingly handling cases involving historic sexual offences",
        ),
        Theme("pre_charge", "3.2", "Pre-Charge Stage"),
        Theme(
            "action_plans",
            "3.2.1",
            "Action Plans",
            "Some cases involved multiple Action Plans, which contributed to delays",
        ),
        Theme(
            "third_party_material",
            "3.2.2",
            "Third-party material",
            "keeping requests for third-party material proportionate and focused",
        ),
        Theme(
            "drafting_indictments",
            "3.2.3",
            "Drafting indictments",
            "Panels frequently discussed the drafting of indictments in individual cases",
        ),
        Theme(
            "cps_direct",
            "3.2.4",
            "Charging by CPS Direct",
            "initially been charged by CPS Direct (CPSD) under the Threshold Test",
        ),
        Theme("post_charge", "3.3", "Post-Charge Stage"),
        Theme(
            "joint_working_advocates",
            "3.3.1",
            "Joint working with advocates",
            "closer collaboration between prosecutors and advocates",
        ),
        Theme(
            "cases_at_court",
            "3.3.2",
            "Cases at court",
            "how courtroom dynamics can influence the progression and outcome of a case",
        ),
        Theme(
            "delayed_trials",
            "3.3.3",
            "Impact of delayed trials",
            "the significant emotional toll that delays have on victims of rape",
        ),
        Theme("victim_support", "3.4", "Support for Victims"),
        Theme(
            "victim_engagement",
            "3.4.1",
            "Victim engagement and support",
            "whether victims had been offered ISVA support or special measures",
        ),
        Theme(
            "victim_communication",
            "3.4.2",
            "Victim communication letters",
            "letters sent to victims that explained CPS decisions or trial outcomes",
        ),
        Theme("prosecutors", "3.5", "Supporting and Upskilling Prosecutors"),
        Theme("welfare", "3.5.1", "Welfare and wellbeing"),
        Theme("best_practice", "3.5.2", "Sharing best practice"),
    )
}
