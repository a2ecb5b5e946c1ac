"""KG403 operator/pod-monitor (prometheus-operator target): a prometheus-flavor scrape job a
PodMonitor cannot express, every problem of every job, at the job."""

from __future__ import annotations

import pytest

from generator.checks import operator_podmonitor
from generator.findings import Level
from generator.model import TLS, Action, Flavor, KubernetesSD, Relabel, Role, ScrapeJob
from tests.checks.conftest import JOB, at, demo, found_for_target, reported, where

TARGET = ("prometheus-operator",)


def _job(name: str = "demo", **fields: object) -> ScrapeJob:
    return ScrapeJob(job_name=name, flavor=Flavor.PROMETHEUS, **fields)  # type: ignore[arg-type]


def test_it_belongs_to_the_operator_target() -> None:
    assert operator_podmonitor.TARGET == "prometheus-operator"


def test_the_demo_job_and_tls_from_a_secret_are_fine() -> None:
    assert found_for_target(operator_podmonitor, demo()) == []
    job = _job(tls=TLS(ca_file="/ca.crt", cert_file="/c", key_file="/k", secret="demo-certs"))
    assert found_for_target(operator_podmonitor, demo(scrape_jobs=(job,))) == []


def test_sysdig_agent_jobs_are_not_its_business() -> None:
    agent = ScrapeJob(job_name="Demo Agent", flavor=Flavor.SYSDIG_AGENT,
                      credentials_file="/token", discovery=KubernetesSD(role=Role.NODE))
    assert found_for_target(operator_podmonitor, demo(scrape_jobs=(JOB, agent))) == []


@pytest.mark.parametrize(("fields", "problem"), [
    ({"discovery": KubernetesSD(role=Role.ENDPOINTS)},
     "role endpoints has no PodMonitor form; use pod discovery"),
    ({"credentials_file": "/token"},
     "a PodMonitor cannot read a bearer token file; drop credentials_file or leave the "
     "prometheus-operator target out"),
    ({"tls": TLS(ca_file="/ca.crt")},
     "a PodMonitor cannot read TLS files from the Prometheus pod; name the Secret holding "
     "them with TLS(secret=...)"),
    ({"metric_relabel_configs": (Relabel(action=Action.DROP, source_labels=("a",), regex=""),)},
     "the operator drops an empty regex, which would change the step; match the empty string "
     "with '^$' instead"),
])
def test_each_problem_is_an_error_at_the_job(fields: dict[str, object], problem: str) -> None:
    bad = _job(**fields)
    (finding,) = found_for_target(operator_podmonitor, demo(scrape_jobs=(bad,)))
    assert (finding.code, finding.level, where(finding)) == ("KG403", Level.ERROR, at(bad))
    assert finding.message == f"job demo: {problem}"


def test_a_name_kubernetes_refuses_is_an_error() -> None:
    bad = _job("Demo_Job")
    (finding,) = found_for_target(operator_podmonitor, demo(scrape_jobs=(bad,)))
    assert finding.message == ("job Demo_Job: kgen-Demo_Job is not a Kubernetes object name "
                               "(lower case letters, digits, '-' and '.')")


def test_every_problem_of_every_job_is_reported() -> None:
    first = _job("a", credentials_file="/t", tls=TLS(cert_file="/c"))
    second = _job("b", discovery=KubernetesSD(role=Role.SERVICE))
    findings = found_for_target(operator_podmonitor, demo(scrape_jobs=(first, second)))
    assert [where(f) for f in findings] == [at(first), at(first), at(second)]


def test_it_runs_only_with_its_target_and_honours_suppression() -> None:
    bad = _job(credentials_file="/token")
    assert reported("KG403", demo(scrape_jobs=(bad,))) == []
    assert [where(f) for f in reported("KG403", demo(scrape_jobs=(bad,)), targets=TARGET)] == \
        [at(bad)]
    quiet = _job(credentials_file="/token",
                 suppress={"KG403": "the PodMonitor goes without auth behind a mesh"})
    assert reported("KG403", demo(scrape_jobs=(quiet,)), targets=TARGET) == []
