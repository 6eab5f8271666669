"""Roll-up users can trust: pure functions over accepted values, no database.

Rules (docs/adr/0010-action-plans.md), each with worked numbers in tests/actionplans/test_rollup.py:

* only accepted values reach these functions (the selectors pass nothing else);
* over time, a *cumulative* indicator takes its latest accepted value, never a sum (a running total
  of 40, then 70 people trained is 70, not 110); a non-cumulative one combines its periods by its
  aggregation (sum, average, max, latest);
* a percentage is the summed numerators over the summed denominators, never an average of
  percentages (3/4 and 1/96 are 4/100 = 4 %, not 38.0 %);
* across places (a county's indicator and the district indicators explicitly linked to it), each
  place is first reduced over time, then the places combine by the parent's aggregation
  (percentages again by numerators and denominators);
* progress of an objective, a pillar or a plan is the weighted mean over the children *that have
  data*; with no child with data it is ``None`` ("no data"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NUMBER = "number"
PERCENTAGE = "percentage"
QUALITATIVE = "qualitative"

SUM, AVERAGE, MAX, LATEST = "sum", "average", "max", "latest"
INCREASE, DECREASE = "increase", "decrease"

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Observation:
    """One accepted value for one period of one indicator."""

    period_end: date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Result:
    """An indicator's combined result: ``value`` (a percentage for percentages), the numerator and
    denominator it came from, and the end of the latest period that contributed. ``value is None``
    means no data."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    as_of: date | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None


NO_DATA = Result(value=None)


@dataclass(frozen=True)
class IndicatorRule:
    measure: str = NUMBER
    cumulative: bool = False
    aggregation: str = SUM


def _percentage(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator <= 0:
        return None
    return numerator * HUNDRED / denominator


def _combine_numbers(values: Sequence[tuple[date | None, Decimal]], aggregation: str) -> Decimal:
    numbers = [v for _, v in values]
    if aggregation == SUM:
        return sum(numbers, Decimal(0))
    if aggregation == AVERAGE:
        return sum(numbers, Decimal(0)) / len(numbers)
    if aggregation == MAX:
        return max(numbers)
    # LATEST: the value of the latest period (ties: the last given)
    return max(enumerate(values), key=lambda iv: (iv[1][0] or date.min, iv[0]))[1][1]


def over_time(rule: IndicatorRule, observations: Iterable[Observation]) -> Result:
    """One place's result over its periods."""
    obs = sorted(observations, key=lambda o: o.period_end)
    if rule.measure == QUALITATIVE or not obs:
        return NO_DATA
    as_of = obs[-1].period_end
    if rule.measure == PERCENTAGE:
        usable = [o for o in obs if o.numerator is not None and o.denominator is not None and o.denominator > 0]
        if not usable:
            return NO_DATA
        if rule.cumulative:
            last = usable[-1]
            assert last.numerator is not None and last.denominator is not None
            return Result(_percentage(last.numerator, last.denominator), last.numerator, last.denominator, as_of)
        num = sum((o.numerator for o in usable if o.numerator is not None), Decimal(0))
        den = sum((o.denominator for o in usable if o.denominator is not None), Decimal(0))
        return Result(_percentage(num, den), num, den, as_of)
    numbers = [(o.period_end, o.value) for o in obs if o.value is not None]
    if not numbers:
        return NO_DATA
    if rule.cumulative:
        return Result(numbers[-1][1], as_of=as_of)
    return Result(_combine_numbers(numbers, rule.aggregation), as_of=as_of)


def across_places(rule: IndicatorRule, results: Iterable[Result]) -> Result:
    """Places' results combined (a county's own and its linked districts'): only those with data."""
    with_data = [r for r in results if r.has_data]
    if not with_data or rule.measure == QUALITATIVE:
        return NO_DATA
    as_of = max((r.as_of for r in with_data if r.as_of is not None), default=None)
    if rule.measure == PERCENTAGE:
        parts = [r for r in with_data if r.numerator is not None and r.denominator is not None]
        if not parts:
            return NO_DATA
        num = sum((r.numerator for r in parts if r.numerator is not None), Decimal(0))
        den = sum((r.denominator for r in parts if r.denominator is not None), Decimal(0))
        return Result(_percentage(num, den), num, den, as_of)
    values = [(r.as_of, r.value) for r in with_data if r.value is not None]
    aggregation = SUM if rule.aggregation == LATEST and rule.cumulative else rule.aggregation
    return Result(_combine_numbers(values, aggregation), as_of=as_of)


def achievement(
    actual: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None = None,
    direction: str = INCREASE,
) -> Decimal | None:
    """Share of the way from baseline to target achieved, 0-100 (``None`` without data or target).

    Increase, baseline 20, target 60, actual 50: (50 - 20) / (60 - 20) = 75 %.
    Decrease, baseline 30, target 10, actual 25: (30 - 25) / (30 - 10) = 25 %."""
    if actual is None or target is None:
        return None
    base = baseline if baseline is not None else Decimal(0)
    span = (target - base) if direction == INCREASE else (base - target)
    if span == 0:
        reached = actual >= target if direction == INCREASE else actual <= target
        return HUNDRED if reached else Decimal(0)
    gained = (actual - base) if direction == INCREASE else (base - actual)
    share = gained * HUNDRED / span
    return max(Decimal(0), min(HUNDRED, share))


def weighted_mean(children: Iterable[tuple[int | Decimal, Decimal | None]]) -> Decimal | None:
    """Weighted mean over the children that have data; ``None`` when none has.

    (weight 1, 80), (weight 3, 40), (weight 2, no data): (80 + 120) / 4 = 50."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for weight, value in children:
        if value is None:
            continue
        total_weight += Decimal(weight)
        total += Decimal(weight) * Decimal(value)
    if total_weight == 0:
        return None
    return total / total_weight


def rounded(value: Decimal | None, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- RAG ---------------------------------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"
DONE_STATUSES = ("completed", "cancelled")


def expected_progress(start: date, end: date, today: date) -> Decimal:
    """Share of the time from start to due that has elapsed (0-100)."""
    if today <= start:
        return Decimal(0)
    if today >= end:
        return HUNDRED
    return Decimal((today - start).days) * HUNDRED / Decimal((end - start).days)


def rag(
    *,
    progress: int | Decimal | None,
    start: date,
    end: date,
    today: date,
    amber_below: int,
    red_below: int,
    status: str = "in_progress",
    override: str = "",
) -> str | None:
    """Red, amber or green from the progress achieved against the progress expected by now.

    A manual override wins. Completed or cancelled actions have no RAG (``None``). An action not
    yet due to start is green. Otherwise the ratio achieved / expected, as a percentage, is compared
    with the plan's thresholds: at 50 % elapsed with amber below 90 and red below 60, progress 45
    (ratio 90) is green, 40 (80) amber, 25 (50) red. Past the due date and not complete: red."""
    if override:
        return override
    if status in DONE_STATUSES:
        return None
    if today > end:
        return RED
    expected = expected_progress(start, end, today)
    if expected == 0:
        return GREEN
    achieved = Decimal(progress or 0)
    ratio = achieved * HUNDRED / expected
    if ratio < red_below:
        return RED
    if ratio < amber_below:
        return AMBER
    return GREEN
