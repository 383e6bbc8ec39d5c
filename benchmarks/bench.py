"""Time il76-claims on synthetic record trees, against two baselines and a few targets.

    .venv/bin/python benchmarks/bench.py                          # 1,000, 10,000 and 100,000 records
    .venv/bin/python benchmarks/bench.py --sizes 1000,10000 --runs 1

For each size, on a tree written by synth.py (kept in benchmarks/.trees/), each
command of COMMANDS runs cold --runs times: a new process each time (start-up
included) and no leftovers of an earlier run in the tree. The baselines of
baselines.py (naive: once, up to --naive-max records; floor: --runs times) run
on the same tree, each in a new process. Also timed: `il76-claims check` on this
repository's own records. The package's code is measured by codemetrics.py.
Prints Markdown tables and writes every run to benchmarks/results.json. Uses
only the command line, never the package's modules.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import codemetrics  # noqa: E402
import synth  # noqa: E402

# (key, what is measured, "<=" or ">=", limit)
TARGETS = [
    ("real_check_s", "real dataset: check, start-up included (s)", "<=", 0.5),
    ("check_over_floor_10k", "10,000 records: check / floor", "<=", 2.0),
    ("naive_over_check_10k", "10,000 records: naive / check", ">=", 3.0),
    ("check_s_100k", "100,000 records: check (s)", "<=", 25.0),
    ("check_peak_mib_100k", "100,000 records: check peak memory (MiB)", "<=", 400.0),
    ("linear_100k", "100,000 records: check per 1,000 records / the same at 10,000", "<=", 1.25),
    ("build_over_check_10k", "10,000 records: build / check", "<=", 1.5),
    ("real_fmt_s", "real dataset: fmt --check, start-up included (s)", "<=", 0.5),
    (
        "fmt_linear_10k",
        "fmt --check: time per 1,000 records at 10,000 / at 1,000, start-up included",
        "<=",
        1.25,
    ),
    ("real_site_s", "real dataset: site, start-up included (s)", "<=", 1.0),
    ("real_site_page_kib", "real dataset: largest page of the site (KiB)", "<=", 1024),
    (
        "site_linear_10k",
        "site: time per 1,000 records at 10,000 / at 1,000, start-up included",
        "<=",
        1.25,
    ),
    ("site_page_kib_10k", "10,000 records: largest page of the site (KiB)", "<=", 1024),
    ("package_lines", "package: lines of Python", "<=", 5500),
    ("longest_function", "package: longest function (lines)", "<=", 50),
    ("import_cycles", "package: import cycles", "<=", 0),
    ("import_depth", "package: longest import chain (modules)", "<=", 6),
]

# Timed commands: (label, arguments after il76-claims); --root TREE is added.
# One the installed il76-claims lacks is skipped with a note; "check" and
# "build" are needed for the ratios. To add one, add what it writes to
# LEFTOVERS (site writes dist/site/).
COMMANDS = [
    ("check", ["check"]),
    ("build", ["build"]),
    ("fmt --check", ["fmt", "--check"]),
    ("site", ["site"]),
]

CLI = os.path.join(os.path.dirname(sys.executable), "il76-claims")
LEFTOVERS = ("data", "dist", ".build", ".cache", "datapackage.json")


# Started by run() to start the command: a child's peak memory (ru_maxrss)
# is never below that of the process that forked it, so that one is small.
SPAWN = """import json, os, sys, time
act = [(os.POSIX_SPAWN_OPEN, 1, sys.argv[1], os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
t = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ, file_actions=act)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))"""


def run(argv: list[str], cwd: str, records: int | None = None) -> dict:
    """Run argv in a new process: its wall time and peak memory (the largest
    resident set of it and of the children it waited for). For a baseline,
    make sure it read every record (an invalid one makes it fail)."""
    with tempfile.NamedTemporaryFile() as out:
        spawn = subprocess.run(
            [sys.executable, "-S", "-c", SPAWN, out.name, *argv],
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        text = out.read().decode("utf-8", "replace")
    if spawn.returncode != 0:
        raise SystemExit(f"benchmark: could not run {' '.join(argv)}:\n{spawn.stderr}")
    wall, kib, code = json.loads(spawn.stdout)
    if code != 0:
        raise SystemExit(f"benchmark: {' '.join(argv)} exited with {code}:\n{text[-3000:]}")
    if records is not None and json.loads(text.splitlines()[-1])["files"] != records:
        raise SystemExit(f"benchmark: {' '.join(argv)} read {text.strip()}, not {records} files")
    return {"s": wall, "peak_mib": kib / 1024}


def clean(root: str, names=LEFTOVERS) -> None:
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)


def tree(trees: str, n: int) -> str:
    """The tree of n records, written again when synth.py (or the country
    list it reads, or fmt) changed, then rewritten once by il76-claims fmt so
    that fmt --check finds it canonical, as CI finds the records; the
    schemas are copied fresh every time."""
    root = os.path.join(trees, str(n))
    digest = hashlib.sha256(str(n).encode())
    for path in (
        os.path.join(HERE, "synth.py"),
        os.path.join(REPO, "schemas", "codelists", "country.json"),
        os.path.join(REPO, "scripts", "il76_claims", "check", "canonical.py"),
    ):
        with open(path, "rb") as fh:
            digest.update(fh.read())
    stamp = pathlib.Path(root, ".synth-stamp")
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != digest.hexdigest():
        print(f"writing {n:,} records to {root} ...", file=sys.stderr, flush=True)
        synth.write_tree(root, n)
        subprocess.run([CLI, "fmt", "--root", root], capture_output=True, check=True)
        stamp.write_text(digest.hexdigest(), encoding="utf-8")
    shutil.rmtree(os.path.join(root, "schemas"))
    shutil.copytree(os.path.join(REPO, "schemas"), os.path.join(root, "schemas"))
    return root


def available(commands: list) -> tuple[list, list[str]]:
    """The commands the installed il76-claims has, and a note for each other."""
    helptext = subprocess.run([CLI, "--help"], capture_output=True, text=True, check=True).stdout
    have, notes = [], []
    for label, args in commands:
        if re.search(rf"^\s+{re.escape(args[0])}(\s|$)", helptext, re.M):
            have.append((label, args))
        else:
            notes.append(f"`{label}` not timed: this il76-claims has no `{args[0]}` command.")
    return have, notes


def largest_page(root: str) -> int:
    """Bytes of the largest page `il76-claims site` wrote under root."""
    folder = os.path.join(root, "dist", "site")
    return max(
        (
            os.path.getsize(os.path.join(folder, n))
            for n in os.listdir(folder)
            if n.endswith(".html")
        ),
        default=0,
    )


def bench_size(root: str, n: int, runs: int, commands: list, naive_max: int) -> dict:
    res: dict = {"records": n, "commands": {label: [] for label, _ in commands}, "floor": []}
    baseline = [sys.executable, os.path.join(HERE, "baselines.py")]
    for i in range(runs):  # one run of each in turn, so that a slow moment hits them all
        for label, args in commands:
            clean(root)
            res["commands"][label].append(run([CLI, *args, "--root", root], root))
            if label == "site":
                res["site_page_bytes"] = largest_page(root)
        res["floor"].append(run([*baseline, "floor", root], root, n))
        done = [*res["commands"].items(), ("floor", res["floor"])]
        print(
            f"{n:>7,} records, run {i + 1}: "
            + ", ".join(f"{k} {v[-1]['s']:.2f} s" for k, v in done),
            file=sys.stderr,
            flush=True,
        )
    if n <= naive_max:
        res["naive"] = [run([*baseline, "naive", root], root, n)]  # once: it is slow
        print(f"{n:>7,} records: naive {res['naive'][0]['s']:.2f} s", file=sys.stderr, flush=True)
    clean(root)
    return res


def real_dataset(runs: int) -> dict:
    """check, fmt --check and site on this repository's own records (site
    rewrites dist/site/, as make does)."""
    samples = [run([CLI, "check", "--root", REPO], REPO) for _ in range(runs)]
    fmt = [run([CLI, "fmt", "--check", "--root", REPO], REPO) for _ in range(runs)]
    site = [run([CLI, "site", "--root", REPO], REPO) for _ in range(runs)]
    files = sum(
        name.endswith(".yaml")
        for _, _, names in os.walk(os.path.join(REPO, "records"))
        for name in names
    )
    return {
        "records": files,
        "runs": samples,
        "fmt_runs": fmt,
        "site_runs": site,
        "site_page_bytes": largest_page(REPO),
    }


def med(samples: list[dict]) -> float:
    return statistics.median(r["s"] for r in samples)


def summary(sizes: list[dict]) -> list[dict]:
    """Per size: median times, peak memory, and check's cost per 1,000
    records between this size and the one before (from 0 for the first)."""
    out, prev_n, prev_s = [], 0, 0.0
    for r in sizes:
        n, t = r["records"], {label: med(v) for label, v in r["commands"].items()}
        peak = {label: max(x["peak_mib"] for x in v) for label, v in r["commands"].items()}
        naive = med(r["naive"]) if "naive" in r else None
        out.append(
            {
                "records": n,
                "s": t,
                "peak_mib": peak,
                "floor_s": med(r["floor"]),
                "naive_s": naive,
                "check_per_1000_s": (t["check"] - prev_s) / (n - prev_n) * 1000,
            }
        )
        prev_n, prev_s = n, t["check"]
    return out


def measured(results: dict) -> dict[str, float]:
    """The value of each target that this run measured."""
    code, by_size = results["code"], {x["records"]: x for x in results["summary"]}
    got = {
        "real_check_s": med(results["real_dataset"]["runs"]),
        "real_fmt_s": med(results["real_dataset"]["fmt_runs"]),
        "real_site_s": med(results["real_dataset"]["site_runs"]),
        "real_site_page_kib": results["real_dataset"]["site_page_bytes"] / 1024,
        "package_lines": code["lines"],
        "longest_function": code["longest_functions"][0]["lines"],
        "import_cycles": len(code["import_cycles"]),
        "import_depth": code["import_depth"],
    }
    if x := by_size.get(10000):
        got["check_over_floor_10k"] = x["s"]["check"] / x["floor_s"]
        got["build_over_check_10k"] = x["s"]["build"] / x["s"]["check"]
        if x["naive_s"]:
            got["naive_over_check_10k"] = x["naive_s"] / x["s"]["check"]
        for label, key in (("fmt --check", "fmt_linear_10k"), ("site", "site_linear_10k")):
            if 1000 in by_size and label in x["s"]:
                got[key] = (x["s"][label] / 10) / by_size[1000]["s"][label]
    if (
        r := next((r for r in results["sizes"] if r["records"] == 10000), None)
    ) and "site_page_bytes" in r:
        got["site_page_kib_10k"] = r["site_page_bytes"] / 1024
    if x := by_size.get(100000):
        got["check_s_100k"], got["check_peak_mib_100k"] = x["s"]["check"], x["peak_mib"]["check"]
        if 10000 in by_size:
            got["linear_100k"] = x["check_per_1000_s"] / by_size[10000]["check_per_1000_s"]
    return got


def sizes_table(summary: list[dict], naive_max: int) -> list[str]:
    labels = list(summary[0]["s"]) if summary else []
    head = [f"{x}, cold" for x in labels] + [
        f"peak MiB ({' / '.join(labels)})",
        "naive",
        "floor",
        "check / floor",
        "naive / check",
        "build / check",
        "check per 1,000",
    ]
    rows = ["| records | " + " | ".join(head) + " |", "|---:" * (len(head) + 1) + "|"]
    for x in summary:
        t, naive = x["s"], x["naive_s"]
        cells = [f"{t[label]:.2f} s" for label in labels] + [
            " / ".join(f"{v:.0f}" for v in x["peak_mib"].values())
        ]
        cells += [
            f"{naive:.2f} s" if naive else f"not run (too slow above {naive_max:,})",
            f"{x['floor_s']:.2f} s",
            f"{t['check'] / x['floor_s']:.1f}x",
        ]
        cells += [
            f"{naive / t['check']:.1f}x" if naive else "-",
            f"{t['build'] / t['check']:.2f}x",
            f"{x['check_per_1000_s']:.3f} s",
        ]
        rows.append(f"| {x['records']:,} | " + " | ".join(cells) + " |")
    return rows


def verdicts(got: dict) -> list[dict]:
    """Each target with its measured value (None if not measured) and PASS, FAIL or "-"."""
    out = []
    for key, what, op, limit in TARGETS:
        value = got.get(key)
        ok = value is not None and (value <= limit if op == "<=" else value >= limit)
        out.append(
            {
                "target": key,
                "what": what,
                "op": op,
                "limit": limit,
                "value": value,
                "result": "-" if value is None else "PASS" if ok else "FAIL",
            }
        )
    return out


def targets_table(verdicts: list[dict]) -> list[str]:
    rows = ["| target | limit | measured | result |", "|---|---:|---:|---|"]
    for v in verdicts:
        shown = (
            "not measured" if v["value"] is None else f"{v['value']:,.2f}".rstrip("0").rstrip(".")
        )
        rows.append(
            f"| {v['what']} | {'≤' if v['op'] == '<=' else '≥'} {v['limit']:,g} | {shown} | {v['result']} |"
        )
    return rows


def report(results: dict, notes: list[str], naive_max: int) -> str:
    m, real, code = results["machine"], results["real_dataset"], results["code"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average_at_start"])
    out = [
        f"{m['cpu']}, {m['usable_cores']} usable cores, Python {m['python']}, {m['platform']}, load average {load} at start; commit {results['commit'][:12]}; medians of {results['runs']} run(s).",
        "",
    ]
    out += sizes_table(results["summary"], naive_max) + [""] + [f"- {x}" for x in notes]
    site = f", site {med(real['site_runs']):.2f} s (largest page {real['site_page_bytes'] / 1024:.0f} KiB)"
    out += [
        f"- Real dataset ({real['records']} records): check {med(real['runs']):.2f} s, fmt --check {med(real['fmt_runs']):.2f} s{site}, start-up included.",
        "",
    ]
    out += [
        "Package code (benchmarks/codemetrics.py):",
        "",
        "```",
        codemetrics.report(code),
        "```",
        "",
    ]
    out += targets_table(results["targets"])
    return "\n".join(out)


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu
            )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "usable_cores": cores,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }


def commit() -> str:
    git = ["git", "-C", REPO]
    head = (
        subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    ).stdout.strip()
    return head + (" (with uncommitted changes)" if dirty else "")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description="Time il76-claims cold on synthetic trees, with baselines and targets."
    )
    p.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated numbers of records (default: 1000,10000,100000)",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs of each command; medians are reported (default: 3)",
    )
    p.add_argument(
        "--naive-max",
        type=int,
        default=10000,
        help="run the naive baseline up to this many records (default: 10000)",
    )
    p.add_argument(
        "--trees",
        default=os.path.join(HERE, ".trees"),
        help="where the synthetic trees are kept (default: benchmarks/.trees)",
    )
    p.add_argument(
        "--out",
        default=os.path.join(HERE, "results.json"),
        help="raw results (default: benchmarks/results.json)",
    )
    args = p.parse_args(argv)
    results = {"machine": machine(), "commit": commit(), "runs": args.runs, "sizes": []}
    commands, notes = available(COMMANDS)
    if {"check", "build"} - {label for label, _ in commands}:
        raise SystemExit("benchmark: this il76-claims lacks check or build")
    for n in sorted(int(s) for s in args.sizes.split(",")):
        results["sizes"].append(
            bench_size(tree(args.trees, n), n, args.runs, commands, args.naive_max)
        )
    results["real_dataset"] = real_dataset(args.runs)
    results["code"] = codemetrics.measure()
    results["summary"] = summary(results["sizes"])
    results["targets"] = verdicts(measured(results))
    pathlib.Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(report(results, notes, args.naive_max))
    return 0


if __name__ == "__main__":
    sys.exit(main())
