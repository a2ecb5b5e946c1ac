"""Every name the outputs, the specs' checks and the docs must agree on, in one place: file
paths in the output tree, dashboard uids and file names, Kubernetes object names, the docs page
and its anchors, the `runbook_url` pattern that joins them, and the alert-name prefix.

A target, a check or a page that needs one of these names asks here, so a link and the file or
object it points at cannot drift apart.
"""

from __future__ import annotations

PLACEHOLDERS = ("docs", "anchor", "integration", "alert")
"""What a `runbook_url` pattern may name."""
DEFAULT_PATTERN = "{docs}#{anchor}"
"""Without a pattern: the docs page's path in the repository, which a repository browser opens
but Alertmanager, Slack and PagerDuty cannot."""


def docs_page(integration: str) -> str:
    """The integration's docs page, relative to the output tree."""
    return f"docs/{integration}.md"


def anchor(alert: str) -> str:
    """The anchor GitHub, GitLab and MkDocs give the heading `### <alert>`: alert names are
    letters, digits and `_`, which those slug rules keep, lower-cased."""
    return alert.lower()


def check_pattern(pattern: str) -> str:
    """The pattern, or ValueError naming what in it cannot be filled in."""
    import string  # only a project that sets a pattern reads it

    if not pattern.strip():
        raise ValueError("empty pattern")
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise ValueError(f"{error} (write a literal brace as {{{{ or }}}})") from None
    for _, field, spec, conversion in parsed:
        if field is not None and (field not in PLACEHOLDERS or spec or conversion):
            written = field + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "")
            raise ValueError(f"{{{written}}} is not a placeholder; known: "
                             f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
    return pattern


def runbook_url(pattern: str, docs: str, integration: str, alert: str) -> str:
    """The pattern filled in for one alert; `docs` is its docs page's path in the repository."""
    return pattern.format(docs=docs, anchor=anchor(alert), integration=integration, alert=alert)


def alert_prefix(integration: str) -> str:
    """The prefix of the integration's alert names: `calico` -> `Calico`, `kube-proxy` ->
    `KubeProxy`."""
    return "".join(part.title() for part in integration.split("-"))


def dashboard_uid(integration: str, slug: str) -> str:
    """`kgen-calico-overview`: stable across builds, so links to a dashboard keep working."""
    return f"kgen-{integration}-{slug}"


def dashboard_file(integration: str, slug: str) -> str:
    """`calico-overview.json`: the dashboard's file, ConfigMap key and mixin key."""
    return f"{integration}-{slug}.json"


def dashboard_path(integration: str, slug: str) -> str:
    return f"grafana/dashboards/{dashboard_file(integration, slug)}"


def dashboard_configmap(integration: str, slug: str) -> str:
    """The ConfigMap object holding one dashboard."""
    return f"grafana-dashboard-{integration}-{slug}"


def dashboard_configmap_path(integration: str, slug: str) -> str:
    return f"grafana/configmaps/{integration}-{slug}.yaml"


def dashboard_provider(integration: str) -> str:
    """The Grafana dashboard provider of an integration, and the uid of its own folder."""
    return f"kgen-{integration}"


def provisioning_path(integration: str) -> str:
    return f"grafana/provisioning/{integration}.yaml"


def rule_file_path(integration: str) -> str:
    return f"prometheus/rules/{integration}.yaml"


def rule_tests_path(integration: str) -> str:
    return f"prometheus/tests/{integration}.yaml"


RULE_FILE_FROM_TESTS = "../rules/{integration}.yaml"
"""The rule file as the generated promtool tests name it (relative to their own directory)."""


def recording_group(integration: str) -> str:
    return f"{integration}.rules"


def alerting_group(integration: str) -> str:
    return f"{integration}.alerts"


def scrape_jobs_path(flavor: str, integration: str) -> str:
    return f"scrape-jobs/{flavor}/{integration}.yaml"


def prometheus_rule_object(integration: str) -> str:
    """The PrometheusRule object of an integration."""
    return f"kgen-{integration}"


def prometheus_rule_path(integration: str) -> str:
    return f"prometheus-operator/{integration}-prometheusrule.yaml"


def pod_monitor_object(job_name: str) -> str:
    """The PodMonitor object of a scrape job."""
    return f"kgen-{job_name}"


def pod_monitors_path(integration: str) -> str:
    return f"prometheus-operator/{integration}-podmonitors.yaml"


def mixin_path(integration: str) -> str:
    return f"mixin/{integration}/mixin.libsonnet"


def mixin_lint_path(integration: str) -> str:
    return f"mixin/{integration}/.lint"
