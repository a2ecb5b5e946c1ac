"""KG401 scrape/relabel: relabel regexes compile under RE2, replacements name groups the regex
has, and each action has the fields it needs; reported at the step."""

from __future__ import annotations

import pytest

from generator.checks import scrape_relabel
from generator.findings import Level
from generator.kit import keep_list, pod_discovery
from generator.model import Action, Flavor, Relabel, ScrapeJob
from tests.checks.conftest import KEEP, METRICS, at, demo, found, reported, where


def _job(*steps: Relabel, metric_steps: tuple[Relabel, ...] = (KEEP,)) -> ScrapeJob:
    return ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS, relabel_configs=steps,
                     metric_relabel_configs=metric_steps)


def test_the_demo_steps_are_fine() -> None:
    assert found(scrape_relabel, demo()) == []


def test_the_kit_steps_are_fine() -> None:
    job = ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS,
                    relabel_configs=pod_discovery("app", "demo", 9100),
                    metric_relabel_configs=keep_list(METRICS))
    assert found(scrape_relabel, demo(scrape_jobs=(job,))) == []


@pytest.mark.parametrize("step", [
    Relabel(source_labels=("a",), regex="(?P<host>.+):(\\d+)", replacement="${host}-$2",
            target_label="t"),
    Relabel(action=Action.HASHMOD, source_labels=("a",), modulus=4, target_label="shard"),
    Relabel(action=Action.LABELMAP, regex="__meta_(.+)", replacement="$1"),
    Relabel(action=Action.LABELDROP, regex="tmp_.*"),
    Relabel(source_labels=("a",), regex="(.+)", replacement="$$literal-$1", target_label="t"),
])
def test_complete_steps_are_fine(step: Relabel) -> None:
    assert scrape_relabel.problems(step) == []


@pytest.mark.parametrize(("step", "problem"), [
    (Relabel(source_labels=("a",), regex="(?<=x)(.+)", target_label="t"),
     "regex '(?<=x)(.+)' does not compile under RE2: "),
    (Relabel(source_labels=("a",), regex="(.+)", replacement="$2", target_label="t"),
     "replacement '$2' refers to group $2, which regex '(.+)' does not have"),
    (Relabel(source_labels=("a",), regex="(.+)", replacement="${host}", target_label="t"),
     "replacement '${host}' refers to group $host, which regex '(.+)' does not have"),
    (Relabel(source_labels=("a",), regex="(.+)", replacement="$$$2", target_label="t"),
     "replacement '$$$2' refers to group $2, which regex '(.+)' does not have"),
    (Relabel(source_labels=("a",), replacement="$1"), "replace needs target_label"),
    (Relabel(action=Action.LOWERCASE, source_labels=("a",)), "lowercase needs target_label"),
    (Relabel(action=Action.HASHMOD, source_labels=("a",), target_label="t"),
     "hashmod needs modulus"),
    (Relabel(action=Action.LABELMAP), "labelmap needs regex"),
])
def test_a_broken_step_is_an_error_at_the_step(step: Relabel, problem: str) -> None:
    (finding,) = found(scrape_relabel, demo(scrape_jobs=(_job(step),)))
    assert (finding.code, finding.level, where(finding)) == ("KG401", Level.ERROR, at(step))
    assert finding.message.startswith(f"job demo: {problem}")


def test_metric_relabel_steps_are_checked_too() -> None:
    broken = Relabel(action=Action.KEEP, source_labels=("__name__",), regex="demo_(.*")
    (finding,) = found(scrape_relabel, demo(scrape_jobs=(_job(metric_steps=(broken,)),)))
    assert where(finding) == at(broken)


def test_every_problem_of_a_step_is_reported() -> None:
    step = Relabel(action=Action.HASHMOD, source_labels=("a",))
    assert scrape_relabel.problems(step) == ["hashmod needs target_label", "hashmod needs modulus"]


def test_a_suppressed_step_is_not_reported() -> None:
    step = Relabel(source_labels=("a",), regex="(.+)", replacement="$2", target_label="t",
                   suppress={"KG401": "Prometheus leaves $2 empty, which we want"})
    integration = demo(scrape_jobs=(_job(step),))
    assert found(scrape_relabel, integration) != []
    assert reported("KG401", integration) == []
