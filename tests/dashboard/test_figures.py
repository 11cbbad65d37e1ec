"""Every dashboard figure against the hand-built unit of conftest.known_unit, where each number is known."""

import pytest
from django.utils import timezone

from supervision.dashboard.figures import dashboard_get
from supervision.dashboard.selectors import DashboardFilters, dashboard_case_list

pytestmark = pytest.mark.django_db


def _figures(data) -> dict:
    return {f.key or "reviews": f.value for f in data.figures}


def test_unit_figures_count_every_case_of_the_unit_and_nothing_else(supervisor, known_unit):
    # given the known unit (Xavier's case of the other unit has everything in it)
    now = known_unit["now"]

    # when
    data = dashboard_get(actor=supervisor, filters=DashboardFilters(), now=now)

    # then
    assert data.cases == {"open": 6, "parole": 2, "probation": 4, "warrant": 1, "absconded": 1, "ending": 1}
    assert _figures(data) == {
        "open": 6,
        "due_week": 2,
        "overdue": 1,
        "warrant": 1,
        "absconded": 1,
        "ending": 1,
        "missed_30": 1,
        "positive_30": 1,
        "missed_90": 1,
        "positive_90": 1,
        "violations_technical": 3,
        "violations_new_offence": 0,
        "violations_absconding": 1,
        "reviews": 2,
    }
    assert data.check_ins["due_week"] == 2
    assert data.check_ins["overdue"] == 1
    assert data.periods == [
        {"days": 30, "completed": 2, "missed": 1, "missed_cases": 1, "completion_rate": 66.7, "tests": 3,
         "positive": 1, "positive_cases": 1, "positive_rate": 33.3},
        {"days": 90, "completed": 3, "missed": 2, "missed_cases": 1, "completion_rate": 60.0, "tests": 4,
         "positive": 2, "positive_cases": 1, "positive_rate": 50.0},
    ]  # fmt: skip
    assert [(v["kind"], v["violations"], v["cases"]) for v in data.violations] == [
        ("technical", 3, 2),
        ("new_offence", 0, 0),
        ("absconding", 1, 1),
    ]
    assert data.reviews["waiting"] == 2
    assert data.reviews["oldest_days"] == 5
    assert data.reviews["older"] == 1


def test_caseload_per_officer_is_weighted_by_level_against_the_standard(supervisor, known_unit, ann, ben, cy):
    # when
    data = dashboard_get(actor=supervisor, filters=DashboardFilters(), now=known_unit["now"])

    # then: Ann 2 (high parole) + 1 + 0.1 (inactive) + 1 = 4.1 weighted; 2/50 + 1/100 + 0.1/100 + 1/100 = 6.1%
    rows = {
        row.officer.username: (row.cases, row.parole, row.probation, row.inactive, row.by_level, row.weighted_display,
                               row.load_pct)
        for row in data.officers
    }  # fmt: skip
    assert rows == {
        "ann": (4, 1, 3, 1, {"high": 1, "medium": 2, "low": 1, "administrative": 0}, 4.1, 6.1),
        "ben": (2, 1, 1, 0, {"high": 1, "medium": 1, "low": 0, "administrative": 0}, 3.0, 4.0),
        "cy": (0, 0, 0, 0, {"high": 0, "medium": 0, "low": 0, "administrative": 0}, 0.0, 0.0),
    }
    assert [row.officer.username for row in data.officers] == ["ann", "ben", "cy"]


def test_caseload_standard_and_weights_come_from_the_settings(settings, supervisor, known_unit):
    # given a smaller standard and heavier high-level cases
    settings.CASELINE = {
        **settings.CASELINE,
        "CASELOAD_STANDARD": {"parole": 10, "probation": 20},
        "LEVEL_WEIGHTS": {"high": 4.0, "medium": 1.0, "low": 0.5, "administrative": 0.25},
    }

    # when
    data = dashboard_get(actor=supervisor, filters=DashboardFilters(), now=known_unit["now"])

    # then Ben: 1/10 (medium parole) + 4/20 (high probation) = 30%
    ben = next(row for row in data.officers if row.officer.username == "ben")
    assert (ben.weighted_display, ben.load_pct) == (5.0, 30.0)


def test_filters_narrow_every_figure(supervisor, known_unit, ann):
    now = known_unit["now"]

    # when
    by_officer = dashboard_get(actor=supervisor, filters=DashboardFilters(officer=ann), now=now)
    parole = dashboard_get(actor=supervisor, filters=DashboardFilters(supervision_type="parole"), now=now)
    high = dashboard_get(actor=supervisor, filters=DashboardFilters(level="high"), now=now)

    # then
    assert by_officer.cases == {"open": 4, "parole": 1, "probation": 3, "warrant": 1, "absconded": 0, "ending": 0}
    assert [row.officer.username for row in by_officer.officers] == ["ann"]
    assert (by_officer.check_ins["due_week_cases"], by_officer.check_ins["overdue_cases"]) == (1, 1)
    assert by_officer.reviews["waiting"] == 1
    assert parole.cases == {"open": 2, "parole": 2, "probation": 0, "warrant": 0, "absconded": 1, "ending": 0}
    assert [(v["kind"], v["violations"]) for v in parole.violations] == [
        ("technical", 2),
        ("new_offence", 0),
        ("absconding", 1),
    ]
    assert high.cases["open"] == 2
    assert (high.drug_tests["taken_90"], high.drug_tests["positive_90"]) == (3, 2)


def _bucket(moment) -> str:
    local = timezone.localtime(moment) if hasattr(moment, "tzinfo") else moment
    return local.strftime("%Y-%m")


