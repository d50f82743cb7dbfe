"""The scaling benchmark: synthetic organizations of 100, 1,000 and 3,000 roles.

    .venv/bin/python benchmarks/run.py                 # all sizes, writes benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --sizes 100 --out -   # one size, print only

Each measurement runs in a fresh Python process, so caches in memory do not leak from
one to the next, and its peak memory (max RSS) is read from the kernel when it exits.
The machine is noisy: compare the ratios within one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth import write  # noqa: E402

PYTHON = sys.executable
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")

PARSE = """
import sys, time, yaml
from pathlib import Path
root = Path(sys.argv[1])
files = sorted(p for top in ("org", "playbook") for p in (root / top).rglob("*.yml"))
start = time.perf_counter()
for path in files:
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
print(time.perf_counter() - start)
"""
VALIDATE = """
import sys, time
from pathlib import Path
from generator.project import validate
start = time.perf_counter()
result = validate(Path(sys.argv[1]))
assert not result.errors, result.errors[:3]
print(time.perf_counter() - start)
"""
GENERATE = """
import sys, time
from pathlib import Path
from generator.site import generate
start = time.perf_counter()
output = generate(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
assert not output.result.errors
print(time.perf_counter() - start, len(output.files))
"""
REBUILD = """
import sys, time
from pathlib import Path
from generator.cache import Cache
from generator.site import generate
root = Path(sys.argv[1])
session = Cache()  # the plugin's, for a whole `mkdocs serve` session
output = generate(root, cache_dir=Path(sys.argv[2]), cache=session)
# what the plugin does on a rebuild with nothing changed: stat the sources, reuse the output
start = time.perf_counter()
assert generate(root, cache_dir=Path(sys.argv[2]), cache=session) is output
print(time.perf_counter() - start)
"""


def measure(args: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run a command; return wall seconds, peak memory in MiB and its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, stdout


def python(code: str, *args: str) -> tuple[float, float, str]:
    return measure([PYTHON, "-c", textwrap.dedent(code), *args])


def plain_project(project: Path, target: Path) -> Path:
    """The exported pages as an ordinary MkDocs project with the playbook plugin off."""
    from generator.site import generate

    output = generate(project, cache_dir=project / ".cache" / "diagrams")
    docs = target / "docs"
    for path, content in output.exported().items():  # the figures in place, as `playbook export` writes them
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(content, encoding="utf-8")
    for path in (project / "docs").rglob("*"):
        if path.is_file():
            dest = docs / path.relative_to(project / "docs")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    nav = [{"Home": "index.md"}, *output.navigation()]
    config = {
        "site_name": "Plain export",
        "theme": {"name": "material", "font": False, "features": ["navigation.tabs", "navigation.indexes"]},
        "plugins": ["search"],
        "nav": nav,
        # the entity pages are left out of the navigation, as the plugin does
        "not_in_nav": "\n".join(f"/{kind}/*/" for kind in ("departments", "roles", "objectives", "themes", "channels", "metrics", "workflows")) + "\n/diagrams/\n",
        "validation": {"omitted_files": "ignore", "not_found": "warn"},
    }
    (target / "mkdocs.yml").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return target


def run_size(size: int, work: Path) -> dict[str, float]:
    project = write(size, work / f"org-{size}")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - playbook\n", "  - playbook:\n      cache_dir: .cache/diagrams\n"))
    files = sum(1 for top in ("org", "playbook") for _ in (project / top).rglob("*.yml"))
    row: dict[str, float] = {"roles": size, "files": files}
    row["parse_s"] = float(python(PARSE, str(project))[2])
    seconds, row["validate_mib"], out = python(VALIDATE, str(project))
    row["validate_s"] = float(out)
    cache = project / ".cache" / "diagrams"
    shutil.rmtree(cache, ignore_errors=True)
    _, row["generate_mib"], out = python(GENERATE, str(project), str(cache))
    row["generate_cold_s"], row["pages"] = (float(x) for x in out.split())
    row["generate_warm_s"] = float(python(GENERATE, str(project), str(cache))[2].split()[0])
    row["rebuild_generation_s"] = float(python(REBUILD, str(project), str(cache))[2])
    shutil.rmtree(cache, ignore_errors=True)
    row["build_s"], row["build_mib"], _ = measure(
        [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(work / f"site-{size}")]
    )
    row["build_warm_s"], _, _ = measure(
        [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(work / f"site-{size}")]
    )
    plain = plain_project(project, work / f"plain-{size}")
    row["plain_build_s"], row["plain_mib"], _ = measure(
        [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml"), "-d", str(work / f"plain-site-{size}")]
    )
    return row


def machine() -> str:
    def version(args: list[str]) -> str:
        try:
            done = subprocess.run(args, capture_output=True, text=True, check=False)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except OSError:
            return "not found"

    import mkdocs
    from material import __version__ as material_version

    from generator.engine import describe_engine

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain"], capture_output=True, text=True).stdout
    return (
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n"
        f"- commit: {commit}{' (with uncommitted changes)' if dirty.strip() else ''}\n"
        f"- machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}\n"
        f"- Python {platform.python_version()}, mkdocs {mkdocs.__version__}, mkdocs-material {material_version}\n"
        f"- Graphviz: {describe_engine()}\n"
    )


EXPLAINED = """\
What the columns measure (each in a fresh process; `benchmarks/synth.py` writes the organizations):

- *parse*: PyYAML's C loader over every file, nothing else; *validate*: `generator.project.validate`,
  which also keeps line and column of every value, detects duplicate keys and runs every rule.
- *generate cold / warm*: `generator.site.generate` (pages and diagrams) with an empty, then a
  filled diagram cache folder.
- *no-change rebuild*: under `mkdocs serve` the plugin's session `Cache` keeps the last output and only checks the
  sources' sizes and modification times; the share is of the warm build.
- *playbook build*: `mkdocs build` with the plugin, diagram cache empty; *warm*: again with the
  cache filled. *plain mkdocs build*: the same generated pages exported into `docs/`, the same
  navigation, the plugin off. *build / plain* compares the warm build with the plain one.
- *peak memory*: the largest max RSS of the validate, generate and build processes.

Material renders the navigation into every page; the generated entity pages are kept out of
it, which is why build time grows linearly. Re-run with `.venv/bin/python benchmarks/run.py`;
the machine is noisy, so compare the ratios within one run.
"""


def report(rows: list[dict[str, float]]) -> str:
    lines = [
        "| roles | YAML files | generated files | parse (C loader) | validate | validate / parse | generate cold | generate warm | "
        "no-change rebuild: generation step | playbook build | build, warm diagram cache | plain mkdocs build | "
        "build / plain | peak memory |",
        "|" + "---:|" * 14,
    ]
    for r in rows:
        peak = max(r["validate_mib"], r["generate_mib"], r["build_mib"])
        lines.append(
            f"| {r['roles']:,.0f} | {r['files']:,.0f} | {r['pages']:,.0f} | {r['parse_s']:.2f} s | {r['validate_s']:.2f} s | "
            f"{r['validate_s'] / r['parse_s']:.2f}x | {r['generate_cold_s']:.2f} s | {r['generate_warm_s']:.2f} s | "
            f"{r['rebuild_generation_s'] * 1000:.0f} ms ({r['rebuild_generation_s'] / r['build_warm_s']:.2%} of the build) | "
            f"{r['build_s']:.1f} s | {r['build_warm_s']:.1f} s | {r['plain_build_s']:.1f} s | "
            f"{r['build_warm_s'] / r['plain_build_s']:.2f}x | {peak:,.0f} MiB |"
        )
    lines += ["", "Targets:", ""]
    worst = max(rows, key=lambda r: r["validate_s"] / r["parse_s"])
    lines.append(f"- validation within 3x the bare parse: worst {worst['validate_s'] / worst['parse_s']:.2f}x "
                 f"at {worst['roles']:,.0f} roles")
    worst = max(rows, key=lambda r: r["build_warm_s"] / r["plain_build_s"])
    lines.append(f"- full build within 1.25x the plain build of the same pages: worst "
                 f"{worst['build_warm_s'] / worst['plain_build_s']:.2f}x at {worst['roles']:,.0f} roles")
    worst = max(rows, key=lambda r: r["rebuild_generation_s"] / r["build_warm_s"])
    lines.append(f"- a no-change rebuild's generation step under 5% of the build: worst "
                 f"{worst['rebuild_generation_s'] / worst['build_warm_s']:.2%}")
    by_size = {int(r["roles"]): r for r in rows}
    if 1000 in by_size and 3000 in by_size:
        ratio = by_size[3000]["build_s"] / by_size[1000]["build_s"]
        lines.append(f"- 3,000 roles no more than 3.5x the build time of 1,000: {ratio:.2f}x (linear would be 3x)")
    peak = max(max(r["validate_mib"], r["generate_mib"], r["build_mib"]) for r in rows)
    lines.append(f"- peak memory under 1 GB: {peak:,.0f} MiB")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"), help="'-' prints only")
    parser.add_argument("--work", default=None, help="folder for the synthetic projects (default: a temp folder)")
    options = parser.parse_args()
    work = Path(options.work) if options.work else Path(tempfile.mkdtemp(prefix="playbook-bench-"))
    rows = []
    for size in (int(s) for s in options.sizes.split(",")):
        print(f"measuring {size} roles in {work}", file=sys.stderr)
        rows.append(run_size(size, work))
        print(report(rows), file=sys.stderr)
    text = "# Benchmark results\n\n" + machine() + "\n" + report(rows) + "\n" + EXPLAINED
    if options.out == "-":
        print(text)
    else:
        Path(options.out).write_text(text, encoding="utf-8")
        print(f"wrote {options.out}", file=sys.stderr)
    if not options.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
