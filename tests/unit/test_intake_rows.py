from datetime import UTC, datetime, timedelta, timezone

from inspections.intake import (
    CASE_COLUMNS,
    OPTIONAL_CASE_COLUMNS,
    PEOPLE_COLUMNS,
    check_columns,
    parse_case_reviews,
    parse_people,
)


def person(**overrides: str) -> dict[str, str]:
    row = {
        "email": "lawyer.one@example.test",
        "name": "Lawyer One",
        "roles": "lawyer",
        "area": "Wessex",
        "unit": "Wessex RASSO 1",
        "manager_email": "",
        "slack_user_id": "",
    }
    row.update(overrides)
    return row


def review(**overrides: str) -> dict[str, str]:
    row = {
        "urn": "42AB1234525",
        "review_type": "pre_charge_decision",
        "area": "Wessex",
        "unit": "Wessex RASSO 1",
        "lawyer_email": "lawyer.one@example.test",
        "completed_at": "2026-11-02T10:15:00+00:00",
        "action_plan_count": "2",
        "outcome": "action_plan",
        "source_id": "",
    }
    row.update(overrides)
    return row


def test_valid_people_parse_with_manager_in_the_same_file() -> None:
    rows = [
        (2, person(email="dcp@example.test", name="Manager", roles="manager;inspector")),
        (3, person(manager_email="DCP@example.test", slack_user_id="U0LAWYER1")),
    ]
    people, problems = parse_people(rows, directory_emails=set())
    assert problems == []
    assert [p.email for p in people] == ["dcp@example.test", "lawyer.one@example.test"]
    assert people[0].roles == frozenset({"manager", "inspector"})
    assert people[1].manager_email == "dcp@example.test"
    assert people[1].slack_user_id == "U0LAWYER1"


def test_manager_may_already_be_in_the_directory() -> None:
    rows = [(2, person(manager_email="known@example.test"))]
    people, problems = parse_people(rows, directory_emails={"known@example.test"})
    assert problems == []
    assert len(people) == 1


def test_every_bad_people_row_is_named_and_nothing_is_returned() -> None:
    rows = [
        (2, person()),
        (3, person(email="not-an-email", roles="lawyer")),
        (4, person(email="b@example.test", roles="lawyer;judge", area="Atlantis")),
        (5, person(email="c@example.test", manager_email="ghost@example.test")),
        (6, person()),
    ]
    people, problems = parse_people(rows, directory_emails=set())
    assert people == []
    assert [str(p) for p in problems] == [
        "row 3, field 'email': not an email address: 'not-an-email'",
        "row 4, field 'roles': unknown role 'judge' (use admin, ccp, inspector, lawyer, manager)",
        "row 4, field 'area': unknown Area 'Atlantis'",
        "row 5, field 'manager_email': manager ghost@example.test is neither in the file nor "
        "in the directory",
        "row 6, field 'email': lawyer.one@example.test already appears in row 2",
    ]


def test_columns_missing_or_unknown_are_reported_on_the_header_row() -> None:
    problems = check_columns([*PEOPLE_COLUMNS[:-1], "phone"], PEOPLE_COLUMNS)
    assert [str(p) for p in problems] == [
        "row 1, field 'slack_user_id': missing column",
        "row 1, field 'phone': unknown column",
    ]
    assert check_columns(CASE_COLUMNS, CASE_COLUMNS) == []


def test_valid_review_parses_to_an_aware_time_and_identity() -> None:
    reviews, problems = parse_case_reviews(
        [(2, review())], lawyer_emails={"lawyer.one@example.test"}
    )
    assert problems == []
    (parsed,) = reviews
    assert parsed.completed_at == datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
    assert parsed.action_plan_count == 2
    assert parsed.identity == "review:42AB1234525|pre_charge_decision|2026-11-02T10:15:00+00:00"


def test_identity_prefers_source_id_and_ignores_the_offset_used() -> None:
    plus_one = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 2, 11, 15, tzinfo=plus_one).isoformat()
    (a,), _ = parse_case_reviews([(2, review())], lawyer_emails={"lawyer.one@example.test"})
    (b,), _ = parse_case_reviews(
        [(2, review(completed_at=local))], lawyer_emails={"lawyer.one@example.test"}
    )
    (c,), _ = parse_case_reviews(
        [(2, review(source_id="CMS-77"))], lawyer_emails={"lawyer.one@example.test"}
    )
    assert a.identity == b.identity
    assert c.identity == "source:CMS-77"


def test_every_bad_review_field_is_named() -> None:
    bad = review(
        urn="42AB12345",
        review_type="charging",
        area="Nowhere",
        lawyer_email="stranger@example.test",
        completed_at="2026-11-02T10:15:00",
        action_plan_count="-1",
        outcome="acquitted",
    )
    reviews, problems = parse_case_reviews(
        [(2, review()), (3, bad)], lawyer_emails={"lawyer.one@example.test"}
    )
    assert reviews == []
    assert [(p.row, p.field) for p in problems] == [
        (3, "urn"),
        (3, "review_type"),
        (3, "area"),
        (3, "lawyer_email"),
        (3, "completed_at"),
        (3, "action_plan_count"),
        (3, "outcome"),
    ]
    assert "has no time zone" in str(problems[4])


LAWYERS = {"lawyer.one@example.test"}


def review_problems(**overrides: str) -> list[str]:
    reviews, problems = parse_case_reviews(
        [(2, review(**overrides))],
        lawyer_emails=LAWYERS,
        units_by_area={"Wessex": {"Wessex RASSO 1"}},
    )
    assert reviews == [] or problems == []
    return [str(p) for p in problems]


