"""Benchmark of the checker, the builder and fmt on synthetic record trees.

    .venv/bin/python benchmarks/bench.py                      # 1,000, 10,000 and 100,000 records
    .venv/bin/python benchmarks/bench.py --sizes 1000,10000 --runs 3

For each size it writes (once, then reuses) a tree with benchmarks/synth.py
and measures, each as the median of --runs runs:

* check and build end to end, as the user runs them: a new process, the
  interpreter's start included, the cache off (cold);
* check after one record changed, the cache on (warm);
* every stage of the check and the build, in one process;
* peak memory (maximum resident set size) of the check and build processes;
* fmt --check on a copy of the tree that fmt has rewritten in canonical form
  (as CI runs it: every file already canonical), and that one fmt run,
  up to --fmt-max records;
* two baselines on the same tree in the same run: the naive pipeline
  (yaml.safe_load and jsonschema.validate per file) and the floor (reading
  the bytes of the same records saved as JSON, and json.loads).

It prints a table and writes benchmarks/results.json. The machine is shared
with whatever else runs on it: compare runs made on a quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import synth  # noqa: E402

PY = sys.executable


# -- running a child and measuring it -------------------------------------------


def _measured(args: list[str], env: dict | None = None, expect=(0,)) -> tuple[float, float, str]:
    """Run args under a small wrapper that reports the child's own wall
    time and peak memory (ru_maxrss of that one child)."""
    wrapper = (
        "import os, resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "wall = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.buffer.write(p.stderr)\n"
        "sys.stdout.write(json.dumps({'wall': wall, 'rss_kib': rss, 'rc': p.returncode, 'out': p.stdout.decode()}))\n"
    )
    proc = subprocess.run([PY, "-c", wrapper, *args], capture_output=True, env={**os.environ, **(env or {})}, cwd=REPO)
    try:
        res = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(f"benchmark: {' '.join(args)} failed:\n{proc.stderr.decode()[-2000:]}") from None
    if res["rc"] not in expect:
        raise SystemExit(f"benchmark: {' '.join(args)} exited with {res['rc']}:\n{proc.stderr.decode()[-2000:]}")
    return res["wall"], res["rss_kib"] / 1024, res["out"]


def _median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


# -- trees ----------------------------------------------------------------------


def _tree(trees: str, n: int) -> str:
    """A tree of n records, written once per version of synth.py; the
    schemas are copied fresh every time, so the tree follows them."""
    root = os.path.join(trees, str(n))
    with open(os.path.join(HERE, "synth.py"), "rb") as fh:
        stamp = hashlib.sha256(fh.read() + str(n).encode()).hexdigest()
    stamp_file = os.path.join(root, ".synth-stamp")
    try:
        with open(stamp_file, encoding="utf-8") as fh:
            fresh = fh.read() == stamp
    except OSError:
        fresh = False
    if not fresh:
        print(f"writing a tree of {n} records to {root} ...", file=sys.stderr, flush=True)
        synth.write_tree(root, n)
        with open(stamp_file, "w", encoding="utf-8") as fh:
            fh.write(stamp)
    shutil.rmtree(os.path.join(root, "schemas"))
    shutil.copytree(os.path.join(REPO, "schemas"), os.path.join(root, "schemas"))
    for leftover in (".cache", "data", "datapackage.json", ".build"):
        path = os.path.join(root, leftover)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.unlink(path)
    return root


# -- what is measured in a child process (bench.py --child ...) -----------------


def child_stages(root: str) -> dict:
    """Each stage of check and build, timed in this one process, with the
    per-file work in one process and without the cache."""
    import gc

    t0 = time.perf_counter()
    from il76_claims import build as build_mod
    from il76_claims import checker, crossref, loader, neutrality, pipeline, quotes, tables
    from il76_claims.schemas import KINDS, SchemaSet
    from il76_claims.textcheck import check_text

    out = {"import": time.perf_counter() - t0}

    def lap(name, start):
        now = time.perf_counter()
        out[name] = now - start
        return now

    t = time.perf_counter()
    schemas = SchemaSet(os.path.join(root, "schemas"))
    fc = pipeline.FileChecker(schemas)
    t = lap("schemas", t)
    files, _ = loader.discover(root, KINDS)
    t = lap("discover", t)
    with pipeline.no_gc():
        raws = [loader.read_bytes(f.path, f.abspath)[0] for f in files]
        t = lap("read", t)
        recs = []
        for f, raw in zip(files, raws):
            text, _ = loader.decode(f.path, raw)
            _, rec, _ = loader.parse(f.path, text)
            rec.kind = f.kind
            recs.append(rec)
        del raws
        t = lap("parse", t)
        for rec in recs:
            check_text(rec, fc.multiline[rec.kind])
        t = lap("text", t)
        for rec in recs:
            fc.check(rec)
        t = lap("schema", t)
        for rec in recs:
            pipeline._share_strings(rec)
        t = lap("share", t)
    crossref.check_references(recs, schemas)
    t = lap("crossref", t)
    quoted = quotes.check_quotes(recs, None, set())
    neutrality.check_records(recs, neutrality.load_terms(os.path.join(root, "schemas")), [a.text for a in quoted.archives.values()])
    t = lap("quotes+neutrality", t)
    project = checker.Project(root=root, sources_dir=None)
    meta, meta_problems = checker.check_metadata(project, schemas, fc)
    assert not meta_problems, meta_problems
    recs.sort(key=lambda r: (KINDS.index(r.kind), r.path))
    tabs = tables.build_tables(recs, schemas)
    t = lap("tables", t)
    staging = os.path.join(root, ".build", "bench-stage")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    # Time each exporter the build uses (build.<name>_export.write).
    exporters = {name[: -len("_export")]: getattr(build_mod, name) for name in dir(build_mod) if name.endswith("_export")}
    spent: dict[str, float] = {}

    def timed_write(name, write):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return write(*a, **kw)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    originals = {name: mod.write for name, mod in exporters.items()}
    for name, mod in exporters.items():
        mod.write = timed_write(name, mod.write)
    try:
        # In this process, so that each exporter's time is measured here.
        build_mod.write_outputs(staging, meta, tabs, recs, in_process=True)
    finally:
        for name, mod in exporters.items():
            mod.write = originals[name]
    t = lap("write", t)
    for name in sorted(spent):
        out[f"write: {name}"] = spent[name]
    shutil.rmtree(staging, ignore_errors=True)
    gc.collect()
    return out


def child_naive(root: str) -> dict:
    """What one would write first: yaml.safe_load and jsonschema.validate
    for every file, the schemas found through a registry."""
    t0 = time.perf_counter()
    import jsonschema
    import yaml
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from il76_claims.schemas import KINDS, SchemaSet

    schemas = SchemaSet(os.path.join(root, "schemas"))
    registry = Registry().with_resources((uri, Resource.from_contents(doc, default_specification=DRAFT202012)) for uri, doc in schemas.documents.items())
    invalid = 0
    for kind in KINDS:
        folder = os.path.join(root, "records", kind)
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
            try:
                jsonschema.validate(data, schemas.kinds[kind], registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            except jsonschema.ValidationError:
                invalid += 1
    return {"total": time.perf_counter() - t0, "invalid": invalid}


def child_floor(root: str) -> dict:
    """Reading the same records' bytes (as JSON) and json.loads: a lower
    bound for any checker that reads every file."""
    t0 = time.perf_counter()
    n = 0
    for kind in sorted(os.listdir(os.path.join(root, "json"))):
        folder = os.path.join(root, "json", kind)
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as fh:
                json.loads(fh.read())
            n += 1
    return {"total": time.perf_counter() - t0, "files": n}


def _child(kind: str, root: str, runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    extra = {}
    for _ in range(runs):
        wall, _, out = _measured([PY, os.path.join(HERE, "bench.py"), "--child", kind, root])
        res = json.loads(out)
        for k, v in res.items():
            if isinstance(v, float):
                samples.setdefault(k, []).append(v)
            else:
                extra[k] = v
        samples.setdefault("process", []).append(wall)
    return {**{k: _median(v) for k, v in samples.items()}, **extra}


# -- the benchmark ------------------------------------------------------------------


def _cli(cmd: str, root: str) -> list[str]:
    # No --sources: a named folder that does not exist is a problem (F009);
    # left unset, the default folder next to the tree is absent and the quote
    # checks skip, as they do for sources without archived text.
    return [PY, "-m", "il76_claims", cmd, "--root", root]


def _warm(root: str, runs: int) -> list[float]:
    """check with the cache after one statement changed, each run another
    one; the file is put back afterwards."""
    env = {"IL76_CACHE": "on"}
    _measured(_cli("check", root), env)  # fills the cache
    folder = os.path.join(root, "records", "statement")
    names = sorted(os.listdir(folder))
    samples = []
    for i in range(runs):
        path = os.path.join(folder, names[(i * 7919) % len(names)])
        with open(path, "rb") as fh:
            original = fh.read()
        try:
            with open(path, "wb") as fh:
                fh.write(original.replace(b"\nsummary: ", f"\nsummary: Edit {i} ".encode(), 1))
            wall, _, _ = _measured(_cli("check", root), env)
            samples.append(wall)
        finally:
            with open(path, "wb") as fh:
                fh.write(original)
    return samples


def _fmt(root: str, runs: int) -> dict:
    """fmt once on a copy of the tree, then fmt --check on it, runs times."""
    copy = root + "-fmt"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("json"))
    try:
        write, _, _ = _measured(_cli("fmt", copy))
        checks = [_measured(_cli("fmt", copy) + ["--check"]) for _ in range(runs)]
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    walls = [wall for wall, _, _ in checks]
    return {"fmt_write_once_s": write, "fmt_check": {"median_s": _median(walls), "runs_s": walls, "peak_mib": max(mib for _, mib, _ in checks)}}


def bench_size(trees: str, n: int, runs: int, naive_max: int, fmt_max: int = 10000) -> dict:
    root = _tree(trees, n)
    cold = {"IL76_CACHE": "off"}
    res: dict = {"records": n}

    def timed(cmd, env, label):
        walls, rss = [], []
        for _ in range(runs):
            wall, mib, _ = _measured(_cli(cmd, root), env)
            walls.append(wall)
            rss.append(mib)
        res[label] = {"median_s": _median(walls), "runs_s": walls, "peak_mib": max(rss)}
        print(f"  {label:<22} {_median(walls):8.2f} s   peak {max(rss):6.0f} MiB", file=sys.stderr, flush=True)

    print(f"{n} records:", file=sys.stderr, flush=True)
    timed("check", cold, "check_cold")
    timed("check", {**cold, "IL76_JOBS": "1"}, "check_cold_1_process")
    timed("build", cold, "build_cold")
    warm = _warm(root, runs)
    res["check_warm_one_change"] = {"median_s": _median(warm), "runs_s": warm}
    print(f"  {'check_warm_one_change':<22} {_median(warm):8.2f} s", file=sys.stderr, flush=True)
    res["stages_s"] = _child("stages", root, runs)
    print("  stages: " + ", ".join(f"{k} {v:.2f}" for k, v in res["stages_s"].items()), file=sys.stderr, flush=True)
    res["floor"] = _child("floor", root, runs)
    print(f"  {'floor':<22} {res['floor']['process']:8.2f} s", file=sys.stderr, flush=True)
    if n <= fmt_max:
        res.update(_fmt(root, runs))
        print(f"  {'fmt_check':<22} {res['fmt_check']['median_s']:8.2f} s   (fmt rewriting the tree once: {res['fmt_write_once_s']:.2f} s)", file=sys.stderr, flush=True)
    if n <= naive_max:
        # One run: it is slow, and it is a baseline, not the thing measured.
        res["naive"] = _child("naive", root, 1)
        print(f"  {'naive':<22} {res['naive']['process']:8.2f} s", file=sys.stderr, flush=True)
    return res


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or "unknown"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def table(results: dict) -> str:
    rows = [
        "| records | check, cold | check, cold, 1 process | build, cold | check, warm (1 file changed) | peak memory (check / build) | naive pipeline | naive / check | floor (read + json.loads) | fmt --check |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["sizes"]:
        naive = r.get("naive", {}).get("process")
        fmt_check = r.get("fmt_check", {}).get("median_s")
        check = r["check_cold"]["median_s"]
        rows.append(
            f"| {r['records']:,} | {check:.2f} s | {r['check_cold_1_process']['median_s']:.2f} s | {r['build_cold']['median_s']:.2f} s "
            f"| {r['check_warm_one_change']['median_s']:.2f} s | {r['check_cold']['peak_mib']:.0f} / {r['build_cold']['peak_mib']:.0f} MiB "
            f"| {f'{naive:.1f} s' if naive else 'not run'} | {f'{naive / check:.1f}x' if naive else '-'} | {r['floor']['process']:.2f} s "
            f"| {f'{fmt_check:.2f} s' if fmt_check else 'not run'} |"
        )
    stages = list(results["sizes"][0]["stages_s"]) if results["sizes"] else []
    stages = [s for s in stages if s != "process"]
    rows += ["", "Stages, in one process (seconds):", "", "| records | " + " | ".join(stages) + " |", "|---:|" + "---:|" * len(stages)]
    for r in results["sizes"]:
        rows.append(f"| {r['records']:,} | " + " | ".join(f"{r['stages_s'].get(s, float('nan')):.2f}" for s in stages) + " |")
    return "\n".join(rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Benchmark check, build and fmt on synthetic record trees.")
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated numbers of records (default: 1000,10000,100000)")
    p.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default: 3)")
    p.add_argument("--trees", default=os.path.join(HERE, ".trees"), help="where the synthetic trees are kept (default: benchmarks/.trees)")
    p.add_argument("--naive-max", type=int, default=10000, help="run the naive baseline only up to this many records (default: 10000)")
    p.add_argument("--fmt-max", type=int, default=10000, help="time fmt only up to this many records (default: 10000)")
    p.add_argument("--out", default=os.path.join(HERE, "results.json"), help="JSON results file (default: benchmarks/results.json)")
    p.add_argument("--child", nargs=2, metavar=("WHAT", "ROOT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        what, root = args.child
        fn = {"stages": child_stages, "naive": child_naive, "floor": child_floor}[what]
        print(json.dumps(fn(root)))
        return 0
    results = {"machine": machine(), "runs": args.runs, "sizes": []}
    print(json.dumps(results["machine"]), file=sys.stderr)
    for n in (int(s) for s in args.sizes.split(",")):
        results["sizes"].append(bench_size(args.trees, n, args.runs, args.naive_max, args.fmt_max))
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(results, fh, indent=2)
        fh.write("\n")
    m = results["machine"]
    print(f"\nMachine: {m['cpu']}, {m['usable_cores']} usable cores of {m['cores']}, Python {m['python']}, load average at start {m['load_average_at_start']}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
