"""An alert expression for targets that have gone away, per cluster when a cluster label is kept.

`absent(up{...})` answers for the whole ruler: with one ruler over many clusters it stays
silent while any cluster still has a target. The expression here says "there were targets
within the lookback and there are none now", written with label-less aggregations so that
`cluster_label` (generator.overlay) turns every one of them into `by (cluster)`, and the alert
fires for each cluster that lost its targets. Without a cluster label it fires exactly when
`absent()` does: the `absent()` branch covers targets never seen within the lookback, and
`or on ()` keeps it from doubling the first branch.
"""

from __future__ import annotations

from generator.model.types import Duration

STEP = "5m"
"""The subquery step that samples the lookback: a target seen for less than this can be
missed, which is harmless for "had targets recently"."""


def targets_gone(series: str, lookback: Duration) -> str:
    """Fires while `series` (a selector over `up`) had samples within `lookback` but has none
    now, or has never had any."""
    seen = f"max_over_time(group({series})[{lookback}:{STEP}])"
    return f"({seen} unless group({series})) or on () absent({series})"
