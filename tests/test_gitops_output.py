"""Output a GitOps pipeline can trust: the same bytes whatever the environment, a --check gate
that writes nothing, and a tree where kgen replaces only what it owns, atomically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import output
from generator.cli import main
from generator.output import MANIFEST, with_manifest, write_tree
from tests.support import SPECIMENS, temp_project

KGEN = str(Path(sys.executable).parent / "kgen")
ALL = "targets: [prometheus-rules, scrape-jobs, grafana]\n"
RULES_ONLY = "targets: [prometheus-rules]\n"


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and modification time (a write changes one)."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def project(root: Path, config: str = ALL, reverse: bool = False) -> Path:
    """The specimen specs and a config; `reverse` creates the spec files in reverse order, so
    the directory lists them in a different order on file systems that keep creation order."""
    specs = tuple(sorted(SPECIMENS, reverse=reverse))
    return temp_project(root, config, specs=specs)


def kgen(root: Path, *args: str,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KGEN, *args], cwd=root, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


def test_same_bytes_whatever_hash_seed_locale_clock_or_listing_order(tmp_path: Path) -> None:
    first = project(tmp_path / "a")
    second = project(tmp_path / "b", reverse=True)
    assert kgen(first, "build", env={"PYTHONHASHSEED": "1", "LC_ALL": "C",
                                     "TZ": "UTC"}).returncode == 0
    done = kgen(second, "build", env={"PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8",
                                      "TZ": "Asia/Kolkata", "SOURCE_DATE_EPOCH": "0"})
    assert done.returncode == 0, done.stderr
    a, b = snapshot(first / "out"), snapshot(second / "out")
    assert len(a) > 5
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}


def test_check_catches_edited_deleted_and_extra_files_and_writes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert kgen(root, "build").returncode == 0
    out = root / "out"
    rules = out / "prometheus" / "rules" / "calico.yaml"
    rules.write_text(rules.read_text().replace("for: 15m", "for: 1m", 1))
    (out / "grafana" / "dashboards" / "etcd-overview.json").unlink()
    (root / "kgen.yaml").write_text("targets: [prometheus-rules, grafana]\n")
    (out / "notes.md").write_text("not kgen's\n")
    before = snapshot(root)

    done = kgen(root, "build", "--check")
    assert done.returncode == 1
    assert "-    for: 1m\n+    for: 15m\n" in done.stdout
    assert f"stale: {Path('out/prometheus/rules/calico.yaml')}" in done.stderr
    assert f"missing: {Path('out/grafana/dashboards/etcd-overview.json')}" in done.stderr
    assert f"extra: {Path('out/scrape-jobs/prometheus/calico.yaml')}" in done.stderr
    assert "notes.md" not in done.stdout + done.stderr
    assert snapshot(root) == before

    shown = kgen(root, "diff")
    assert shown.returncode == 0
    assert shown.stdout == done.stdout
    assert snapshot(root) == before


def test_check_fails_where_build_would_write_a_symlink_over(tmp_path: Path) -> None:
    """An output file replaced by a symlink to the same bytes is rewritten by a build, so
    `--check` calls it stale (it read through the link and passed)."""
    root = project(tmp_path)
    assert kgen(root, "build").returncode == 0
    rules = root / "out" / "prometheus" / "rules" / "calico.yaml"
    (root / "copy.yaml").write_bytes(rules.read_bytes())
    rules.unlink()
    rules.symlink_to(root / "copy.yaml")
    done = kgen(root, "build", "--check")
    assert done.returncode == 1
    assert f"stale: {Path('out/prometheus/rules/calico.yaml')}" in done.stderr, done.stderr
    assert kgen(root, "build").returncode == 0
    assert not rules.is_symlink()
    assert kgen(root, "build", "--check").returncode == 0


def test_check_passes_on_a_fresh_tree(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert kgen(root, "build").returncode == 0
    done = kgen(root, "build", "--check")
    assert done.returncode == 0 and done.stdout == ""
    assert "is up to date" in done.stderr


def test_files_no_longer_produced_go_and_foreign_files_stay(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert kgen(root, "build").returncode == 0
    out = root / "out"
    (out / "README.md").write_text("ours\n")
    (out / "grafana" / "custom.json").write_text("{}\n")
    (root / "kgen.yaml").write_text(RULES_ONLY)
    assert kgen(root, "build").returncode == 0
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert left == ["README.md", "grafana/custom.json", MANIFEST,
                    "prometheus/rules/calico.yaml", "prometheus/rules/etcd.yaml",
                    "prometheus/tests/calico.yaml", "prometheus/tests/etcd.yaml"]
    assert (out / "README.md").read_text() == "ours\n"


def test_a_foreign_file_in_the_way_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    root = project(tmp_path, RULES_ONLY)
    clash = root / "out" / "prometheus" / "rules" / "etcd.yaml"
    clash.parent.mkdir(parents=True)
    clash.write_text("hand written\n")
    done = kgen(root, "build")
    assert done.returncode == 1
    assert "was not generated by kgen" in done.stderr
    assert clash.read_text() == "hand written\n"
    assert sorted(p.name for p in (root / "out").rglob("*") if p.is_file()) == ["etcd.yaml"]


@pytest.mark.parametrize(("mine", "named"), [
    ("prometheus/rules", "prometheus/rules"),  # a file where kgen makes a directory
    ("prometheus/rules/etcd.yaml/notes.txt", "prometheus/rules/etcd.yaml/notes.txt"),
])
def test_a_foreign_file_on_the_way_to_an_output_is_an_error_not_a_move(
        tmp_path: Path, mine: str, named: str) -> None:
    """Not kept by moving it (`rules` ended up as `rules/rules`) nor by failing half-way."""
    root = project(tmp_path, RULES_ONLY)
    clash = root / "out" / mine
    clash.parent.mkdir(parents=True)
    clash.write_text("hand written\n")
    done = kgen(root, "build")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"error: {Path('out') / named} was not generated by kgen; move it away so kgen can "
        "write it"), done.stderr
    assert clash.read_text() == "hand written\n"
    assert [p.relative_to(root / "out").as_posix() for p in (root / "out").rglob("*")
            if p.is_file()] == [mine]


def test_an_interrupted_write_leaves_the_tree_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_tree(out, with_manifest({"a.txt": b"old a\n", "b/c.txt": b"old c\n"}))
    (out / "mine.txt").write_text("foreign\n")
    before = snapshot(out)
    real = output.write_file
    calls = 0

    def interrupted(path: str, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(output, "write_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_tree(out, with_manifest({"a.txt": b"new", "b/c.txt": b"new", "d.txt": b"new"}))
    monkeypatch.undo()
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "staging tree left behind"


def test_build_error_leaves_out_untouched_through_the_cli(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert kgen(root, "build").returncode == 0
    before = snapshot(root / "out")
    spec = root / "specs" / "calico.py"
    spec.write_text(spec.read_text().replace('"felix_ipset_errors"', '"felix_ipset_error"', 1))
    result = CliRunner().invoke(main, ["build", "--config", str(root / "kgen.yaml")])
    assert result.exit_code == 1
    assert "KG203" in result.output and "felix_ipset_error" in result.output
    assert snapshot(root / "out") == before


def test_all_profiles_gate_every_tree(tmp_path: Path) -> None:
    root = project(tmp_path, RULES_ONLY + "profiles:\n  lab:\n    flavors: [prometheus]\n"
                   "    targets: [scrape-jobs]\n")
    done = kgen(root, "build", "--all-profiles")
    assert done.returncode == 0, done.stderr
    assert (root / "out-lab" / "scrape-jobs" / "prometheus" / "etcd.yaml").is_file()
    assert kgen(root, "build", "--check", "--all-profiles").returncode == 0
    (root / "out-lab" / "scrape-jobs" / "prometheus" / "etcd.yaml").unlink()
    before = snapshot(root)
    stale = kgen(root, "build", "--check", "--all-profiles")
    assert stale.returncode == 1
    assert "out is up to date" in stale.stderr
    assert "run `kgen build --profile lab` to regenerate it" in stale.stderr
    assert snapshot(root) == before
    assert kgen(root, "build", "--all-profiles", "--profile", "lab").returncode == 2
