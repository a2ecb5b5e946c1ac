"""generator.queries: an integration's checks share one reading of it, which lives no longer
than the integration, and a selector's matchers are read on every side of an `or`."""

from __future__ import annotations

import gc

from generator import promql, queries
from tests.checks.conftest import demo, spec


def test_the_checks_of_an_integration_share_one_reading_of_it() -> None:
    one, other = spec(demo()), spec(demo(title="Other"))
    assert queries.read(one) is queries.read(one)
    assert queries.read(other) is not queries.read(one)
    integration = one.integration
    written = [r.expr for r in integration.recording_rules] + [a.expr for a in integration.alerts]
    written += [q.expr for board in integration.dashboards for row in board.rows
                for panel in row.panels for q in panel.queries]
    written += [v.metric for board in integration.dashboards for v in board.variables]
    assert sorted(e for _, e, _ in queries.all_queries(one)) == sorted(written)


def test_the_reading_goes_with_the_integration() -> None:
    """Nothing is kept between integrations: a build holds one at a time."""
    held = spec(demo())
    key = id(held.integration)
    queries.read(held)
    assert key in queries._reads
    del held
    gc.collect()
    assert key not in queries._reads


def test_every_side_of_an_or_selector_is_read() -> None:
    (use,) = promql.selector_uses('rate(demo_errors_total{code="500" or job!~"x"}[5m])')
    assert use.metric == "demo_errors_total"
    assert use.matchers == (("code", "=", "500"), ("job", "!~", "x"))
    assert use.either == 'demo_errors_total{code="500" or job!~"x"}'
    (plain,) = promql.selector_uses('demo_errors_total{code="500"}')
    assert (plain.matchers, plain.either) == ((("code", "=", "500"),), None)


def test_an_aggregation_parameter_is_read_too() -> None:
    """topk's k, quantile's phi and count_values' label are queries of their own."""
    uses = promql.selector_uses("topk(scalar(demo_queue_depth{queue=\"a\"}), demo_errors_total)")
    assert [(u.metric, u.matchers) for u in uses] == [
        ("demo_queue_depth", (("queue", "=", "a"),)), ("demo_errors_total", ())]
