"""KG402 scrape/jobs: job names are unique across integrations and no secret is written inline
(in any field but *_file, in the metrics_path query string, or in a __param_ a step sets)."""

from __future__ import annotations

import pytest

from generator.checks import scrape_jobs
from generator.findings import Level
from generator.model import TLS, Flavor, Relabel, ScrapeJob
from tests.checks.conftest import JOB, at, demo, found, reported, where


def _job(name: str = "demo", **fields: object) -> ScrapeJob:
    return ScrapeJob(job_name=name, flavor=Flavor.PROMETHEUS, **fields)  # type: ignore[arg-type]


def test_the_demo_job_is_fine() -> None:
    assert found(scrape_jobs, demo()) == []


def test_file_references_and_harmless_parameters_are_fine() -> None:
    job = _job(credentials_file="/var/run/secrets/password=token",
               tls=TLS(ca_file="/etc/ca.pem", cert_file="/c", key_file="/k"),
               metrics_path="/metrics?format=prometheus&module=http",
               relabel_configs=(Relabel(source_labels=("a",), target_label="__param_target"),))
    assert found(scrape_jobs, demo(scrape_jobs=(job,))) == []


def test_a_job_name_twice_is_an_error_at_the_second_across_integrations() -> None:
    again = _job()
    other = demo(name="other", scrape_jobs=(again,))
    (finding,) = found(scrape_jobs, demo(), other)
    assert (finding.code, finding.level, where(finding)) == ("KG402", Level.ERROR, at(again))
    assert finding.message == f"job demo is already defined at {JOB.location}"


@pytest.mark.parametrize("fields", [
    {"relabel_configs": (Relabel(source_labels=("a",), target_label="t",
                                 replacement="password=hunter2"),)},
    {"tls": TLS(ca_file="x", server_name="-----BEGIN KEY")},
    {"metrics_path": "/metrics?header=Authorization: Bearer abcdefghijkl"},
])
def test_an_inline_secret_is_an_error_at_the_job(fields: dict[str, object]) -> None:
    bad = _job(**fields)
    (finding,) = found(scrape_jobs, demo(scrape_jobs=(bad,)))
    assert where(finding) == at(bad)
    assert finding.message == ("job demo carries an inline secret; reference it with a *_file "
                               "field")


@pytest.mark.parametrize(("fields", "param"), [
    ({"metrics_path": "/metrics?access_token=abc"}, "metrics_path parameter 'access_token'"),
    ({"metrics_path": "/federate?X-Amz-Signature=1&match=up"},
     "metrics_path parameter 'X-Amz-Signature'"),
    ({"relabel_configs": (Relabel(source_labels=("a",), target_label="__param_api_key"),)},
     "relabelled parameter 'api_key'"),
])
def test_a_credential_url_parameter_is_an_error(fields: dict[str, object], param: str) -> None:
    bad = _job(**fields)
    (finding,) = found(scrape_jobs, demo(scrape_jobs=(bad,)))
    assert where(finding) == at(bad)
    assert finding.message == (f"job demo sends {param} as a URL parameter, so the secret "
                               "ships in the output; use credentials_file or a *_file field")


def test_a_suppressed_job_is_not_reported() -> None:
    bad = _job(metrics_path="/metrics?access_token=abc",
               suppress={"KG402": "a public read-only token the exporter requires"})
    assert found(scrape_jobs, demo(scrape_jobs=(bad,))) != []
    assert reported("KG402", demo(scrape_jobs=(bad,))) == []


def test_a_suppression_reason_is_not_output_so_not_a_secret() -> None:
    job = _job(relabel_configs=(Relabel(source_labels=("a",), target_label="t", suppress={
        "KG401": "the mesh adds bearer authentication: Bearer abcdefghijkl"}),))
    assert found(scrape_jobs, demo(scrape_jobs=(job,))) == []


@pytest.mark.parametrize("name", ["author", "authority_host"])
def test_a_parameter_that_only_starts_like_auth_is_fine(name: str) -> None:
    job = _job(relabel_configs=(Relabel(source_labels=("a",), target_label=f"__param_{name}"),))
    assert found(scrape_jobs, demo(scrape_jobs=(job,))) == []


@pytest.mark.parametrize("name", ["auth", "auth_token", "x-auth", "authorization"])
def test_an_auth_parameter_is_an_error(name: str) -> None:
    job = _job(relabel_configs=(Relabel(source_labels=("a",), target_label=f"__param_{name}"),))
    (finding,) = found(scrape_jobs, demo(scrape_jobs=(job,)))
    assert f"relabelled parameter {name!r}" in finding.message


def test_the_secret_search_reads_every_string_a_job_writes() -> None:
    """The search walks a dump without unset fields: it holds every string the full dump
    holds, for every shipped job and each job above."""
    from generator.build import load_specs
    from tests.support import PROJECT

    jobs = [job for spec in load_specs(PROJECT) for job in spec.integration.scrape_jobs]
    jobs += [JOB, _job(credentials_file="/f", tls=TLS(ca_file="x", server_name="s"),
                       relabel_configs=(Relabel(source_labels=("a",), target_label="t",
                                                replacement="r"),))]
    for job in jobs:
        every = scrape_jobs.strings(job.model_dump())
        assert sorted(scrape_jobs.strings(scrape_jobs._written(job))) == sorted(every)
        assert every, job.job_name
