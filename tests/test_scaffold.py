"""`kgen new NAME`: a spec that builds and checks clean, and a test that passes as scaffolded."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.support import ROOT

KGEN = str(Path(sys.executable).parent / "kgen")


def test_scaffold_builds_checks_and_its_test_passes(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "tests").mkdir()
    for support in ("__init__.py", "conftest.py", "support.py"):
        shutil.copy(ROOT / "tests" / support, tmp_path / "tests" / support)
    done = subprocess.run([KGEN, "new", "kube-proxy"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    package = tmp_path / "specs" / "kube-proxy"
    assert sorted(p.name for p in package.iterdir()) == [
        "__init__.py", "alerts.py", "config.py", "dashboard.py", "jobs.py", "metrics.py"]
    assert (tmp_path / "tests" / "test_kube_proxy.py").is_file()
    (tmp_path / "kgen.yaml").write_text("runbook_url: https://wiki.example.com/{integration}#{anchor}\n")
    checked = subprocess.run([KGEN, "check", "--strict"], cwd=tmp_path, capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    built = subprocess.run([KGEN, "build"], cwd=tmp_path, capture_output=True, text=True,
                           check=False)
    assert built.returncode == 0, built.stderr
    rules = (tmp_path / "out" / "prometheus" / "rules" / "kube-proxy.yaml").read_text()
    assert "alert: KubeProxyHighErrorRate" in rules and 'job="kube-proxy"' in rules
    examples = subprocess.run([KGEN, "test"], cwd=tmp_path, capture_output=True, text=True,
                              check=False)
    assert examples.returncode == 0, examples.stdout + examples.stderr
    assert "3 of 3 examples hold" in examples.stderr
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/test_kube_proxy.py"], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout


def test_scaffold_never_overwrites_and_rejects_bad_names(tmp_path: Path) -> None:
    specs, tests = tmp_path / "specs", tmp_path / "tests"
    specs.mkdir()
    (specs / "redis.py").write_text("# mine\n")
    args = ["--specs", str(specs), "--tests", str(tests)]
    taken = CliRunner().invoke(main, ["new", "redis", *args])
    assert taken.exit_code == 2 and "exists; kgen new never overwrites" in taken.output
    assert (specs / "redis.py").read_text() == "# mine\n"
    assert not tests.exists()
    bad = CliRunner().invoke(main, ["new", "Redis_Cache", *args])
    assert bad.exit_code == 2 and "is not an integration name" in bad.output
