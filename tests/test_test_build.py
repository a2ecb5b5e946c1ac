"""`kgen test` builds its rule files as `kgen build` does (in workers, an unchanged integration
taken from the output tree through its unit-cache record) and reads each integration's rules off
its test file; its report (stdout, stderr, exit code) and the pass cache's record are those of
the build in one process that loads every spec (`KGEN_NO_FASTPATH=1`, the reference), whatever
was built before, with real promtool. Each spec here notes in `loaded` when it is imported, so a
test sees which integrations a run built."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks import synth
from generator import rule_tests
from generator.build import run
from generator.conventions import rule_tests_path
from generator.project import load_project
from tests.broken._base import BASE
from tests.support import CONFIG as SHIPPED_CONFIG
from tests.support import KGEN
from tests.test_parallel import suppressing

CONFIG = ("specs: specs\nout: out\ntargets: [prometheus-rules, scrape-jobs, docs]\n"
          "profiles:\n  prod:\n    cluster_label: cluster\n    out: out-prod\n")
NAMES = ("u0", "u1", "u2", "u3", "u4")
NOTE = ("import pathlib as _pathlib\n"
        "with open(_pathlib.Path(__file__).parent.parent / 'loaded', 'a') as _log:\n"
        "    _log.write(_pathlib.Path(__file__).stem + '\\n')\n")
SLOW = 'demo_wait_seconds{quantile="0.99"} > 1'
FAILING = SLOW.replace("> 1", "> 3")
"""u2's DemoSlow at 3 s: its firing example (p99 at 2 s) fails."""


def spec(name: str, text: str = BASE) -> str:
    return NOTE + text.replace("demo", name).replace("Demo", name.upper())


def write(root: Path, name: str, text: str) -> None:
    """A spec module, dated a minute back: the unit cache keeps no entry whose inputs changed
    within a second of its build (`fastpath.RACY_NS`)."""
    path = root / "specs" / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 60))


