"""`kgen test` runs promtool over parts of each test file, each part's rule file holding only
the rules that can change its verdict (generator.trimmed_tests). Differential tests: on the
shipped specs (every profile), a synthetic set, a spec with a failing example, every alert of
the shipped specs weakened at once, and an unrelated rule that fails to evaluate, promtool fails
the same examples, with the same expected and got, over the parts as over the whole file; and
the pool's result (output and exit code, which make the report) is the one promtool run over
the built files makes, with 1 and 3 jobs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import rule_tests
from generator.build import build_project
from generator.project import load_project
from generator.promtool_pool import Pool, passed
from generator.trimmed_tests import write_parts
from tests.broken._base import BASE
from tests.support import CONFIG, PROFILES, ROOT, temp_project
from tests.test_rule_examples import mutants

Files = dict[str, bytes]


def _promtool(promtool: str, tests: list[str], cwd: Path) -> tuple[int, str]:
    done = subprocess.run([promtool, "test", "rules", *tests], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=240, check=False)
    return done.returncode, done.stdout


def _failed(output: str) -> tuple[set[tuple[str, int, str, str, str]], str]:
    found, other = rule_tests.failures(output)
    return {(f.rule, f.index, f.at, f.expected, f.got) for f in found}, other


def compare(promtool: str, files: Files, root: Path) -> tuple[dict[str, list[str]], str]:
    """Write the build's rule and test files under `root` with their parts, assert promtool's
    verdict on every example is the same over the parts as over the whole file, and that the
    pool's result is the whole run's; the parts of each test file, and the whole run's output."""
    for path, data in files.items():
        if path.startswith("prometheus/"):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
    cwd = root / "prometheus" / "tests"
    tests = sorted(p.removeprefix("prometheus/tests/") for p in files
                   if p.startswith("prometheus/tests/"))
    assert tests
    parts = {test: write_parts(root, test, files) for test in tests}
    whole_code, whole = _promtool(promtool, tests, cwd)
    sections = dict(re.findall(r"Unit Testing:\s+(\S+)\n(.*?)(?=Unit Testing:|\Z)", whole, re.S))
    assert list(sections) == tests, whole[-2000:]
    for test in [test for test in tests if parts[test]]:
        code, output = _promtool(promtool, parts[test], cwd)
        (found, other), (whole_found, whole_other) = _failed(output), _failed(sections[test])
        assert found == whole_found, test
        assert bool(other) == bool(whole_other), output  # an error shows in the parts too
        assert (code == 0) == ("FAILED" not in sections[test]), output
        if code == 0:
            assert output == "".join(map(passed, parts[test]))
            assert f"Unit Testing:  {test}\n{sections[test]}" == passed(test)
    sizes = {test: len(files[f"prometheus/tests/{test}"]) for test in tests}
    for jobs in (1, 3):
        with Pool(promtool, jobs) as pool:
            assert pool.start(cwd, tests, sizes, parts).result() == (whole_code, whole)
    return parts, whole


def _rule_count(text: str | bytes) -> int:
    return sum(len(group["rules"]) for group in yaml.safe_load(text)["groups"])


@pytest.mark.long
@pytest.mark.parametrize("profile", PROFILES)
def test_the_project_passes_over_parts_as_over_whole_files(promtool: str, tmp_path: Path,
                                                           profile: str | None) -> None:
    """This repository's specs, as kgen.yaml and each profile configure them: whatever a team
    adds (a spec whose rules cannot be cut is tested whole)."""
    assert CONFIG is not None
    files = build_project(load_project(CONFIG, profile)._replace(targets=("prometheus-rules",)))
    compare(promtool, files, tmp_path)


@pytest.mark.long
def test_the_specimens_are_cut_into_parts_holding_fewer_rules(promtool: str,
                                                              tmp_path: Path) -> None:
    root = temp_project(tmp_path / "project", "targets: [prometheus-rules]\n")
    files = build_project(load_project(root / "kgen.yaml"))
    parts, _ = compare(promtool, files, tmp_path / "run")
    assert all(parts.values()), "every specimen's test file is cut into parts"
    for test, names in parts.items():
        whole = _rule_count(files[f"prometheus/rules/{test}"])
        counts = [_rule_count(Path(name).with_suffix(".rules.yaml").read_text(encoding="utf-8"))
                  for name in names[1:]]  # the first holds the rule file as it is
        assert max(counts) < whole / 2, (test, counts, whole)


@pytest.mark.long
def test_every_alert_weakened_fails_the_same_examples_over_parts(promtool: str,
                                                                 tmp_path: Path) -> None:
    assert CONFIG is not None
    files = build_project(load_project(CONFIG)._replace(targets=("prometheus-rules",)))
    for path in [p for p in files if p.startswith("prometheus/rules/")]:
        rules = yaml.safe_load(files[path])
        for group in rules["groups"]:
            group["rules"] = [next(mutants(rule))[1] if "alert" in rule else rule
                              for rule in group["rules"]]
        files[path] = yaml.safe_dump(rules).encode()
    _, whole = compare(promtool, files, tmp_path)
    assert len(_failed(whole)[0]) > 20


