"""The typed spec model: what an integration author writes.

Its modules do without `from __future__ import annotations`: pydantic would evaluate each
annotation string (a compile and an eval per field) as every class is built, in every run.
"""

from generator.model.base import Location, SpecModel
from generator.model.dashboard import (
    Dashboard,
    Panel,
    PanelKind,
    Query,
    Row,
    Threshold,
    Variable,
)
from generator.model.examples import Example, Fires, Records, Series, Silent
from generator.model.integration import Integration, Metric, MetricType, Signal
from generator.model.mixin import MixinKnob
from generator.model.rules import Alert, Recording, Runbook, Severity
from generator.model.scrape import (
    TLS,
    Action,
    Flavor,
    KubernetesSD,
    Relabel,
    Role,
    Scheme,
    ScrapeJob,
    keep_metrics,
)

__all__ = [
    "TLS",
    "Action",
    "Alert",
    "Dashboard",
    "Example",
    "Fires",
    "Flavor",
    "Integration",
    "KubernetesSD",
    "Location",
    "Metric",
    "MetricType",
    "MixinKnob",
    "Panel",
    "PanelKind",
    "Query",
    "Recording",
    "Records",
    "Relabel",
    "Role",
    "Row",
    "Runbook",
    "Scheme",
    "ScrapeJob",
    "Series",
    "Severity",
    "Signal",
    "Silent",
    "SpecModel",
    "Threshold",
    "Variable",
    "keep_metrics",
]
