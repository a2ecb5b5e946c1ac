"""Write N synthetic integrations into a directory, as specs: renamed copies of the shipped ones.

Usage: .venv/bin/python benchmarks/synth.py N DIR [--specs specs] [--check]

Copy i of a shipped spec `calico` is the module `calico0007.py` (of a package `etcd/`, the
package `etcd0007/`, every module of it numbered alike): every string literal that names
something which must be unique across integrations (the integration, its alerts, recording rules
and scrape jobs) gets the copy's number, every metric of its catalog is renamed wherever the
source names it (`etcd_server_has_leader` -> `etcd0007_server_has_leader`, and its `_bucket`,
`_sum` and `_count` series with it), and its default selector gains a matcher of its own
(`kgen_synth="0007"`). So no two copies share any query text, as written or as scoped: nothing
kgen parses or rewrites for one copy can serve another, as it could not for different
integrations. The names are read from the built integrations, not from a list here, so the
copies follow the spec layout as it changes; a shipped spec whose names cannot all be found as
literals is refused. `--check` runs every kgen check on the result and fails on an error.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _names(specs_dir: Path) -> dict[str, tuple[Path, set[str], str, set[str]]]:
    """Per shipped spec: its file, the names to number, its default selector and its metrics."""
    from generator import loader

    found = {}
    for spec in loader.load(specs_dir):
        integration = spec.integration
        unique = {integration.name, *(a.name for a in integration.alerts),
                  *(r.record for r in integration.recording_rules),
                  *(j.job_name for j in integration.scrape_jobs)}
        metrics = {metric.name for metric in integration.metrics}
        found[spec.name] = (spec.path, unique, integration.selector, metrics)
    return found


def _literals(source: str) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """Every plain string literal in the source: start, end and value."""
    literals = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or "f" in token.string.split("'")[0].split('"')[0].lower():
            continue  # f-strings are not literals
        value = ast.literal_eval(token.string)
        if isinstance(value, str):
            literals.append((token.start, token.end, value))
    return literals


def numbered(source: str, names: set[str], selector: str, number: int, metrics: set[str]) -> str:
    """The spec source with each name literal numbered, the default selector made unique and
    each metric renamed."""
    replacements = _replacements(names, selector, number)
    lines = source.splitlines(keepends=True)
    edits = [(start, end, replacements[value]) for start, end, value in _literals(source)
             if value in replacements]
    for (row, col), (end_row, end_col), new in sorted(edits, reverse=True):
        head = lines[row - 1][:col]
        tail = lines[end_row - 1][end_col:]
        lines[row - 1:end_row] = [head + repr(new) + tail]
    return _renamed_metrics("".join(lines), metrics, f"{number:04d}")


def _renamed_metrics(source: str, metrics: set[str], tag: str) -> str:
    """Each metric (and its histogram series) renamed wherever the source spells it out, in
    plain and f-string literals alike; a longer name is never taken for a shorter one."""
    if not metrics:
        return source
    names = "|".join(re.escape(name) for name in sorted(metrics, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w])({names})(?=(?:_bucket|_sum|_count)?(?!\w))")
    return pattern.sub(lambda match: _metric_name(match.group(1), tag), source)


def _metric_name(name: str, tag: str) -> str:
    """`etcd_server_has_leader` -> `etcd0007_server_has_leader`."""
    head, _, rest = name.partition("_")
    return f"{head}{tag}_{rest}"


def _replacements(names: set[str], selector: str, number: int) -> dict[str, str]:
    tag = f"{number:04d}"
    replacements = {selector: f'{selector}, kgen_synth="{tag}"'}
    for name in names:
        replacements[name] = f"{name}_{tag}" if ":" in name else _numbered_name(name, tag)
    return replacements


def _refuse_missing(sources: list[str], names: set[str], selector: str) -> None:
    """Every name must be a literal somewhere in the spec, or a copy would clash."""
    found = {value for source in sources for _, _, value in _literals(source)}
    missing = set(_replacements(names, selector, 0)) - found
    if missing:
        raise SystemExit(f"synth: cannot find {sorted(missing)} as literals; update synth.py")


def _numbered_name(name: str, tag: str) -> str:
    """`calico` -> `calico0007`, `CalicoIpsetErrors` -> `Calico0007IpsetErrors`,
    `etcdNoLeader` -> `etcd0007NoLeader`, `calico-node` -> `calico-node-0007` (recording rules,
    `level:metric:operation`, end in `_0007` instead)."""
    if "-" in name:
        return f"{name}-{tag}"
    head = next((i for i, c in enumerate(name) if i and c.isupper()), len(name))
    return name[:head] + tag + name[head:]


def write(count: int, out: Path, specs_dir: Path = ROOT / "specs") -> list[Path]:
    """Write `count` copies, round-robin over the shipped specs; the paths written."""
    shipped = sorted(_names(specs_dir).items())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        name, (path, names, selector, metrics) = shipped[index % len(shipped)]
        copy = _numbered_name(name, f"{index:04d}")
        package = path.name == "__init__.py"
        modules = sorted(path.parent.glob("*.py")) if package else [path]
        sources = [module.read_text(encoding="utf-8") for module in modules]
        _refuse_missing(sources, names, selector)
        target = out / copy if package else out / f"{copy}.py"
        if package:
            target.mkdir()
        for module, source in zip(modules, sources, strict=True):
            destination = target / module.name if package else target
            destination.write_text(numbered(source, names, selector, index, metrics),
                                   encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--specs", type=Path, default=ROOT / "specs")
    parser.add_argument("--check", action="store_true", help="run kgen's checks on the result")
    args = parser.parse_args()
    written = write(args.count, args.out, args.specs)
    print(f"wrote {len(written)} specs to {args.out}", file=sys.stderr)
    if args.check:
        from generator import checks, loader
        from generator.findings import Level

        errors = [f for f in checks.run(loader.load(args.out)) if f.level is Level.ERROR]
        for finding in errors:
            print(finding, file=sys.stderr)
        if errors:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
