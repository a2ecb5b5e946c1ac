"""generator.queries: an integration's checks share one reading of it, which lives no longer
than the integration, and a selector's matchers are read on every side of an `or`."""

from __future__ import annotations

import gc

from generator import queries
from tests.checks.conftest import demo, spec


def test_the_checks_of_an_integration_share_one_reading_of_it() -> None:
    one, other = spec(demo()), spec(demo(title="Other"))
    assert queries.read(one) is queries.read(one)
    assert queries.read(other) is not queries.read(one)
    assert [q.expr for q in queries.read(one).all] == [e for _, e, _ in queries.all_queries(one)]


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
    (use,) = queries.selector_uses('rate(demo_errors_total{code="500" or job!~"x"}[5m])')
    assert use.metric == "demo_errors_total"
    assert use.matchers == (("code", "=", "500"), ("job", "!~", "x"))
    assert use.either == 'demo_errors_total{code="500" or job!~"x"}'
    (plain,) = queries.selector_uses('demo_errors_total{code="500"}')
    assert (plain.matchers, plain.either) == ((("code", "=", "500"),), None)
