"""The bad-input corpus: every mistake a user can make in kgen.yaml, pyproject.toml, a spec or
the output directory ends in a clear finding.

Each case starts from a small project that builds (the demo spec, a kgen.yaml with a profile,
out/ and out-lab/ already written), applies one defect, and runs the real `kgen` console script
in it. It asserts the exit code, that the first line of the report names the file (and line,
where the input has lines) with the expected message, that no Python traceback is printed, that
it returns promptly, and that every file, symlink and directory of the project, output trees
included, is byte-identical afterwards (so no staging directory is left either).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.broken._base import BASE
from tests.support import KGEN

SPEC = BASE.replace("class Config(SpecConfig):\n",
                    "class Config(SpecConfig):\n"
                    "    queue_max: int = 100\n").replace(
    '"demo_queue_depth > 100"', 'f"demo_queue_depth > {config.queue_max}"')
CONFIG = """\
specs: specs
out: out
targets: [prometheus-rules, scrape-jobs, grafana]
integrations:
  demo:
    config: {queue_max: 100}
    alerts:
      labels: {team: demo}
profiles:
  lab:
    cluster_label: cluster
runbook_url: "https://runbooks.example/{integration}#{anchor}"
"""
PYPROJECT = """\
[project]
name = "demo"

[tool.kgen]
targets = ["prometheus-rules"]

