"""The themes of rape casework the learning programme works to: the headings of the CPS Annual
Rape Scrutiny Report (seed 003, October 2025), under which its analysts "grouped key insights
under recurring themes".

A question of the questionnaire carries the narrowest heading that covers it (`themes`); a
question no sub-heading covers (the meeting, timeliness, the charging decision itself) carries
its core aspect (3.1 to 3.5). The learning feed ranks these themes by the share of marks short of
Fully met, and RJOIM issues are recorded under them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    id: str
    section: str  # the heading's number in 003
    title: str  # the heading, as 003 words it

    @property
    def label(self) -> str:
        return f"{self.section} {self.title}"


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme("case_strategy", "3.1", "Case Strategy"),
        Theme("suspect_focus", "3.1.1", "Taking a suspect-focused approach"),
        Theme("written_language", "3.1.2", "Written language in case files"),
        Theme("coercive_control", "3.1.3", "Coercive and controlling behaviour"),
        Theme("intoxication", "3.1.4", "Intoxication and consent"),
        Theme("previous_allegations", "3.1.5", "Previous sexual allegations"),
        Theme("historic_offences", "3.1.6", "Historic sexual offences"),
        Theme("pre_charge", "3.2", "Pre-Charge Stage"),
        Theme("action_plans", "3.2.1", "Action Plans"),
        Theme("third_party_material", "3.2.2", "Third-party material"),
        Theme("drafting_indictments", "3.2.3", "Drafting indictments"),
        Theme("cps_direct", "3.2.4", "Charging by CPS Direct"),
        Theme("post_charge", "3.3", "Post-Charge Stage"),
        Theme("joint_working_advocates", "3.3.1", "Joint working with advocates"),
        Theme("cases_at_court", "3.3.2", "Cases at court"),
        Theme("delayed_trials", "3.3.3", "Impact of delayed trials"),
        Theme("victim_support", "3.4", "Support for Victims"),
        Theme("victim_engagement", "3.4.1", "Victim engagement and support"),
        Theme("victim_communication", "3.4.2", "Victim communication letters"),
        Theme("prosecutors", "3.5", "Supporting and Upskilling Prosecutors"),
        Theme("welfare", "3.5.1", "Welfare and wellbeing"),
        Theme("best_practice", "3.5.2", "Sharing best practice"),
    )
}
