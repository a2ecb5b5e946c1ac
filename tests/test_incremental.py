"""The incremental build: after any change, a build that takes unchanged integrations from the
unit cache writes the same bytes as a build without any cache (`build_project`, the batch
pipeline the golden test uses), and reports the same errors; it rebuilds what changed and no
more."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import synth
from generator.build import build_project
from generator.cli import main
from generator.findings import SpecError
from generator.output import MANIFEST
from generator.project import load_project
from tests.broken._base import BASE
from tests.support import CONFIG, SPECS, settled, shipped_project

SEVEN = ("targets: [prometheus-rules, scrape-jobs, grafana, docs, prometheus-operator, "
         "grafana-provisioning, mixin]\n")
OWN_CONFIG = SEVEN + """\
integrations:
  calico:
    config: {error_for: 20m}
profiles:
  prod:
    integrations:
      calico:
        config: {error_for: 30m}
"""


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def counts(report: str, tree: str = "out") -> tuple[int, int]:
    """(built, from the cache) of `tree` in a build's report."""
    found = re.search(rf"^{re.escape(tree)}: built (\d+) integration\(s\), (\d+) from the cache$",
                      report, re.MULTILINE)
    assert found, report
    return int(found[1]), int(found[2])


def assert_as_without_cache(root: Path, profiles: tuple[str | None, ...] = (None,)) -> None:
    """Every tree holds exactly what the batch pipeline makes, byte for byte, and nothing of
    kgen's beside it."""
    for profile in profiles:
        project = load_project(root / "kgen.yaml", profile)
        fresh = build_project(project)
        out = project.out_dir
        on_disk = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                   if p.is_file()}
        owned = {path: data for path, data in on_disk.items() if path in fresh}
        assert owned == fresh, profile
        assert set(fresh) <= set(on_disk) and MANIFEST in fresh


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped specs with a config of this test's own; cwd is the project."""
    shipped_project(tmp_path, OWN_CONFIG, monkeypatch, only=("calico", "etcd"))
    assert counts(build("--all-profiles")) == (2, 0)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    settled(path.parent)


