"""Whatever validates builds, at a size far past the others: a synthetic 20,000-role organization.

    .venv/bin/python benchmarks/huge.py                # 20,000 roles, writes benchmarks/HUGE.md
    .venv/bin/python benchmarks/huge.py --roles 5000 --out -

Three steps, each in a fresh process with its wall time and peak memory: `playbook validate
--strict`, `generate()` (every page and diagram, no MkDocs), and a whole `playbook build`.
The org chart is past its budget here (diagrams.common.ORG_CHART_LIMIT): the build says so
once and the organization page shows the departments overview instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402
from stamp import head_commit, provenance, publish  # noqa: E402
from synth import write  # noqa: E402

BIN = Path(sys.executable).parent
GENERATE = """
import sys, time
from pathlib import Path
from generator.site import generate
start = time.perf_counter()
output = generate(Path(sys.argv[1]))
assert not output.result.errors, output.result.errors[:3]
print(f"{len(output.files):,} files in {time.perf_counter() - start:.1f} s" + "".join("; " + n for n in output.notes))
"""
TIMEOUT = 3600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, default=20_000)
    parser.add_argument("--out", default=str(HERE / "HUGE.md"), help="where to write the report; - prints only")
    args = parser.parse_args()
    commit = head_commit()
    rows = []
    with tempfile.TemporaryDirectory(prefix="playbook-huge-") as work:
        project = write(args.roles, Path(work) / "org")
        files = sum(1 for _ in (project / "org").rglob("*.yml")) + sum(1 for _ in (project / "playbook").rglob("*.yml"))
        steps = [
            ("playbook validate --strict", [str(BIN / "playbook"), "validate", "--strict", "-f", str(project / "mkdocs.yml")]),
            ("generate(): every page and diagram", [sys.executable, "-c", GENERATE, str(project)]),
            ("playbook build (MkDocs, search index, every page)",
             [str(BIN / "playbook"), "build", "-q", "-f", str(project / "mkdocs.yml")]),
        ]
        for name, command in steps:
            seconds, memory, out = measure(command)
            rows.append(f"| {name} | {seconds:.1f} s | {memory:,.0f} MiB | {out.strip().splitlines()[-1] if out.strip() else 'ok'} |")
            print(rows[-1], flush=True)
    report = "\n".join([
        f"# {args.roles:,} roles: validate, generate, build",
        "",
        f"{provenance(commit)}; {files:,} YAML files. Written by `benchmarks/huge.py`.",
        "",
        "| step | wall time | peak memory | last line of output |",
        "| --- | ---: | ---: | --- |",
        *rows,
        "",
    ])
    publish(report, args.out)


if __name__ == "__main__":
    main()