def new_project(tmp_path: Path, names: tuple[str, ...] = NAMES) -> Path:
    """A project of these specs (dated a minute back) and CONFIG."""
    root = tmp_path / "project"
    (root / "specs").mkdir(parents=True)
    for name in names:
        write(root, name, spec(name))
    (root / "kgen.yaml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return new_project(tmp_path)


def kgen(root: Path, command: str, *args: str, reference: bool = False) -> tuple[int, str, str]:
    env = {**os.environ}
    for name in ("KGEN_NO_FASTPATH", "KGEN_JOBS"):
        env.pop(name, None)
    if reference:
        env["KGEN_NO_FASTPATH"] = "1"
    done = subprocess.run([KGEN, command, *args], cwd=root, capture_output=True, text=True,
                          env=env, check=False, timeout=300)
    return done.returncode, done.stdout, done.stderr


def loaded(root: Path) -> list[str]:
    """The specs imported since the last call, sorted, and the note emptied."""
    note = root / "loaded"
    if not note.exists():
        return []
    names = sorted(note.read_text(encoding="utf-8").split())
    note.unlink()
    return names


def pass_records(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes()
            for path in sorted((root / ".kgen-cache").glob("tests-*.json"))}


def same_as_reference(root: Path, *args: str) -> tuple[int, str, str]:
    """`kgen test` with a cold cache and then a warm one, with 2 jobs and 1, against the
    reference run; the pass records each leaves are the same too. The report."""
    shutil.rmtree(root / ".kgen-cache", ignore_errors=True)
    expected = kgen(root, "test", *args, reference=True)
    records = pass_records(root)
    shutil.rmtree(root / ".kgen-cache", ignore_errors=True)
    for jobs in ("2", "2", "1"):
        assert kgen(root, "test", "--jobs", jobs, *args) == expected
        assert pass_records(root) == records
    return expected


def test_every_example_passing_cold_and_warm(project: Path) -> None:
    assert kgen(project, "build")[0] == 0
    loaded(project)
    done = same_as_reference(project)
    assert done[0] == 0 and done[2] == "30 of 30 examples hold\n"
    assert "ok   u4 U4Slow/warning (2 examples)" in done[1]
    loaded(project)
    assert kgen(project, "test", "--jobs", "2") == done
    assert loaded(project) == []  # nothing changed: every integration from the unit cache


def test_one_failing_example(project: Path) -> None:
    write(project, "u2", spec("u2", BASE.replace(SLOW, FAILING)))
    kgen(project, "build")
    done = same_as_reference(project)
    assert done[0] == 1 and done[2] == "29 of 30 examples hold\n"
    assert "FAIL u2 U2Slow/warning (2 examples)" in done[1]
    assert "    specs/u2.py:" in done[1] and "at 12m expected 1 firing, got nothing" in done[1]


def test_every_profile(project: Path) -> None:
    kgen(project, "build", "--all-profiles")
    done = same_as_reference(project, "--all-profiles")
    assert done[2] == "30 of 30 examples hold\n[prod] 30 of 30 examples hold\n"
    loaded(project)
    assert kgen(project, "test", "--all-profiles") == done
    assert loaded(project) == []
    assert same_as_reference(project, "--profile", "prod")[0] == 0


def test_broken_specs_and_no_examples(project: Path) -> None:
    broken = BASE.replace('for_="5m", severity=Severity.WARNING, summary="Slow."',
                          'for_="5x", severity=Severity.WARNING, summary="Slow."', 1)
    assert broken != BASE
    write(project, "u3", spec("u3", broken))
    done = same_as_reference(project)
    assert done[0] == 1 and "specs/u3.py:" in done[2] and not done[1]
    write(project, "u3", spec("u3").replace("def integration", "1 / 0\n\n\ndef integration"))
    done = same_as_reference(project)
    assert done[0] == 1 and "specs/u3.py:" in done[2] and "division by zero" in done[2]
    for name in NAMES:
        write(project, name, spec(name).replace("recording_rules=(r1,), alerts=(a1, a2, a3),",
                                                ""))
    assert same_as_reference(project) == (0, "", "no examples to run\n")


def test_held_back_integrations(project: Path) -> None:
    suppressing(project / "specs")
    done = same_as_reference(project)
    assert done[0] == 0 and "ok   v0 V0Slow/warning (2 examples)" in done[1]


def test_a_synthetic_set(tmp_path: Path) -> None:
    synth.write(5, tmp_path / "specs")
    (tmp_path / "kgen.yaml").write_text(
        "specs: specs\nout: out\ntargets: [prometheus-rules, scrape-jobs, grafana, docs, "
        "prometheus-operator, grafana-provisioning, mixin]\n", encoding="utf-8")
    kgen(tmp_path, "build")
    done = same_as_reference(tmp_path)
    assert done[0] == 0 and done[1].count("ok   ") > 5 * 10


def test_a_spec_edited_since_the_build_is_tested_as_it_is_now(project: Path) -> None:
    """No `kgen build` between the edit and the test: out/ is stale, the report is not."""
    kgen(project, "build")
    passing = kgen(project, "test", "--jobs", "2")
    assert passing[0] == 0
    loaded(project)
    write(project, "u2", spec("u2", BASE.replace(SLOW, FAILING)))
    failed = kgen(project, "test", "--jobs", "2")
    assert loaded(project) == ["u2", "u2"]  # built, then loaded again to explain its failure
    assert failed[0] == 1 and "FAIL u2 U2Slow/warning" in failed[1]
    assert failed == kgen(project, "test", reference=True)
    write(project, "u2", spec("u2"))
    assert kgen(project, "test", "--jobs", "2") == passing
    loaded(project)
    # A docstring is part of the spec too: the alert's summary here, so its rule file changes.
    documented = spec("u3").replace('summary="Slow."', "summary=__doc__ or ''")
    write(project, "u3", '"""Slow."""\n' + documented)
    assert kgen(project, "test", "--jobs", "2") == passing
    assert loaded(project) == ["u3"]
    write(project, "u3", '"""Too slow."""\n' + documented)
    assert kgen(project, "test", "--jobs", "2") == passing
    assert loaded(project) == ["u3"]
    rules = run(load_project(project / "kgen.yaml")._replace(
        targets=("prometheus-rules",))).files["prometheus/rules/u3.yaml"]
    assert b"Too slow." in rules
    record = next((project / ".kgen-cache").glob("test-units-*.json"))
    kept = json.loads(record.read_text(encoding="utf-8"))["units"]["u3"]["files"]
    assert kept["prometheus/rules/u3.yaml"] == hashlib.sha256(rules).hexdigest()


def test_a_cache_that_lies_is_not_trusted(project: Path) -> None:
    kgen(project, "build")
    passing = kgen(project, "test")
    loaded(project)
    # out/ edited by hand: u1's example would fail on this rule file
    rules = project / "out" / "prometheus" / "rules" / "u1.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "quantile=\"0.99\"} > 1", "quantile=\"0.99\"} > 3"), encoding="utf-8")
    assert kgen(project, "test") == passing
    assert loaded(project) == ["u1"]
    tests = project / "out" / rule_tests_path("u4")
    tests.write_bytes(tests.read_bytes().replace(b"value: 1\n", b"value: 7\n"))
    assert kgen(project, "test") == passing
    assert loaded(project) == ["u1", "u4"]
    # its unit-cache entry edited by hand: an entry claiming u2's edited spec is a miss
    write(project, "u2", spec("u2", BASE.replace(SLOW, FAILING)))
    record = next((project / ".kgen-cache").glob("test-units-*.json"))
    content = json.loads(record.read_text(encoding="utf-8"))
    entry = content["units"]["u2"]
    entry["inputs"] = {path: _sha256(Path(path)) for path in entry["inputs"]}
    record.write_text(json.dumps(content), encoding="utf-8")
    failed = kgen(project, "test")
    assert failed[0] == 1 and failed == kgen(project, "test", reference=True)
    for garbage in ("{\"format\": ", "[]", "\0\xff"):
        record.write_text(garbage, encoding="utf-8")
        assert kgen(project, "test") == failed


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_rules_read_off_a_test_file_are_the_specs() -> None:
    """What `tested_rules` reads off each test file, fast or as YAML, is what the
    integration's rules say, for the shipped specs and a synthetic set."""
    assert SHIPPED_CONFIG is not None
    built = run(load_project(SHIPPED_CONFIG)._replace(targets=("prometheus-rules",)))
    _same_rules(built.files, [item.integration for item in built.scoped])