def test_the_repository_config_and_every_profile(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert CONFIG is not None
    shutil.copytree(SPECS, tmp_path / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONFIG, tmp_path / "kgen.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGEN_NO_FASTPATH", raising=False)
    settled(tmp_path)
    profiles = (None, *load_project(tmp_path / "kgen.yaml").profiles)
    integrations, _ = counts(build("--all-profiles"))
    edit(tmp_path / "specs" / "calico.py", "import math\n", "import math  # edited\n")
    report = build("--all-profiles")
    assert counts(report) == (1, integrations - 1)
    assert_as_without_cache(tmp_path, profiles)


def test_one_spec_edited_rebuilds_that_spec_only(shipped: Path) -> None:
    edit(shipped / "specs" / "etcd" / "alerts.py", "\n", "\n# an edit\n")
    report = build("--all-profiles")
    assert counts(report) == counts(report, "out-prod") == (1, 1)
    assert_as_without_cache(shipped, (None, "prod"))


def test_a_config_change_rebuilds_only_what_it_reaches(shipped: Path) -> None:
    edit(shipped / "kgen.yaml", "error_for: 20m", "error_for: 25m")
    report = build("--all-profiles")
    assert counts(report) == (1, 1)  # calico's base settings changed; etcd's did not
    assert counts(report, "out-prod") == (0, 2)  # the profile sets its own error_for
    assert_as_without_cache(shipped, (None, "prod"))
    assert "for: 25m" in (shipped / "out/prometheus/rules/calico.yaml").read_text()
    edit(shipped / "kgen.yaml", "targets: [", "cluster_label: cluster\ntargets: [")
    assert counts(build("--all-profiles")) == (2, 0)  # a project-wide setting reaches all
    assert_as_without_cache(shipped, (None, "prod"))


def test_edited_deleted_and_added_output_files(shipped: Path) -> None:
    out = shipped / "out"
    (out / "prometheus/rules/etcd.yaml").unlink()
    docs = out / "docs/calico.md"
    docs.write_text(docs.read_text() + "hand edit\n")
    (out / "prometheus/rules/mine.yaml").write_text("groups: []\n")
    report = build()
    assert counts(report) == (2, 0)
    assert_as_without_cache(shipped)
    assert (out / "prometheus/rules/mine.yaml").read_text() == "groups: []\n"
    settled(shipped)
    assert "is up to date" in build()


def test_a_helper_module_the_spec_imports(shipped: Path) -> None:
    (shipped / "specs" / "_words.py").write_text('TITLE = "Calico"\n', encoding="utf-8")
    spec = shipped / "specs" / "calico.py"
    edit(spec, 'title="Calico",', "title=TITLE,")
    edit(spec, "import math\n", "import math\n\nfrom ._words import TITLE\n")
    assert counts(build()) == (2, 0)  # a new file beside the specs: anything may read it
    assert_as_without_cache(shipped)
    edit(shipped / "specs" / "_words.py", '"Calico"', '"Calico networking"')
    assert counts(build()) == (1, 1)  # etcd does not import it
    assert_as_without_cache(shipped)
    assert "Calico networking" in (shipped / "out/docs/calico.md").read_text()


def test_an_integration_removed(shipped: Path) -> None:
    shutil.rmtree(shipped / "specs" / "etcd")
    settled(shipped)
    report = build("--all-profiles")
    assert counts(report) == (0, 1)
    assert "removed" in report and not list((shipped / "out").rglob("etcd*"))
    assert_as_without_cache(shipped, (None, "prod"))


def test_errors_across_integrations_read_as_without_cache(shipped: Path) -> None:
    """A copy of calico clashes with the cached calico's names, jobs and uids: the errors name
    the same first definitions as a build without any cache."""
    source = (shipped / "specs" / "calico.py").read_text(encoding="utf-8")
    copy = shipped / "specs" / "calicocopy.py"
    copy.write_text(source.replace('name="calico"', 'name="calicocopy"', 1), encoding="utf-8")
    settled(shipped)
    before = {p: p.read_bytes() for p in (shipped / "out").rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    with pytest.raises(SpecError) as batch:
        build_project(load_project(shipped / "kgen.yaml"))
    expected = [str(f) for f in batch.value.findings]
    assert any("KG301" in line for line in expected) and any("KG402" in line for line in expected)
    assert result.output.splitlines()[:-1] == expected
    assert {p: p.read_bytes() for p in (shipped / "out").rglob("*") if p.is_file()} == before
    copy.unlink()
    settled(shipped)
    assert counts(build()) == (0, 2)  # the failed build left the cache as it was


def test_a_synthetic_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synth.write(12, tmp_path / "specs")
    (tmp_path / "kgen.yaml").write_text(SEVEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGEN_NO_FASTPATH", raising=False)
    settled(tmp_path)
    assert counts(build()) == (12, 0)
    spec = sorted((tmp_path / "specs").glob("calico*.py"))[0]
    edit(spec, "import math\n", "import math  # edited\n")
    assert counts(build()) == (1, 11)
    assert_as_without_cache(tmp_path)
    check = CliRunner().invoke(main, ["build", "--check"])
    assert check.exit_code == 0, check.output


def test_disabled_cache_builds_everything(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(shipped / "kgen.yaml", "error_for: 20m", "error_for: 25m")
    monkeypatch.setenv("KGEN_NO_FASTPATH", "1")
    assert counts(build()) == (2, 0)
    assert_as_without_cache(shipped)


def test_check_and_diff_compare_without_writing(shipped: Path) -> None:
    edit(shipped / "specs" / "calico.py", "import math\n", "import math  # edited\n")
    edit(shipped / "kgen.yaml", "error_for: 20m", "error_for: 25m")
    before = {p: p.read_bytes() for p in (shipped / "out").rglob("*") if p.is_file()}
    for command in (["build", "--check"], ["diff"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == (1 if command[0] == "build" else 0), result.output
        assert "-    for: 20m" in result.output and "+    for: 25m" in result.output
        assert "stale: out/prometheus/rules/calico.yaml" in result.output
        assert "etcd" not in "".join(re.findall(r"^stale: .*$", result.output, re.MULTILINE))
    assert {p: p.read_bytes() for p in (shipped / "out").rglob("*") if p.is_file()} == before


def test_every_tree_is_staged_before_any_is_swapped_in(shipped: Path) -> None:
    """A tree that cannot be written (a hand-written file where kgen writes) stops the build
    before any tree changes, though the other one was staged first."""
    edit(shipped / "kgen.yaml", "error_for: 20m", "error_for: 25m")  # out/ would change
    (shipped / "out-prod" / MANIFEST).unlink()  # kgen owns none of out-prod/ any more
    before = {p: p.read_bytes() for p in shipped.rglob("out*/**/*") if p.is_file()}
    result = CliRunner().invoke(main, ["build", "--all-profiles"])
    assert result.exit_code == 1
    assert "out-prod/docs/calico.md was not generated by kgen" in result.output
    assert {p: p.read_bytes() for p in shipped.rglob("out*/**/*") if p.is_file()} == before
    assert not list(shipped.glob(".kgen-staging-*"))


SHARED = '''\
from generator.model import Alert, Severity
from generator.model.examples import fires_when, gauge, silent_on


def extra(name, metric, suppress):
    return Alert(name=name, expr=f"{metric} > 100", for_="5m", severity=Severity.WARNING,
                 summary="Extra.", description="On {{ $labels.instance }}: {{ $value }}.",
                 examples=(fires_when("many", (gauge(metric, 200, 20),), 12),
                           silent_on("few", (gauge(metric, 50, 20),), 12)),
                 suppress=suppress)
'''


def test_an_error_another_spec_suppresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two specs build an alert at one line of a shared helper; one suppresses KG301 there,
    which (as without the cache) exempts the other's misnamed alert too: both are built."""
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "_shared.py").write_text(SHARED, encoding="utf-8")
    for name, call in (("demo", 'extra("Demoextra", "demo_queue_depth", {})'),
                       ("other", 'extra("OtherExtra", "other_queue_depth", '
                                 '{"KG301": "kept as the pager knows it"})')):
        source = BASE if name == "demo" else BASE.replace("demo", "other").replace("Demo",
                                                                                   "Other")
        source = source.replace("from generator.kit", "from ._shared import extra\n"
                                "from generator.kit", 1)
        source = source.replace("alerts=(a1, a2, a3),", f"alerts=(a1, a2, a3, {call}),")
        (specs / f"{name}.py").write_text(source, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text("targets: [prometheus-rules, scrape-jobs, grafana, docs]\n",
                                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settled(tmp_path)
    assert counts(build()) == (2, 0)
    assert_as_without_cache(tmp_path)
    assert "Demoextra" in (tmp_path / "out/prometheus/rules/demo.yaml").read_text()


def test_a_spec_written_just_before_the_build_is_not_kept(shipped: Path) -> None:
    spec = shipped / "specs" / "calico.py"
    spec.write_text(spec.read_text(encoding="utf-8") + "# now\n", encoding="utf-8")
    assert counts(build()) == (1, 1)
    settled(shipped)
    assert counts(build()) == (1, 1)  # its entry was not trusted: built again, then kept
    edit(shipped / "kgen.yaml", "error_for: 20m", "error_for: 21m")
    assert counts(build()) == (1, 1)
    edit(shipped / "kgen.yaml", "error_for: 21m", "error_for: 22m")
    assert counts(build()) == (1, 1)  # calico again, for its setting; etcd from the cache


def test_a_changed_library_drops_every_entry(shipped: Path) -> None:
    """The size and mtime of every module outside kgen and the specs (pydantic, PyYAML, ...)
    are part of the record: one that differs means building everything."""
    for record in (shipped / ".kgen-cache").glob("units-*.json"):
        data = json.loads(record.read_text(encoding="utf-8"))
        library = next(path for path in data["modules"] if "/yaml/" in path)
        data["modules"][library] = [0, 0]
        record.write_text(json.dumps(data), encoding="utf-8")
    edit(shipped / "kgen.yaml", "error_for: 20m", "error_for: 25m")
    assert counts(build()) == (2, 0)


def test_the_files_of_imported_modules_below_the_specs_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a unit-cache entry is keyed by: every module imported from below the specs
    directory (a module imported there outside the spec package too, each time it is asked
    while it stays imported), none from elsewhere, the same when asked again."""
    import importlib
    import sys

    from generator.loader import imported_files

    specs, other = tmp_path / "specs", tmp_path / "other"
    for directory, name in ((specs, "kgen_test_below"), (other, "kgen_test_elsewhere")):
        directory.mkdir()
        (directory / f"{name}.py").write_text("VALUE = 1\n")
        monkeypatch.syspath_prepend(str(directory))
    below = str((specs / "kgen_test_below.py").resolve())
    assert below not in imported_files(specs)
    for name in ("kgen_test_below", "kgen_test_elsewhere"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        importlib.import_module(name)
    for _ in range(2):
        assert imported_files(specs) == [below]
    del sys.modules["kgen_test_below"]
    assert imported_files(specs) == []
    importlib.import_module("kgen_test_below")
    assert imported_files(specs) == [below]
    for name in ("kgen_test_below", "kgen_test_elsewhere"):
        del sys.modules[name]