@pytest.mark.long
def test_a_synthetic_set_passes_over_parts(promtool: str, tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "2",
                    str(tmp_path / "p" / "specs")], check=True, capture_output=True)
    (tmp_path / "p" / "kgen.yaml").write_text("specs: specs\nout: out\n"
                                              "targets: [prometheus-rules]\n", encoding="utf-8")
    files = build_project(load_project(tmp_path / "p" / "kgen.yaml"))
    parts, _ = compare(promtool, files, tmp_path / "tree")
    assert all(parts.values())


def _demo(tmp_path: Path, text: str) -> Files:
    (tmp_path / "p" / "specs").mkdir(parents=True)
    (tmp_path / "p" / "specs" / "demo.py").write_text(text, encoding="utf-8")
    (tmp_path / "p" / "kgen.yaml").write_text("specs: specs\nout: out\n"
                                              "targets: [prometheus-rules]\n", encoding="utf-8")
    return build_project(load_project(tmp_path / "p" / "kgen.yaml"))


def test_a_failing_example_fails_over_parts_as_over_the_file(promtool: str,
                                                            tmp_path: Path) -> None:
    files = _demo(tmp_path, BASE.replace("hold(2, 20)", "hold(0.2, 20)", 1))
    parts, _ = compare(promtool, files, tmp_path / "tree")
    code, output = _promtool(promtool, parts["demo.yaml"], tmp_path)
    assert code == 1 and {rule for rule, *_ in _failed(output)[0]} == {"DemoSlow/warning"}


def test_a_rule_no_example_reads_that_fails_to_evaluate_fails_a_part(promtool: str,
                                                                      tmp_path: Path) -> None:
    """An error without data (an invalid regex in label_replace) of a rule no part needs shows
    in the first part, so the file runs whole and its output names the rule at every group."""
    files = _demo(tmp_path, BASE)
    rules = yaml.safe_load(files["prometheus/rules/demo.yaml"])
    rules["groups"].append({"name": "extra", "rules": [
        {"record": "broken", "expr": 'label_replace(vector(1), "a", "$1", "b", "(")'}]})
    files["prometheus/rules/demo.yaml"] = yaml.safe_dump(rules).encode()
    parts, _ = compare(promtool, files, tmp_path / "tree")
    said = [_promtool(promtool, [part], tmp_path) for part in parts["demo.yaml"]]
    assert [code for code, _ in said] == [1, 1] + [0] * (len(said) - 2)
    assert all("rule: broken, time: 0s" in output for _, output in said[:2])


def test_a_template_promtool_refuses_fails_the_whole_rule_files_part(promtool: str,
                                                                     tmp_path: Path) -> None:
    """promtool refuses the rule file for an alert's template that does not parse: so does
    the part holding the whole rule file, though no other part keeps that alert."""
    files = _demo(tmp_path, BASE)
    rules = yaml.safe_load(files["prometheus/rules/demo.yaml"])
    rules["groups"].append({"name": "extra", "rules": [
        {"alert": "Bad", "expr": "nothing_reads_this > 1",
         "annotations": {"summary": "{{ nosuchfunc }}"}}]})
    files["prometheus/rules/demo.yaml"] = yaml.safe_dump(rules).encode()
    parts, _ = compare(promtool, files, tmp_path / "tree")
    said = [_promtool(promtool, [part], tmp_path) for part in parts["demo.yaml"]]
    assert 'function "nosuchfunc" not defined' in said[0][1]
    assert [code for code, _ in said[1:]] == [1] + [0] * (len(said) - 2)


def test_a_rule_reading_alerts_keeps_every_rule(promtool: str, tmp_path: Path) -> None:
    files = _demo(tmp_path, BASE)
    rules = yaml.safe_load(files["prometheus/rules/demo.yaml"])
    rules["groups"][-1]["rules"].append({"record": "firing", "expr": "count(ALERTS)"})
    files["prometheus/rules/demo.yaml"] = yaml.safe_dump(rules).encode()
    parts, _ = compare(promtool, files, tmp_path / "tree")
    assert parts == {"demo.yaml": []}


CASES = ROOT / "tests" / "trimmed_cases"
"""Rule and test files (a review's counterexamples to an earlier cut) where every part passed
while promtool failed the whole file: an alert label calling `query` (a label it changes, an
evaluation error it causes), a rule writing `ALERTS`, and rules failing on no data only after
the first part's last step."""


@pytest.mark.parametrize("case", sorted(path.name for path in CASES.iterdir()))
def test_a_file_that_fails_whole_fails_in_kgen_test(promtool: str, tmp_path: Path,
                                                    case: str) -> None:
    files = {f"prometheus/rules/{case}.yaml": (CASES / case / "rules.yaml").read_bytes(),
             f"prometheus/tests/{case}.yaml": (CASES / case / "test.yaml").read_bytes()}
    _, whole = compare(promtool, files, tmp_path)
    assert "FAILED" in whole
