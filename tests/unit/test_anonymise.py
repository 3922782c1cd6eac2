"""Learning points and reasons lose URNs and names before they leave the inspection."""

from __future__ import annotations

from inspections.anonymise import anonymised


def test_urns_and_names_are_replaced_whatever_their_case_or_spacing() -> None:
    text = (
        "On 42AB1234525 (and 42 ab 12345 25, 42/AB/12345/25) Lara Lawyer set out the strategy; "
        "LAWYER should record it. lara agreed."
    )

    assert anonymised(text, ["Lara Lawyer", "Mo Manager"]) == (
        "On [case] (and [case], [case]) [name] set out the strategy; [name] should record it. "
        "[name] agreed."
    )


def test_parts_of_words_and_short_names_are_left_alone() -> None:
    # "Lawyers" is another word; a two-letter part ("Mo") would catch too much to be useful.
    assert anonymised("Lawyers and Mo's notes", ["Lara Lawyer", "Mo Manager"]) == (
        "Lawyers and Mo's notes"
    )


def test_email_addresses_go_always_and_marks_and_percentages_for_the_police() -> None:
    text = "Ask lara.lawyer@cps.example: marked Not met (62.5%), not fully met; 3 of 4 plans."

    assert anonymised(text, []) == (
        "Ask [email]: marked Not met (62.5%), not fully met; 3 of 4 plans."
    )
    assert anonymised(text, [], marks=["Fully met", "Not met"]) == (
        "Ask [email]: marked [mark] ([percentage]), not [mark]; 3 of 4 plans."
    )