def test_the_rules_of_a_synthetic_set(tmp_path: Path) -> None:
    synth.write(3, tmp_path / "specs")
    (tmp_path / "kgen.yaml").write_text("specs: specs\nout: out\ntargets: [prometheus-rules]\n",
                                        encoding="utf-8")
    built = run(load_project(tmp_path / "kgen.yaml"))
    _same_rules(built.files, [item.integration for item in built.scoped])


def _same_rules(files: dict[str, bytes], integrations: list[object]) -> None:
    from generator.model import Integration

    checked = 0
    for integration in integrations:
        assert isinstance(integration, Integration)
        expected = rule_tests.tested(integration)
        path = rule_tests_path(integration.name)
        if not expected:
            assert path not in files
            continue
        assert rule_tests.tested_rules(files[path]) == expected
        assert rule_tests._markers(files[path]) is not None  # read off the lines
        checked += 1
    assert checked


RECORDED = ('    r1b = Recording(record="instance:demo_errors:rate1m", '
            'expr="rate(demo_errors_total[1m])", examples=('
            'records("one a second", (counter("demo_errors_total", 60, 20),), 12, 1), '
            'records("none", (counter("demo_errors_total", 0, 20),), 12, 0)))\n')


@pytest.mark.parametrize("label", ["a'b", 'a"b', "tab\there", "back\\slash", "plain"])
def test_rules_read_off_a_test_file_with_unusual_labels(label: str, tmp_path: Path) -> None:
    """Quoted expressions (a label value the example expects) and a recording rule with
    examples: read as the spec says."""
    text = BASE.replace('"0.99", hold(0.5, 20)),), 12)',
                        f'"0.99", hold(0.5, 20)),), 12, quantile={label!r})')
    text = text.replace("recording_rules=(r1,)", "recording_rules=(r1, r1b)")
    text = text.replace("    a1 = Alert", RECORDED + "    a1 = Alert")
    text = text.replace("hold, quantile, silent_on", "hold, quantile, records, silent_on")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(text, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text("specs: specs\nout: out\ntargets: [prometheus-rules]\n",
                                        encoding="utf-8")
    built = run(load_project(tmp_path / "kgen.yaml"))
    assert not built.errors, built.errors
    data = built.files[rule_tests_path("demo")]
    assert label == "plain" or f"quantile={label}".encode() not in data
    expected = rule_tests.tested(built.scoped[0].integration)
    assert expected[0] == ("instance:demo_errors:rate1m", 2)
    assert rule_tests.tested_rules(data) == expected


def test_a_test_file_whose_lines_do_not_pair_is_read_as_yaml() -> None:
    data = (b"rule_files:\n- ../rules/x.yaml\ntests:\n- name: a\n  promql_expr_test:\n"
            b"  - expr: \"up # kgen example A/warning 1\"\n- name: b\n  promql_expr_test:\n"
            b"  - expr: |\n      up\n      # kgen example A/warning 2\n")
    assert rule_tests._markers(data) is None
    assert rule_tests.tested_rules(data) == [("A/warning", 2)]
    with pytest.raises(ValueError):
        rule_tests.tested_rules(data.replace(b"A/warning 2", b"A/warning 3"))


def test_a_spec_that_breaks_before_its_failure_is_explained(project: Path) -> None:
    """u2 loads once (the build), then raises: its failing example cannot be explained, so
    the run ends as for any spec error: its one line, exit 1, no traceback."""
    once = ("import pathlib as _once\n_mark = _once.Path(__file__).parent.parent / 'built'\n"
            "if _mark.exists():\n    raise RuntimeError('changed since it was built')\n"
            "_mark.touch()\n")
    write(project, "u2", once + spec("u2", BASE.replace(SLOW, FAILING)))
    code, out, err = kgen(project, "test", "--jobs", "2")
    assert code == 1 and "Traceback" not in err and out == ""
    assert "specs/u2.py:" in err and "changed since it was built" in err


def _suppressing_pair(root: Path, first: str, second: str) -> None:
    """Specs `first`, whose extra alert breaks KG301, and `second`, which suppresses KG301
    at the shared helper's line both build it at (`tests.test_parallel.suppressing`): while
    `first` is checked the build has an error, which `second` clears."""
    for name, call in ((first, f'extra("{first.upper()}extra", "{first}_queue_depth", {{}})'),
                       (second, f'extra("{second.upper()}Extra", "{second}_queue_depth", '
                                '{"KG301": "kept as the pager knows it"})')):
        source = spec(name).replace("from generator.kit", "from ._shared import extra\n"
                                    "from generator.kit", 1)
        write(root, name, source.replace("alerts=(a1, a2, a3),", f"alerts=(a1, a2, a3, {call}),"))


def test_cached_integrations_after_an_error_another_spec_suppresses(project: Path) -> None:
    """u0..u4 are in the unit cache; a0 (checked first, its error held back) and a1 (which
    clears it) are added: the cached integrations' rule files and tests are still run and
    reported, and `kgen build` still writes their files."""
    from tests.test_incremental import SHARED

    shared = project / "specs" / "_shared.py"  # there from the start: no entry depends on it
    shared.write_text(SHARED, encoding="utf-8")
    os.utime(shared, (shared.stat().st_atime, shared.stat().st_mtime - 60))
    kgen(project, "build")
    for jobs in ("2", "1"):
        assert kgen(project, "test", "--jobs", jobs)[2] == "30 of 30 examples hold\n"
    _suppressing_pair(project, "a0", "a1")
    expected = kgen(project, "test", reference=True)
    assert expected[0] == 0 and expected[2] == "46 of 46 examples hold\n"
    for jobs in ("2", "1"):
        assert kgen(project, "test", "--jobs", jobs) == expected
    for jobs in ("2", "1"):
        assert kgen(project, "build", "--jobs", jobs)[0] == 0
        assert (project / "out" / rule_tests_path("u0")).is_file()
        assert kgen(project, "build", "--check", reference=True)[0] == 0


def _limited(project: Path) -> tuple[Path, dict[str, str]]:
    """Every spec reads its threshold from `limits`, a module outside the specs directory
    (on PYTHONPATH, as an installed package would be): its path, and the environment."""
    library = project.parent / "lib"
    library.mkdir()
    limits = library / "limits.py"
    for name in NAMES:
        write(project, name, "import limits\n" + spec(name).replace(
            f"expr='{name}_wait_seconds{{quantile=\"0.99\"}} > 1'",
            f"expr=f'{name}_wait_seconds{{{{quantile=\"0.99\"}}}} > {{limits.SLOW}}'"))
    environment = {**os.environ, "PYTHONPATH": str(library)}
    for name in ("KGEN_NO_FASTPATH", "KGEN_JOBS"):
        environment.pop(name, None)
    return limits, environment


def _limit(limits: Path, slow: int) -> None:
    """`limits` with SLOW set, dated a minute back. Its length differs with the value: Python
    takes a module's `.pyc` when the source's size and mtime in whole seconds match it, and
    two of these dates may fall in one second."""
    limits.write_text(f"SLOW = {slow}\n" + "#" * slow + "\n", encoding="utf-8")
    os.utime(limits, (limits.stat().st_atime, limits.stat().st_mtime - 60 + slow))


def test_a_module_from_outside_the_specs_imported_in_workers(project: Path) -> None:
    """`limits` is imported by the worker processes alone: when it changes, the rules are
    built again, with 2 jobs as with 1."""
    limits, environment = _limited(project)

    def test(jobs: str) -> tuple[int, str]:
        done = subprocess.run([KGEN, "test", "--jobs", jobs], cwd=project, capture_output=True,
                              text=True, env=environment, check=False, timeout=300)
        return done.returncode, done.stderr

    for jobs in ("2", "1"):
        shutil.rmtree(project / ".kgen-cache", ignore_errors=True)
        for slow, expected in ((1, (0, "30 of 30 examples hold\n")),
                               (3, (1, "25 of 30 examples hold\n"))):
            _limit(limits, slow)
            subprocess.run([KGEN, "build", "--jobs", jobs], cwd=project, env=environment,
                           capture_output=True, check=False, timeout=300)
            assert test(jobs) == expected, (jobs, slow)


def test_a_data_file_of_another_spec_package(project: Path) -> None:
    """u0 is a package whose `limits` module reads its `data.txt`; u1 imports that module
    for its threshold. Editing only the data file changes u1's rules as well as u0's."""
    package = project / "specs" / "u0"
    package.mkdir()
    (project / "specs" / "u0.py").rename(package / "__init__.py")
    (package / "__init__.py").write_text(spec("u0").removeprefix(NOTE), encoding="utf-8")
    (package / "limits.py").write_text(
        "from pathlib import Path\n\n"
        "SLOW = (Path(__file__).parent / 'data.txt').read_text(encoding='utf-8').strip()\n",
        encoding="utf-8")
    write(project, "u1", "from .u0.limits import SLOW as _SLOW\n" + spec("u1").replace(
        "expr='u1_wait_seconds{quantile=\"0.99\"} > 1'",
        "expr=f'u1_wait_seconds{{quantile=\"0.99\"}} > {_SLOW}'"))
    data = package / "data.txt"
    for slow, held in ((1, "30 of 30"), (3, "29 of 30")):
        data.write_text(f"{slow}\n", encoding="utf-8")
        for path in package.iterdir():
            os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 60 + slow))
        kgen(project, "build")
        expected = kgen(project, "test", reference=True)
        assert expected[2] == f"{held} examples hold\n"
        for jobs in ("2", "1"):
            assert kgen(project, "test", "--jobs", jobs) == expected, (slow, jobs)
        assert kgen(project, "build", "--check", reference=True)[0] == 0