def test_a_urn_with_full_width_digits_is_refused() -> None:
    assert review_problems(urn="２０WM0190126") == [
        "row 2, field 'urn': '２０WM0190126' is not a URN like 42AB1234525"
    ]


def test_a_review_completed_outside_the_sane_years_is_refused() -> None:
    assert review_problems(completed_at="9999-12-31T23:59:59+00:00") == [
        "row 2, field 'completed_at': '9999-12-31T23:59:59+00:00' is not between 2000 and 2099"
    ]
    assert review_problems(completed_at="1999-12-31T23:59:59+00:00") != []
    assert review_problems(completed_at="2099-12-31T23:59:59+00:00") == []


def test_a_time_whose_offset_runs_past_the_calendar_is_refused_not_an_overflow() -> None:
    assert review_problems(completed_at="0001-01-01T00:00:00+01:00") == [
        "row 2, field 'completed_at': '0001-01-01T00:00:00+01:00' is not between 2000 and 2099"
    ]


def test_action_plan_counts_are_small_whole_numbers_in_ascii_digits() -> None:
    assert review_problems(action_plan_count="999") == []
    for bad in ("1000", "1000000000000", "1" + "0" * 30, "-1", "１２", "2.0", " 3e2"):
        assert review_problems(action_plan_count=bad) == [
            f"row 2, field 'action_plan_count': {bad.strip()!r} is not a whole number from 0 to 999"
        ], bad


def test_a_huge_value_is_quoted_back_cut_short() -> None:
    huge = "9" * 5000
    [problem] = review_problems(action_plan_count=huge)
    assert len(problem) < 120


def test_a_cases_unit_must_be_one_of_its_areas_units_in_the_directory() -> None:
    assert review_problems(unit="Thames RASSO") == [
        "row 2, field 'unit': no unit 'Thames RASSO' in Wessex in the directory"
    ]


def test_text_that_a_spreadsheet_would_run_is_refused_where_it_comes_in() -> None:
    formula = "must not begin with =, +, @, a tab or a carriage return"
    assert review_problems(source_id="=cmd|' /C calc'!A0") == [
        f"row 2, field 'source_id': {formula}"
    ]
    people, problems = parse_people(
        [(2, person(name="=cmd|' /C calc'!A0", unit="@SUM(1+1)*cmd|x"))], directory_emails=set()
    )
    assert people == []
    assert [str(p) for p in problems] == [
        f"row 2, field 'name': {formula}",
        f"row 2, field 'unit': {formula}",
    ]
    for start in ("+", "\t", "\r", " ="):
        _, problems = parse_people([(2, person(name=f"{start}1+1"))], directory_emails=set())
        assert [p.field for p in problems] == ["name"], repr(start)


def test_names_with_a_hyphen_or_apostrophe_are_not_formulas() -> None:
    people, problems = parse_people(
        [(2, person(name="-Ann O'Neill-Smith"))], directory_emails=set()
    )
    assert problems == []
    assert [p.name for p in people] == ["-Ann O'Neill-Smith"]


def test_the_optional_dates_and_substantive_count_are_read_when_given() -> None:
    given = review(
        substantive_action_plan_count="1",
        referred_at="2026-10-20T09:00:00+01:00",
        meeting_offered_at="2026-10-22T12:00:00Z",
        meeting_held_at="",
    )
    (parsed,), problems = parse_case_reviews([(2, given)], lawyer_emails=LAWYERS)

    assert problems == []
    assert parsed.substantive_action_plan_count == 1
    assert parsed.referred_at == datetime(2026, 10, 20, 8, 0, tzinfo=UTC)
    assert parsed.meeting_offered_at == datetime(2026, 10, 22, 12, 0, tzinfo=UTC)
    assert parsed.meeting_held_at is None
    # A row without the optional fields at all still parses, with them empty.
    (plain,), _ = parse_case_reviews([(2, review())], lawyer_emails=LAWYERS)
    assert (plain.substantive_action_plan_count, plain.referred_at) == (None, None)


def test_the_optional_columns_may_be_present_or_absent_but_nothing_else() -> None:
    with_dates = [*CASE_COLUMNS, "referred_at", "meeting_held_at"]

    assert check_columns(with_dates, CASE_COLUMNS, OPTIONAL_CASE_COLUMNS) == []
    assert check_columns(CASE_COLUMNS, CASE_COLUMNS, OPTIONAL_CASE_COLUMNS) == []
    assert [str(p) for p in check_columns([*CASE_COLUMNS, "referred"], CASE_COLUMNS)] == [
        "row 1, field 'referred': unknown column"
    ]


def test_bad_optional_values_are_named_by_field() -> None:
    assert review_problems(
        referred_at="yesterday",
        meeting_offered_at="2026-10-22T12:00:00",
        meeting_held_at="2026-11-03T10:00:00Z",
        substantive_action_plan_count="3",
    ) == [
        "row 2, field 'substantive_action_plan_count': 3 is more than the 2 action plans on "
        "the case",
        "row 2, field 'referred_at': 'yesterday' is not an ISO 8601 time",
        "row 2, field 'meeting_offered_at': '2026-10-22T12:00:00' has no time zone (add Z or "
        "+01:00)",
        "row 2, field 'meeting_held_at': is after the review was completed (completed_at)",
    ]
    assert review_problems(substantive_action_plan_count="-1") == [
        "row 2, field 'substantive_action_plan_count': '-1' is not a whole number from 0 to 999"
    ]
