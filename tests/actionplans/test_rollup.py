"""The roll-up rules with worked numbers (pure functions, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from actionplans import rollup
from actionplans.rollup import IndicatorRule, Observation, Result

Q1, Q2, Q3 = date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)


def test_cumulative_takes_the_latest_accepted_value_never_the_sum() -> None:
    rule = IndicatorRule(cumulative=True)
    # running totals 40, then 70, then 95 people trained: 95, not 205
    result = rollup.over_time(rule, [Observation(Q2, D(70)), Observation(Q1, D(40)), Observation(Q3, D(95))])
    assert result.value == D(95)
    assert result.as_of == Q3


def test_non_cumulative_numbers_combine_by_their_aggregation() -> None:
    obs = [Observation(Q1, D(10)), Observation(Q2, D(30)), Observation(Q3, D(20))]
    assert rollup.over_time(IndicatorRule(aggregation="sum"), obs).value == D(60)
    assert rollup.over_time(IndicatorRule(aggregation="average"), obs).value == D(20)
    assert rollup.over_time(IndicatorRule(aggregation="max"), obs).value == D(30)
    assert rollup.over_time(IndicatorRule(aggregation="latest"), obs).value == D(20)


def test_percentages_are_summed_numerators_over_summed_denominators() -> None:
    rule = IndicatorRule(measure="percentage")
    # 3/4 (75 %) and 1/96 (1 %): 4/100 = 4 %, not the 38 % an average of percentages gives
    result = rollup.over_time(
        rule, [Observation(Q1, numerator=D(3), denominator=D(4)), Observation(Q2, numerator=D(1), denominator=D(96))]
    )
    assert result.value == D(4)
    assert (result.numerator, result.denominator) == (D(4), D(100))


def test_percentages_across_places_also_by_numerators_and_denominators() -> None:
    rule = IndicatorRule(measure="percentage")
    county = Result(D(50), D(10), D(20), Q1)
    district = Result(D(10), D(8), D(80), Q2)
    result = rollup.across_places(rule, [county, district])
    assert result.value == D(18)  # 18 / 100, not (50 + 10) / 2 = 30
    assert result.as_of == Q2


def test_cumulative_across_places_adds_each_places_latest_value() -> None:
    rule = IndicatorRule(cumulative=True, aggregation="latest")
    a = rollup.over_time(rule, [Observation(Q1, D(40)), Observation(Q2, D(70))])  # 70
    b = rollup.over_time(rule, [Observation(Q1, D(15))])  # 15
    assert rollup.across_places(rule, [a, b, rollup.NO_DATA]).value == D(85)


def test_no_data_is_none_never_zero() -> None:
    assert rollup.over_time(IndicatorRule(), []).value is None
    assert rollup.across_places(IndicatorRule(), [rollup.NO_DATA, rollup.NO_DATA]).value is None
    assert rollup.weighted_mean([(1, None), (5, None)]) is None
    assert rollup.weighted_mean([]) is None
    assert rollup.over_time(IndicatorRule(measure="qualitative"), [Observation(Q1)]).value is None


def test_weighted_mean_over_children_that_have_data() -> None:
    # (1 x 80 + 3 x 40) / 4 = 50; the child without data (weight 2) does not count as 0
    assert rollup.weighted_mean([(1, D(80)), (3, D(40)), (2, None)]) == D(50)
    # a zero is data: (1 x 80 + 1 x 0) / 2 = 40
    assert rollup.weighted_mean([(1, D(80)), (1, D(0))]) == D(40)


def test_achievement_from_baseline_to_target_both_directions() -> None:
    assert rollup.achievement(D(50), D(60), D(20)) == D(75)
    assert rollup.achievement(D(25), D(10), D(30), "decrease") == D(25)
    assert rollup.achievement(D(90), D(60), D(20)) == D(100)  # capped
    assert rollup.achievement(D(10), D(60), D(20)) == D(0)  # worse than baseline
    assert rollup.achievement(None, D(60)) is None
    assert rollup.achievement(D(5), None) is None


def test_rag_from_progress_against_time_elapsed_with_plan_thresholds() -> None:
    start, end, half = date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 16)  # 50 % elapsed
    kw = {"start": start, "end": end, "today": half, "amber_below": 90, "red_below": 60}
    assert rollup.rag(progress=45, **kw) == "green"  # 45 / 50 = 90 %
    assert rollup.rag(progress=40, **kw) == "amber"  # 80 %
    assert rollup.rag(progress=25, **kw) == "red"  # 50 %
    assert rollup.rag(progress=25, **{**kw, "red_below": 40, "amber_below": 60}) == "amber"  # the plan's own thresholds
    assert rollup.rag(progress=0, **{**kw, "today": date(2025, 12, 1)}) == "green"  # not due to start
    assert rollup.rag(progress=99, **{**kw, "today": date(2026, 2, 1)}) == "red"  # overdue
    assert rollup.rag(progress=10, override="green", **kw) == "green"
    assert rollup.rag(progress=10, status="completed", **kw) is None