def test_a_module_from_outside_the_specs_in_every_profile(project: Path) -> None:
    """With --all-profiles, the second tree builds in this process after the first one's
    record was written: a change to `limits` is seen in both trees (no build since: out/ and
    out-prod/ are stale, the report is not)."""
    limits, environment = _limited(project)
    _limit(limits, 1)
    subprocess.run([KGEN, "build", "--all-profiles"], cwd=project, env=environment,
                   capture_output=True, check=False, timeout=300)

    def test(*args: str) -> tuple[int, str]:
        done = subprocess.run([KGEN, "test", "--all-profiles", *args], cwd=project,
                              capture_output=True, text=True, env=environment, check=False,
                              timeout=300)
        return done.returncode, done.stderr

    for slow, expected in ((1, (0, "30 of 30 examples hold\n[prod] 30 of 30 examples hold\n")),
                           (3, (1, "25 of 30 examples hold\n[prod] 25 of 30 examples hold\n"))):
        _limit(limits, slow)
        assert test("--jobs", "2") == expected, slow
    environment["KGEN_NO_FASTPATH"] = "1"
    assert test() == expected


def test_a_file_in_the_specs_that_cannot_be_read(project: Path) -> None:
    """An editor's lock file (a symlink to nowhere, as Emacs makes beside a file it edits),
    which no spec reads: kgen test reports as the reference does and kgen build builds. A
    FIFO, which `kgen build` refuses (`test_fastpath`), is that one error line in kgen test
    too, never an internal error."""
    (project / "specs" / ".#notes.md").symlink_to("user@host.1234:1700000000")
    expected = kgen(project, "test", reference=True)
    assert expected == (0, expected[1], "30 of 30 examples hold\n")
    for jobs in ("2", "1"):
        assert kgen(project, "test", "--jobs", jobs) == expected
    built = kgen(project, "build")
    assert built[0] == 0, built
    assert kgen(project, "build", "--check", reference=True)[0] == 0
    os.mkfifo(project / "specs" / "pipe")
    refused = kgen(project, "build")
    assert refused[0] == 1 and refused[2].endswith(": not a regular file\n"), refused
    for jobs in ("2", "1"):
        assert kgen(project, "test", "--jobs", jobs) == (1, "", refused[2])