[tool.kgen.integrations.demo.config]
queue_max = 100
"""


def config(old: str, new: str) -> str:
    assert old in CONFIG, old
    return CONFIG.replace(old, new, 1)


def spec(old: str, new: str) -> str:
    assert old in SPEC, old
    return SPEC.replace(old, new, 1)


def line(text: str, marker: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)


@dataclass(frozen=True)
class Case:
    id: str
    expect: str
    """A regular expression the first line of the report must match (from its start)."""
    files: dict[str, str | bytes] = field(default_factory=dict)
    """Files to write, relative to the project (bytes as they are)."""
    remove: tuple[str, ...] = ()
    links: dict[str, str] = field(default_factory=dict)
    """Symlinks to make: path -> what it points at."""
    dirs: tuple[str, ...] = ()
    modes: dict[str, int] = field(default_factory=dict)
    args: tuple[str, ...] = ("build",)
    exit: int = 1
    file_size_limit: int | None = None
    """RLIMIT_FSIZE for kgen, in bytes: writes past it fail as on a full disk."""


def _yaml(case_id: str, text: str | bytes, expect: str, **extra: object) -> Case:
    return Case(case_id, expect, files={"kgen.yaml": text}, **extra)  # type: ignore[arg-type]


def _toml(case_id: str, text: str | bytes, expect: str) -> Case:
    return Case(case_id, expect, files={"pyproject.toml": text}, remove=("kgen.yaml",))


def _spec(case_id: str, text: str | bytes, expect: str, **extra: object) -> Case:
    return Case(case_id, expect, files={"specs/demo.py": text}, **extra)  # type: ignore[arg-type]


BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{p}'] * 9 if p else ['x'] * 9)}]\n"
               for p, a in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True))
NESTED = "integrations: " + "[" * 100 + "]" * 100 + "\n"
"""Deeper than kgen's bound, within libyaml's (from PyYAML 6.0.4, libyaml refuses a flow nested
1000 deep while it scans ahead, before kgen sees an event)."""
NESTED_PAST_LIBYAML = "integrations: " + "[" * 5000 + "]" * 5000 + "\n"
A2 = "a2 = Alert("
J1 = "j1 = ScrapeJob("
SYNTAX = spec("def integration(config: Config) -> Integration:",
              "def integration(config: Config) -> Integration")
SUPPRESSED_SYNTAX = spec('name="DemoQueueFull", expr=f"demo_queue_depth > {config.queue_max}"',
                         'name="DemoQueueFull", suppress={"KG101": "for a newer Prometheus"}, '
                         'expr=f"demo_queue_depth > {config.queue_max} +"')
EXITS = spec("    m1 = Metric(", "    raise SystemExit(0)\n    m1 = Metric(")
RAISES = spec("    m1 = Metric(", "    {}['missing']\n    m1 = Metric(")
PRINTS = spec("    m1 = Metric(", "    print('debug')\n    m1 = Metric(")
WRITES = spec("    m1 = Metric(", "    import sys\n    sys.stderr.write('x')\n    m1 = Metric(")

CONFIG_CASES = [
    _yaml("alias-bomb", BOMB, r"kgen\.yaml:\d+: error KG005 the document expands to more than"),
    _yaml("duplicate-top-key", CONFIG + "targets: [grafana]\n",
          r"kgen\.yaml:13: error KG005 key 'targets' is given twice in one mapping "
          r"\(first at line 3\)"),
    _yaml("duplicate-integration", config("profiles:", "  demo:\n    config: {}\nprofiles:"),
          r"kgen\.yaml:9: error KG005 key 'demo' is given twice .*first at line 5"),
    _yaml("not-utf8", config("out: out", "out: \xff").encode("latin-1"),
          r"kgen\.yaml:2: error KG005 not UTF-8: byte 0xff at column 6"),
    _yaml("deep-nesting", NESTED, r"kgen\.yaml:1: error KG005 nested deeper than 32 levels"),
    _yaml("deeper-than-libyaml", NESTED_PAST_LIBYAML,
          r"kgen\.yaml:1: error KG005 (nested deeper than 32 levels|invalid YAML: exceeded "
          r"maximum nesting depth)"),
    _yaml("self-alias", config("targets: [", "targets: &t [*t, "),
          r"kgen\.yaml:3: error KG005 alias \*t has no complete anchor"),
    _yaml("undefined-alias", config("targets: [prometheus-rules, scrape-jobs, grafana]",
                                    "targets: *nothing"),
          r"kgen\.yaml:3: error KG005 alias \*nothing has no complete anchor"),
    _yaml("tab-indent", config("  demo:\n    config", "  demo:\n\tconfig"),
          r"kgen\.yaml:6: error KG005 invalid YAML: found character that cannot start any "
          r"token"),
    _yaml("unclosed-list", config("grafana]", "grafana"),
          r"kgen\.yaml:\d+: error KG005 invalid YAML: "),
    _yaml("top-level-list", "- specs\n- out\n",
          r"kgen\.yaml:1: error KG005 expected a mapping of settings"),
    _yaml("top-level-scalar", "just words\n",
          r"kgen\.yaml:1: error KG005 expected a mapping of settings"),
    _yaml("two-documents", CONFIG + "---\nout: elsewhere\n",
          r"kgen\.yaml:13: error KG005 invalid YAML: but found another document"),
    _yaml("python-tag", config("out: out", "out: !!python/object/apply:os.system [id]"),
          r"kgen\.yaml:2: error KG005 invalid YAML: could not determine a constructor"),
    _yaml("unhashable-key", CONFIG + "? [a, b]\n: c\n",
          r"kgen\.yaml:\d+: error KG005 invalid YAML: found unhashable key"),
    _yaml("null-byte", CONFIG + "out2: \x00\n",
          r"kgen\.yaml:\d+: error KG005 invalid YAML: "),
    _yaml("too-large", CONFIG + "#" * (1 << 20) + "\n",
          r"kgen\.yaml:1: error KG005 \d+ bytes; a project config is at most 1048576"),
    _yaml("unknown-key", config("targets:", "tagrets:"),
          r"kgen\.yaml:3: error KG005 tagrets: unknown key \(did you mean targets\?\)"),
    _yaml("unknown-target", config("grafana]", "grafna]"),
          r"kgen\.yaml:3: error KG005 targets: .*unknown target 'grafna' "
          r"\(did you mean grafana\?\)"),
    _yaml("targets-not-a-list", config("[prometheus-rules, scrape-jobs, grafana]", "3"),
          r"kgen\.yaml:3: error KG005 targets: "),
    _yaml("unknown-flavor", config("profiles:", "flavors: [telegraf]\nprofiles:"),
          r"kgen\.yaml:9: error KG005 flavors\.0: "),
    _yaml("bad-cluster-label", config("  lab:\n", "  lab:\n    out: out-lab\n").replace(
        "cluster_label: cluster", "cluster_label: 'not a label'"),
          r"kgen\.yaml:\d+: error KG005 profiles\.lab\.cluster_label: "),
    _yaml("unknown-config-setting", config("{queue_max: 100}", "{queue_maxx: 100}"),
          r"kgen\.yaml:6: error KG004 integrations\.demo\.config\.queue_maxx: demo has no such "
          r"setting \(did you mean queue_max\?\)"),
    _yaml("config-wrong-type", config("{queue_max: 100}", "{queue_max: lots}"),
          r"kgen\.yaml:6: error KG004 integrations\.demo\.config\.queue_max: "),
    _yaml("no-such-integration", config("  demo:\n", "  dmeo:\n"),
          r"kgen\.yaml:5: error KG005 integrations\.dmeo: no spec named dmeo"),
    _yaml("disable-unknown-alert", config("labels: {team: demo}",
                                          "disable: [DemoQueueFul]"),
          r"kgen\.yaml:8: error KG005 integrations\.demo\.alerts\.disable: demo has no alert "
          r"DemoQueueFul"),
    _yaml("bad-severity", config("labels: {team: demo}", "severity: {DemoErrors: urgent}"),
          r"kgen\.yaml:8: error KG005 integrations\.demo\.alerts\.severity\.DemoErrors: "),
    _yaml("bad-label-name", config("{team: demo}", "{team-name: demo}"),
          r"kgen\.yaml:8: error KG005 integrations\.demo\.alerts\.labels\.team-name"),
    _yaml("integrations-null", config(
        "integrations:\n  demo:\n    config: {queue_max: 100}\n    alerts:\n"
        "      labels: {team: demo}\n", "integrations:\n"),
          r"kgen\.yaml:4: error KG005 integrations: "),
    _yaml("out-is-a-date", config("out: out", "out: 2024-01-01"),
          r"kgen\.yaml:2: error KG005 out: "),
    _yaml("profiles-a-list", config("profiles:\n  lab:\n    cluster_label: cluster",
                                    "profiles: [lab]"),
          r"kgen\.yaml:9: error KG005 profiles: "),
    _yaml("profile-shares-out", config("cluster_label: cluster", "out: out"),
          r"kgen\.yaml:11: error KG005 profile lab writes out, as the base settings does",
          args=("build", "--all-profiles")),
    _yaml("out-is-specs", config("out: out", "out: specs"),
          r"kgen\.yaml:2: error KG005 out: specs holds the specs or the project config"),
    _yaml("out-is-project", config("out: out", "out: ."),
          r"kgen\.yaml:2: error KG005 out: \. holds the specs or the project config"),
    _yaml("out-is-parent", config("out: out", "out: .."),
          r"kgen\.yaml:2: error KG005 out: \.\. holds the specs or the project config"),
    _yaml("out-inside-specs", config("out: out", "out: specs/generated"),
          r"kgen\.yaml:2: error KG005 out: specs/generated is inside the specs directory"),
    _yaml("specs-missing", config("specs: specs", "specs: spec"),
          r"kgen\.yaml:1: error KG005 specs: spec is not a directory"),
    _yaml("specs-is-a-file", config("specs: specs", "specs: kgen.yaml"),
          r"kgen\.yaml:1: error KG005 specs: kgen\.yaml is not a directory"),
    _yaml("unknown-profile", CONFIG, r"kgen\.yaml:9: error KG005 no profile 'prod'",
          args=("build", "--profile", "prod")),
    _yaml("bad-profile-value", config("cluster_label: cluster",
                                      "integrations: {demo: {config: {queue_max: x}}}"),
          r"kgen\.yaml:11: error KG004 integrations\.demo\.config\.queue_max: ",
          args=("build", "--all-profiles")),
    Case("config-is-a-directory", r"kgen\.yaml:0: error KG005 cannot read the project config: "
         r"Is a directory", remove=("kgen.yaml",), dirs=("kgen.yaml",)),
    Case("config-dangling-symlink", r"kgen\.yaml:0: error KG005 cannot read the project config: "
         r"No such file", remove=("kgen.yaml",), links={"kgen.yaml": "gone.yaml"}),
    _yaml("check-reports-config-too", config("targets:", "tagrets:"),
          r"kgen\.yaml:3: error KG005 tagrets: unknown key", args=("check",)),
    _yaml("diff-reports-config-too", config("targets:", "tagrets:"),
          r"kgen\.yaml:3: error KG005 tagrets: unknown key", args=("diff",)),
]

PYPROJECT_CASES = [
    _toml("invalid-toml", PYPROJECT.replace("[tool.kgen]", "[tool.kgen"),
          r"pyproject\.toml:4: error KG005 invalid TOML: "),
    _toml("toml-duplicate-key", PYPROJECT + "queue_max = 5\n",
          r"pyproject\.toml:\d+: error KG005 invalid TOML: "),
    _toml("toml-not-utf8", PYPROJECT.replace('"demo"', '"d\xe9mo"').encode("latin-1"),
          r"pyproject\.toml:2: error KG005 not UTF-8: byte 0xe9"),
    _toml("toml-deep-nesting", PYPROJECT + "x = " + "[" * 3000 + "]" * 3000 + "\n",
          r"pyproject\.toml:1: error KG005 invalid TOML: nested too deeply"),
    _toml("tool-kgen-not-a-table", '[project]\nname = "demo"\n\n[tool]\nkgen = 3\n',
          r"pyproject\.toml:5: error KG005 tool\.kgen: expected a table of settings"),
    _toml("toml-unknown-key", PYPROJECT.replace("targets", "tragets"),
          r"pyproject\.toml:5: error KG005 tragets: unknown key \(did you mean targets\?\)"),
    _toml("toml-targets-a-string", PYPROJECT.replace('["prometheus-rules"]',
                                                     '"prometheus-rules"'),
          r"pyproject\.toml:5: error KG005 targets: "),
    _toml("toml-unknown-setting", PYPROJECT.replace("queue_max", "queue_mx"),
          r"pyproject\.toml:8: error KG004 integrations\.demo\.config\.queue_mx: demo has no "
          r"such setting"),
    _toml("toml-config-wrong-type", PYPROJECT.replace("= 100", '= "many"'),
          r"pyproject\.toml:8: error KG004 integrations\.demo\.config\.queue_max: "),
]

SPEC_CASES = [
    Case("empty-specs-dir", r"specs:0: error KG001 no specs here", remove=("specs/demo.py",)),
    Case("only-private-files", r"specs:0: error KG001 no specs here",
         remove=("specs/demo.py",), files={"specs/_helpers.py": "X = 1\n"}),
    _spec("syntax-error", SYNTAX, rf"specs/demo\.py:{line(SYNTAX, 'def integration')}: error "
          r"KG001 import failed: SyntaxError"),
    _spec("import-error", "import no_such_module_here\n" + SPEC,
          r"specs/demo\.py:1: error KG001 import failed: ModuleNotFoundError"),
    _spec("exit-at-import", "import sys\nsys.exit(3)\n" + SPEC,
          r"specs/demo\.py:2: error KG001 import failed: the spec called sys\.exit\(3\)"),
    _spec("exit-in-integration", EXITS, rf"specs/demo\.py:{line(EXITS, 'SystemExit')}: error "
          r"KG002 spec failed: the spec called sys\.exit\(0\)"),
    _spec("exception-in-integration", RAISES, rf"specs/demo\.py:{line(RAISES, 'missing')}: "
          r"error KG002 spec failed: KeyError: 'missing'"),
    _spec("endless-recursion", spec("def integration(config: Config) -> Integration:",
                                    "def integration(config: Config) -> Integration:\n"
                                    "    return integration(config)"),
          r"specs/demo\.py:\d+: error KG002 spec failed: RecursionError"),
    _spec("no-config-class", re.sub(r"\bConfig\b", "Settings", SPEC),
          r"specs/demo\.py:1: error KG003 spec module must define `class Config\(SpecConfig\)`"),
    _spec("config-not-spec-config", spec("class Config(SpecConfig):", "class Config(BaseModel):"),
          rf"specs/demo\.py:{line(SPEC, 'class Config')}: error KG003 Config must derive from "
          r"generator\.kit\.SpecConfig"),
    _spec("config-default-bad-duration",
          spec("    queue_max: int = 100\n", "    queue_max: int = 100\n"
                                              "    wait_for: Duration = '5 minutes'\n"),
          rf"specs/demo\.py:{line(SPEC, 'queue_max: int') + 1}: error KG004 config default "
          r"Config\.wait_for: Value error, '5 minutes' is not a Prometheus duration"),
    _spec("no-integration-function", spec("def integration(config", "def build(config"),
          r"specs/demo\.py:1: error KG003 spec module must define `integration"),
    _spec("returns-wrong-type", spec("    return Integration(", "    return dict(\n"
                                                               "        dummy=Integration("
                                     ).replace("dashboards=(board,),\n    )",
                                               "dashboards=(board,),\n    ))"),
          r"specs/demo\.py:1: error KG003 integration\(\) returned dict, not Integration"),
    _spec("name-mismatch", spec('name="demo", title="Demo"', 'name="other", title="Demo"'),
          r"specs/demo\.py:\d+: error KG003 integration name 'other' must match the module"),
    _spec("spec-not-utf8", SPEC.encode() + b'CAFE = "caf\xe9"\n',
          r"specs/demo\.py:\d+: error KG001 import failed: SyntaxError"),
    _spec("spec-null-byte", SPEC + "\x00\n",
          r"specs/demo\.py:\d+: error KG001 import failed: "),
    _spec("token-in-metrics-path", spec("flavor=Flavor.PROMETHEUS,",
                                        'flavor=Flavor.PROMETHEUS, '
                                        'metrics_path="/metrics?access_token=abc123",'),
          rf"specs/demo\.py:{line(SPEC, J1)}: error KG402 job demo sends metrics_path "
          r"parameter 'access_token' as a URL parameter"),
    _spec("token-as-param", spec('target_label="addr")', 'target_label="__param_token")'),
          rf"specs/demo\.py:{line(SPEC, J1)}: error KG402 job demo sends relabelled parameter "
          r"'token'"),
    _spec("api-key-in-path", spec("flavor=Flavor.PROMETHEUS,",
                                  'flavor=Flavor.PROMETHEUS, '
                                  'metrics_path="/m?format=x&X-Amz-Signature=k",'),
          rf"specs/demo\.py:{line(SPEC, J1)}: error KG402 job demo sends metrics_path "
          r"parameter 'X-Amz-Signature'"),
    _spec("inline-bearer", spec('replacement="$1"', 'replacement="Bearer abcdefgh12345"'),
          rf"specs/demo\.py:{line(SPEC, J1)}: error KG402 job demo carries an inline secret"),
    _spec("print-fails-strict-check", PRINTS, rf"specs/demo\.py:{line(PRINTS, 'debug')}: "
          r"warning KG006 spec demo wrote to stdout", args=("check", "--strict")),
    _spec("stderr-fails-strict-check", WRITES, rf"specs/demo\.py:{line(WRITES, 'stderr')}: "
          r"warning KG006 spec demo wrote to stderr", args=("check", "--strict")),
    _spec("suppressed-syntax-error", SUPPRESSED_SYNTAX,
          rf"specs/demo\.py:{line(SPEC, A2)}: error KG101 alert DemoQueueFull: ",
          args=("check",)),
    _spec("quantile-of-summed-counter",
          spec('"sum by (code) (rate(demo_errors_total[5m]))"',
               '"histogram_quantile(0.9, sum by (le) (rate(demo_errors_total[5m])))"'),
          rf"specs/demo\.py:{line(SPEC, 'p1 = Panel(')}: error KG204 panel 'Errors' applies "
          r"histogram_quantile\(\) to demo_errors_total, not a histogram's _bucket series"),
    _spec("rate-of-gauge-subquery",
          spec('"demo_queue_depth > {', '"rate(demo_queue_depth[5m:1m]) > {'),
          rf"specs/demo\.py:{line(SPEC, A2)}: error KG204 alert DemoQueueFull applies rate\(\) "
          r"to demo_queue_depth, a gauge"),
    _spec("alert-label-template-no-series-carries",
          spec('name="DemoQueueFull", expr=', 'name="DemoQueueFull", labels={"owner": '
               '"{{ $labels.namespace }}"}, expr='),
          rf"specs/demo\.py:{line(SPEC, A2)}: error KG205 alert DemoQueueFull label owner uses "
          r"label 'namespace', which none of its series carry"),
    _spec("template-label-aggregated-away",
          spec('"demo_queue_depth > {', '"sum by (job) (demo_queue_depth) > {'),
          rf"specs/demo\.py:{line(SPEC, A2)}: error KG205 alert DemoQueueFull description uses "
          r"label 'instance', which its expression does not keep \(its result carries only "
          r"job\)"),
    _spec("panel-wider-than-the-grid",
          spec("panels=(p1, p2, p3)", 'panels=(p1, p2.model_copy(update={"width": 30}), p3)'),
          rf"specs/demo\.py:{line(SPEC, 'p2 = Panel(')}: error KG501 dashboard 'Demo': panel "
          r"'Latency' is 30 wide and 8 high, which the 24-column grid cannot hold"),
    _spec("value-in-an-alert-label",
          spec('name="DemoQueueFull", expr=', 'name="DemoQueueFull", labels={"depth": '
               '"{{ $value }}"}, expr='),
          rf"specs/demo\.py:{line(SPEC, A2)}: error KG302 alert DemoQueueFull: label depth uses "
          r"the value: every new value makes a new alert"),
    _spec("metric-typo", spec('"demo_queue_depth > {', '"demo_queue_dept > {'),
          rf"specs/demo\.py:{line(SPEC, A2)}: error KG203 alert DemoQueueFull uses "
          r"demo_queue_dept"),
    Case("spec-defined-twice", r"specs/demo\.py:1: error KG001 integration demo is also defined "
         r"by specs/demo/__init__\.py; keep one", files={"specs/demo/__init__.py": SPEC}),
    Case("spec-dangling-symlink", r"specs/other\.py:0: error KG001 a symlink to gone\.py, which "
         r"does not exist", links={"specs/other.py": "gone.py"}),
    Case("specs-option-is-a-file", r"Error: Invalid value for '--specs'",
         args=("build", "--specs", "kgen.yaml"), exit=2),
    Case("config-option-missing", r"Error: Invalid value for '--config'",
         args=("build", "--config", "nope.yaml"), exit=2),
    Case("all-profiles-with-profile", r"Error: --all-profiles builds every tree",
         args=("build", "--all-profiles", "--profile", "lab"), exit=2),
]

OUTPUT_CASES = [
    Case("out-is-a-file", r"error: out is not a directory", remove=("out",),
         files={"out": "a file\n"}),
    Case("out-dangling-symlink", r"error: out is a symlink to .*gone, which does not exist",
         remove=("out",), links={"out": "gone"}),
    Case("out-symlink-to-a-file", r"error: out is not a directory", remove=("out",),
         files={"notes.txt": "x\n"}, links={"out": "notes.txt"}),
    Case("out-read-only", r"error: out is read-only", modes={"out": 0o555},
         files={"specs/demo.py": spec("for_=\"5m\", severity=Severity.WARNING, summary=\"Queue",
                                      "for_=\"9m\", severity=Severity.WARNING, summary=\"Queue")}),
    Case("foreign-file-in-the-way", r"error: out/grafana/dashboards/demo-overview\.json was not "
         r"generated by kgen", remove=("out/kgen-manifest.json",)),
    Case("generated-path-is-a-directory", r"error: .*out/prometheus/rules/demo\.yaml/notes\.txt "
         r"was not generated by kgen|error: .*demo\.yaml",
         remove=("out/prometheus/rules/demo.yaml",),
         files={"out/prometheus/rules/demo.yaml/notes.txt": "mine\n"}),
    Case("out-parent-is-a-file", r"error: .*build/out: Not a directory|error: build: ",
         files={"kgen.yaml": config("out: out", "out: build/out"), "build": "a file\n"}),
    Case("out-symlink-loop", r"kgen\.yaml:2: error KG005 out: loop cannot be resolved: Symlink "
         r"loop", files={"kgen.yaml": config("out: out", "out: loop")}, links={"loop": "loop"}),
    Case("out-option-symlink-loop", r"--out:0: error KG005 out: loop cannot be resolved",
         links={"loop": "loop"}, args=("build", "--out", "loop")),
    Case("config-symlink-loop", r"kgen\.yaml:0: error KG005 cannot read the project config: "
         r"Too many levels of symbolic links", remove=("kgen.yaml",),
         links={"kgen.yaml": "kgen.yaml"}),
    Case("out-option-is-specs", r"--out:0: error KG005 out: .*specs holds the specs",
         args=("build", "--out", "specs")),
    Case("out-option-is-project", r"--out:0: error KG005 out: \. holds the specs",
         args=("build", "--out", ".")),
    Case("disk-full", r"error: .*: File too large",
         files={"specs/demo.py": spec('title="Demo", description="d"',
                                      'title="Demo", description="' + "d" * 8000 + '"')},
         file_size_limit=4096),
    Case("one-bad-profile-writes-nothing", r"kgen\.yaml:11: error KG005 profiles\.lab\.flavors",
         files={"kgen.yaml": config("cluster_label: cluster", "flavors: [sysdig]"),
                "specs/demo.py": spec("for_=\"5m\", severity=Severity.WARNING, summary=\"Queue",
                                      "for_=\"9m\", severity=Severity.WARNING, summary=\"Queue")},
         args=("build", "--all-profiles")),
    Case("stale-check-writes-nothing", r"--- a/kgen-manifest\.json",
         files={"specs/demo.py": spec("for_=\"5m\", severity=Severity.WARNING, summary=\"Queue",
                                      "for_=\"9m\", severity=Severity.WARNING, summary=\"Queue")},
         args=("build", "--check", "--all-profiles")),
]

CASES = CONFIG_CASES + PYPROJECT_CASES + SPEC_CASES + OUTPUT_CASES


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str, int]]:
    """Every entry below root: kind, content (bytes, or a symlink's target) and mode; bytecode
    caches aside (`__pycache__`, where Python and kgen keep compiled code)."""
    found: dict[str, tuple[str, bytes | str, int]] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if "__pycache__" in path.relative_to(root).parts:
            continue
        mode = path.lstat().st_mode & 0o7777
        if path.is_symlink():
            found[relative] = ("link", os.readlink(path), 0)
        elif path.is_dir():
            found[relative] = ("dir", b"", mode)
        else:
            found[relative] = ("file", path.read_bytes(), mode)
    return found


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built: out/ and out-lab/ hold a fresh build."""
    root = tmp_path_factory.mktemp("template")
    (root / "specs").mkdir()
    (root / "specs" / "demo.py").write_text(SPEC, encoding="utf-8")
    (root / "kgen.yaml").write_text(CONFIG, encoding="utf-8")
    done = run(root, ("build", "--all-profiles"))
    assert done.returncode == 0, done.stderr
    assert (root / "out-lab" / "prometheus" / "rules" / "demo.yaml").is_file()
    return root


def run(root: Path, args: tuple[str, ...], file_size_limit: int | None = None,
        ) -> subprocess.CompletedProcess[str]:
    limit: Callable[[], None] | None = None
    if file_size_limit is not None:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
    return subprocess.run([KGEN, *args], cwd=root, capture_output=True, text=True, check=False,
                          timeout=60, preexec_fn=limit)


def apply(root: Path, case: Case) -> None:
    for path in case.remove:
        target = root / path
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    for path in case.dirs:
        (root / path).mkdir(parents=True)
    for path, content in case.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    for path, points_at in case.links.items():
        (root / path).symlink_to(points_at)
    for path, mode in case.modes.items():
        (root / path).chmod(mode)


def test_corpus_is_large_distinct_and_covers_every_input() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)
    assert min(len(CONFIG_CASES), len(PYPROJECT_CASES), len(SPEC_CASES), len(OUTPUT_CASES)) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_ends_in_one_clear_finding(template: Path, tmp_path: Path, case: Case) -> None:
    root = tmp_path / "project"
    shutil.copytree(template, root, symlinks=True)
    apply(root, case)
    before = snapshot(root)
    done = run(root, case.args, case.file_size_limit)
    report = done.stderr + done.stdout
    assert done.returncode == case.exit, report
    assert "Traceback" not in report, report
    stream = done.stdout if case.args[:2] == ("build", "--check") else done.stderr
    lines = [row for row in stream.splitlines()
             if row.strip() and not row.startswith(("Usage:", "Try "))]
    assert lines and re.match(case.expect, lines[0]), report
    assert snapshot(root) == before, "the project changed"
