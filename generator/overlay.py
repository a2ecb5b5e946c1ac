"""Project settings laid over a built integration: the changes users make without forking.

Alert labels, severities, disabled alerts and runbook links; the scrape-job flavors wanted;
and a cluster label kept through every aggregation, for one ruler or Thanos/Mimir serving many
clusters.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator import promql
from generator.findings import Finding, Level
from generator.gotemplates import label_problems as problems
from generator.model import Alert, Dashboard, Flavor, Integration, ScrapeJob, Variable
from generator.project import CODE, AlertSettings, IntegrationSettings, Project

ANNOTATIONS = "KG302"
"""rules/annotations' code: a label value that is not a valid template or carries the value."""
_UNSET = IntegrationSettings()
"""The settings of an integration the project says nothing about (frozen, so shared)."""


def apply(integration: Integration, project: Project) -> tuple[Integration, list[Finding]]:
    """The integration as the project wants it, and findings for settings naming nothing
    (which stop the build at once). An alert label that `label_problems` refuses is not laid
    over. The cluster label is a stage of its own (`keep_cluster_label`)."""
    settings = project.integrations.get(integration.name, _UNSET)
    alerts, findings = _alerts(integration, settings.alerts, project)
    update: dict[str, object] = {"alerts": alerts}
    if project.flavors is not None:
        update["scrape_jobs"] = _flavored(integration, project.flavors)
    return integration.model_copy(update=update), findings


def _alerts(integration: Integration, settings: AlertSettings,
            project: Project) -> tuple[tuple[Alert, ...], list[Finding]]:
    names = {alert.name for alert in integration.alerts}
    findings = [
        Finding.at(project.locate("integrations", integration.name, "alerts", key, name),
                   Level.ERROR, CODE, f"integrations.{integration.name}.alerts.{key}: "
                   f"{integration.name} has no alert {name}")
        for key, wanted in (("disable", settings.disable), ("severity", settings.severity))
        for name in wanted if name not in names
    ]
    labels = {key: text for key, text in settings.labels.items() if not problems(text)}
    lines = {key: project.locate("integrations", integration.name, "alerts", "labels", key)
             for key in labels}
    kept = []
    runbook_url = project.runbook_links(integration.name)
    for alert in integration.alerts:
        if alert.name in settings.disable:
            continue
        laid = alert.model_copy(update={
            "severity": settings.severity.get(alert.name, alert.severity),
            "labels": {**alert.labels, **labels},
            "runbook_url": runbook_url(alert.name),
        })
        kept.append(laid.with_label_lines(lines) if lines else laid)
    return tuple(kept), findings


def label_problems(name: str, project: Project) -> list[Finding]:
    """The project's alert labels for integration `name` that are not valid templates or carry
    the value (what rules/annotations finds in an alert's own labels), each an error once, at
    the line that sets it, not at every alert it reaches. They do not stop the build at once:
    the checks go on, so a run reports them with every other mistake."""
    settings = project.integrations.get(name, _UNSET)
    return [Finding.at(project.locate("integrations", name, "alerts", "labels", key),
                       Level.ERROR, ANNOTATIONS, f"integrations.{name}.alerts.labels.{key}: {p}")
            for key, text in settings.alerts.labels.items() for p in problems(text)]


def _flavored(integration: Integration, flavors: Iterable[Flavor]) -> tuple[ScrapeJob, ...]:
    wanted = set(flavors)
    return tuple(job for job in integration.scrape_jobs if job.flavor in wanted)


def keep_cluster_label(integration: Integration, label: str) -> Integration:
    """Every rule and panel query keeps `label` through its aggregations; dashboards with
    variables gain one for it, first after the data source, so every panel filters by it."""
    return integration.model_copy(update={
        "external_labels": tuple(dict.fromkeys((*integration.external_labels, label))),
        "recording_rules": tuple(r.model_copy(update={"expr": promql.keep_label(r.expr, label)})
                                 for r in integration.recording_rules),
        "alerts": tuple(a.model_copy(update={"expr": promql.keep_label(a.expr, label)})
                        for a in integration.alerts),
        "dashboards": tuple(_board_with_cluster(board, label)
                            for board in integration.dashboards),
    })


def _board_with_cluster(board: Dashboard, label: str) -> Dashboard:
    rows = tuple(row.model_copy(update={"panels": tuple(
        panel.model_copy(update={"queries": tuple(
            query.model_copy(update={"expr": promql.keep_label(query.expr, label)})
            for query in panel.queries)})
        for panel in row.panels)}) for row in board.rows)
    variables = board.variables
    if variables and all(v.name != label for v in variables):
        cluster = Variable(name=label, label=label, metric=variables[0].metric,
                           title=label.capitalize())
        variables = (cluster, *variables)
    return board.model_copy(update={"rows": rows, "variables": variables})