def test_a_module_imported_in_workers_is_in_the_no_op_record(project: Path) -> None:
    """`limits` is imported by `kgen build`'s worker processes alone: once it changes, the
    tree is not up to date, for `kgen build --check` as for the build itself."""
    limits, environment = _limited(project)

    def build(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KGEN, "build", "--jobs", "2", *args], cwd=project,
                              capture_output=True, text=True, env=environment, check=False,
                              timeout=300)

    _limit(limits, 1)
    assert build().returncode == 0
    assert "up to date" in build("--check").stderr
    _limit(limits, 3)
    stale = build("--check")
    assert stale.returncode == 1, stale.stderr
    assert "> 3" in stale.stdout
    rebuilt = build()
    assert "built" in rebuilt.stderr and "up to date" not in rebuilt.stderr
    assert build("--check").returncode == 0


def test_a_module_imported_in_workers_outlives_a_run_that_built_nothing(project: Path) -> None:
    """A `kgen test` that takes every integration from its record writes the record again:
    the modules its entries were built with (imported in workers of an earlier run) stay in
    it, so a change to one is still seen."""
    limits, environment = _limited(project)

    def test() -> tuple[int, str]:
        done = subprocess.run([KGEN, "test", "--jobs", "2"], cwd=project, capture_output=True,
                              text=True, env=environment, check=False, timeout=300)
        return done.returncode, done.stderr

    config = project / "kgen.yaml"  # dated back, so the first run's record is kept
    os.utime(config, (config.stat().st_atime, config.stat().st_mtime - 60))
    _limit(limits, 1)
    subprocess.run([KGEN, "build", "--jobs", "2"], cwd=project, env=environment,
                   capture_output=True, check=True, timeout=300)  # the files to take
    assert test() == (0, "30 of 30 examples hold\n")
    assert test() == (0, "30 of 30 examples hold\n")  # every integration from the record
    _limit(limits, 3)
    assert test() == (1, "25 of 30 examples hold\n")