def test_trends_bucket_each_event_in_its_month(supervisor, known_unit):
    # given
    now = known_unit["now"]
    day = __import__("datetime").timedelta(days=1)
    expected_check_ins: dict[str, list[int]] = {}
    for offset, completed in [(10, 1), (70, 1), (15, 1), (20, 0), (60, 0)]:
        counts = expected_check_ins.setdefault(_bucket(now - offset * day), [0, 0])
        counts[0 if completed else 1] += 1
    expected_tests: dict[str, list[int]] = {}
    for offset, positive in [(5, 0), (10, 1), (40, 1), (20, 0), (100, 0)]:
        counts = expected_tests.setdefault(_bucket(now - offset * day), [0, 0])
        counts[0] += 1
        counts[1] += positive

    # when
    data = dashboard_get(actor=supervisor, filters=DashboardFilters(), now=now)

    # then twelve months, the current one last, zeros where nothing happened
    check_ins = data.trends["check_ins"]
    assert len(check_ins.rows) == 12
    assert check_ins.rows[-1]["month"] == timezone.localdate(now).replace(day=1)
    assert {
        row["month"].strftime("%Y-%m"): [row["completed"], row["missed"]]
        for row in check_ins.rows
        if row["completed"] or row["missed"]
    } == expected_check_ins
    assert {
        row["month"].strftime("%Y-%m"): [row["taken"], row["positive"]]
        for row in data.trends["drug_tests"].rows
        if row["taken"]
    } == expected_tests
    assert sum(row["technical"] for row in data.trends["violations"].rows) == 3
    assert sum(row["new_offence"] for row in data.trends["violations"].rows) == 1  # the resolved one, 100 days ago
    assert sum(row["absconding"] for row in data.trends["violations"].rows) == 1
    assert data.trends["drug_tests"].chart_data()["series"][0]["label"] == "Tests taken"


@pytest.mark.parametrize(
    ("figure", "names"),
    [
        ("open", ["Adams", "Brown", "Clark", "Davis", "Fisher", "Garcia"]),
        ("all", ["Adams", "Brown", "Clark", "Davis", "Evans", "Fisher", "Garcia"]),
        ("due_week", ["Adams", "Garcia"]),
        ("overdue", ["Adams"]),
        ("warrant", ["Davis"]),
        ("absconded", ["Fisher"]),
        ("ending", ["Garcia"]),
        ("missed_30", ["Adams"]),
        ("missed_90", ["Adams"]),
        ("tests_30", ["Adams", "Fisher"]),
        ("tests_90", ["Adams", "Fisher"]),
        ("positive_30", ["Adams"]),
        ("positive_90", ["Adams"]),
        ("violations", ["Adams", "Fisher", "Garcia"]),
        ("violations_technical", ["Adams", "Garcia"]),
        ("violations_new_offence", []),
        ("violations_absconding", ["Fisher"]),
        ("nonsense", ["Adams", "Brown", "Clark", "Davis", "Fisher", "Garcia"]),
    ],
)
def test_each_figure_lists_the_cases_behind_it(supervisor, known_unit, figure, names):
    # when
    cases = dashboard_case_list(actor=supervisor, filters=DashboardFilters(), figure=figure, now=known_unit["now"])

    # then
    assert sorted(c.offender.last_name for c in cases) == names


def test_the_dashboard_page_shows_the_figures_with_links_to_their_cases(client, supervisor, known_unit, ann):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/dashboard/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/dashboard/cases/?figure=overdue"' in html
    assert f'href="/dashboard/officers/{ann.pk}/"' in html
    assert f'href="/dashboard/cases/?figure=open&amp;officer={ann.pk}" data-cell="cases">4</a>' in html
    assert 'data-cell="weighted">4.1</td>' in html
    assert '<script id="chart-check-ins-data" type="application/json">' in html
    assert "<script>" not in html  # no inline script: the charts read their JSON
    assert response.context["data"].cases["open"] == 6


def test_a_filtered_page_carries_the_filters_into_every_link(client, supervisor, known_unit, ann):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/dashboard/", {"supervision_type": "probation", "level": "medium"})

    # then
    html = response.content.decode()
    assert 'href="/dashboard/cases/?figure=overdue&amp;supervision_type=probation&amp;level=medium"' in html
    assert response.context["data"].cases["open"] == 2


def test_a_bad_filter_is_reported_and_left_out_not_a_500(client, supervisor, known_unit):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/dashboard/", {"officer": "999999", "level": "extreme", "supervision_type": "x"})

    # then
    assert response.status_code == 200
    assert response.context["data"].cases["open"] == 6
    assert "Select a valid choice" in response.content.decode()


def test_officer_drill_down_shows_one_officers_figures(client, supervisor, known_unit, ben):
    # given
    client.force_login(supervisor)

    # when
    response = client.get(f"/dashboard/officers/{ben.pk}/")

    # then
    data = response.context["data"]
    assert response.status_code == 200
    assert data.cases == {"open": 2, "parole": 1, "probation": 1, "warrant": 0, "absconded": 1, "ending": 1}
    assert [row.officer.username for row in data.officers] == ["ben"]
    assert data.periods[0]["tests"] == 1
    assert data.reviews["waiting"] == 1


def test_an_officer_sees_their_own_figures(client, ann, known_unit):
    # given
    client.force_login(ann)

    # when
    response = client.get("/dashboard/me/", {"officer": "999"})

    # then
    data = response.context["data"]
    assert response.status_code == 200
    assert data.cases["open"] == 4
    assert [row.officer.username for row in data.officers] == ["ann"]
    assert (data.check_ins["overdue_cases"], data.periods[1]["missed"]) == (1, 2)
