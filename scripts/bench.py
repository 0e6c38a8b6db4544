#!/usr/bin/env python3
"""Benchmark kaohe and print the figures as Markdown tables for docs/PERFORMANCE.md.

Usage:
  python3 scripts/bench.py national [--runs R] [--quick] [--stress-timeout S] ...
  python3 scripts/bench.py profile [--entities N] [--format json|csv]
  python3 scripts/bench.py big-file [--runs R]

`national` (issue 7) builds the release binary and the parse-only floor
(examples/parse_floor.rs), writes the national-scale workspaces of
scripts/gen_national.py into a temporary folder and reports, in one run:
- for 300 / 1,000 / 3,000 / 10,000 entities (`--quick` skips 10,000): `kaohe check`,
  `kaohe eval --format json` and `--format csv` to /dev/null, and the parse-only floor
  (the same files parsed by the toml crate alone, on one thread), each the median
  wall time of R runs, with peak memory (`/usr/bin/time -f %M`);
- the 3,000-entity json run pinned to one core (`taskset -c 0`);
- whether the json and csv outputs at 3,000 entities are byte-identical with
  `RAYON_NUM_THREADS=1` and with the default thread count (SHA-256 of stdout);
- the solver stress case (one rule `min(sum of K inputs, 1) >= 2`) at K = 900 and
  3600, `kaohe eval --format json`, each run cut off after `--stress-timeout` seconds;
- the ratios issue 7 sets targets for.

`profile` runs `kaohe eval` on an N-entity national workspace (default 300) under
valgrind's callgrind and prints the functions with the largest inclusive and self
instruction counts (perf's hardware counters are not available on the development
machine, a KVM guest). `big-file` times one data file of about 16 MiB (CONTRACT 9's
limit).

Standard library only. Nothing here asserts a time: the figures are recorded by hand
in docs/PERFORMANCE.md. Cargo honours CARGO_TARGET_DIR; run under `nice` on a shared
machine and read the figures with that in mind.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
import gen_national  # noqa: E402

SIZES = [300, 1000, 3000, 10000]
# Python's own TOML parser on the same files, for sizes up to this: a floor under any
# plain Python evaluator of the contract (it must at least read the files).
PY_FLOOR_UP_TO = 1000
PY_FLOOR = """
import os, sys, tomllib
keys = 0
for root in sys.argv[1:]:
    for d, _, names in sorted(os.walk(root)):
        for n in sorted(names):
            if n.lower().endswith(".toml"):
                with open(os.path.join(d, n), "rb") as f:
                    keys += len(tomllib.load(f))
print(keys)
"""
STRESS = [900, 3600]
# A stress run slower than this is not repeated (median of the runs made).
REPEAT_BELOW_S = 10.0


# --- Building ---------------------------------------------------------------------


def build():
    """Build kaohe and the parse-floor example in release mode; return their paths."""
    subprocess.run(
        ["cargo", "build", "--release", "-q", "--bin", "kaohe", "--example", "parse_floor"],
        cwd=ROOT,
        check=True,
    )
    return binaries()


def binaries():
    meta = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    target = json.loads(meta)["target_directory"]
    kaohe = os.path.join(target, "release", "kaohe")
    floor = os.path.join(target, "release", "examples", "parse_floor")
    for exe in (kaohe, floor):
        if not os.path.exists(exe):
            sys.exit(f"{exe} is missing; run without --no-build")
    return kaohe, floor


# --- Running ----------------------------------------------------------------------


class Timeout(Exception):
    pass


def run_once(args, cwd, env=None, pin=False, timeout=None):
    """Run `args` with stdout to /dev/null; return (wall seconds, peak KiB, CPU seconds),
    CPU being user + system time (on a shared machine it varies less than wall time)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        cmd = ["/usr/bin/time", "-f", "%M %U %S", "-o", tf.name, *args]
        if pin:
            cmd = ["taskset", "-c", "0", *cmd]
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            raise Timeout()
        wall = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed ({proc.returncode}) in {cwd}:\n{err.decode(errors='replace')[:2000]}")
        peak, user, system = [line for line in tf.read().splitlines() if line.strip()][-1].split()
        return wall, int(peak), float(user) + float(system)


def measure(args, cwd, runs, **kw):
    """Medians of wall time, peak memory (KiB) and CPU time over `runs` runs."""
    results = [run_once(args, cwd, **kw) for _ in range(runs)]
    return tuple(statistics.median(r[i] for r in results) for i in range(3))


def output_hash(args, cwd, env):
    """SHA-256 and size of what `args` writes to stdout."""
    h = hashlib.sha256()
    size = 0
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    while chunk := proc.stdout.read(1 << 20):
        h.update(chunk)
        size += len(chunk)
    proc.wait()
    return h.hexdigest(), size


def tree_bytes(path):
    total = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            if name.lower().endswith(".toml"):
                total += os.path.getsize(os.path.join(dirpath, name))
                files += 1
    return files, total


# --- Reporting --------------------------------------------------------------------


def machine():
    model = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    mem_kib = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs ({model}), {mem_kib / 1024 / 1024:.1f} GiB, {platform.system()} "
        f"{platform.release()}, {rustc}, commit {commit.stdout.strip()}{' with changes to src/' if dirty else ''}, "
        f"{datetime.date.today().isoformat()}"
    )


def s(seconds):
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def mb(kib):
    return f"{kib / 1024:.0f} MiB"


def table(header, rows):
    """A Markdown table, the first column left-aligned and the others right-aligned."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


# --- national ---------------------------------------------------------------------


def national(args):
    kaohe, floor = binaries() if args.no_build else build()
    sizes = [n for n in (args.sizes or SIZES) if not (args.quick and n > 3000)]
    env_default = {k: v for k, v in os.environ.items() if k != "RAYON_NUM_THREADS"}
    env_one = dict(env_default, RAYON_NUM_THREADS="1")
    work = args.keep or tempfile.mkdtemp(prefix="kaohe-bench-")
    os.makedirs(work, exist_ok=True)
    print(f"<!-- python3 scripts/bench.py national {' '.join(sys.argv[2:])} -->")
    print(f"Machine: {machine()}. Median of {args.runs} runs, wall clock; workspaces in {work}.\n")
    rows = []
    figures = {}
    try:
        for n in sizes:
            ws = os.path.join(work, f"national-{n}")
            gen_national.write_national(ws, n)
            files, size = tree_bytes(ws)
            check = subprocess.run([kaohe, "check"], cwd=ws, capture_output=True, text=True)
            if check.returncode != 0 or check.stderr or not check.stdout.startswith("ok:"):
                sys.exit(f"kaohe check is not clean on {ws}:\n{check.stdout}{check.stderr[:2000]}")
            print(f"<!-- {n} entities: {check.stdout.strip()} -->", flush=True)
            # One untimed pass so that every run reads the files from the page cache.
            run_once([floor, "rules", "data"], ws)
            f = {"files": files, "bytes": size}
            f["floor"] = measure([floor, "rules", "data"], ws, args.runs)
            if n <= PY_FLOOR_UP_TO:
                f["py"] = measure([sys.executable, "-c", PY_FLOOR, "rules", "data"], ws, args.runs)
            f["check"] = measure([kaohe, "check"], ws, args.runs)
            f["json"] = measure([kaohe, "eval", "--format", "json"], ws, args.runs, env=env_default)
            f["csv"] = measure([kaohe, "eval", "--format", "csv"], ws, args.runs, env=env_default)
            if n == 3000:
                f["pinned"] = measure([kaohe, "eval", "--format", "json"], ws, args.runs, env=env_default, pin=True)
                f["same"] = {}
                for fmt in ("json", "csv"):
                    cmd = [kaohe, "eval", "--format", fmt]
                    one, many = output_hash(cmd, ws, env_one), output_hash(cmd, ws, env_default)
                    f["same"][fmt] = (one == many, many[1])
            figures[n] = f
            rows.append(
                [
                    f"{n:,}",
                    f"{files:,}",
                    f"{size / 1e6:.1f} MB",
                    s(f["floor"][0]),
                    s(f["check"][0]),
                    s(f["json"][0]),
                    s(f["csv"][0]),
                    f"{f['json'][0] / f['floor'][0]:.2f}×",
                    s(f["json"][2]),
                    mb(f["json"][1]),
                    mb(f["csv"][1]),
                    f"{f['json'][1] * 1024 / size:.2f}×",
                ]
            )
            if not args.keep:
                shutil.rmtree(ws)
        print()
        print(
            table(
                [
                    "entities",
                    "files",
                    "input",
                    "parse floor",
                    "check",
                    "eval json",
                    "eval csv",
                    "json ÷ floor",
                    "json CPU",
                    "json peak",
                    "csv peak",
                    "json peak ÷ input",
                ],
                rows,
            )
        )
        stress = {}
        if not args.no_stress:
            for k in STRESS:
                if stress and list(stress.values())[-1] is None:
                    stress[k] = None  # the smaller case was cut off already
                    continue
                ws = os.path.join(work, f"stress-{k}")
                gen_national.write_stress(ws, k)
                runs = []
                for _ in range(args.runs):
                    try:
                        runs.append(run_once([kaohe, "eval", "--format", "json"], ws, timeout=args.stress_timeout))
                    except Timeout:
                        runs = None
                        break
                    if runs[-1][0] > REPEAT_BELOW_S:
                        break
                stress[k] = tuple(statistics.median(r[i] for r in runs) for i in range(3)) if runs else None
                if not args.keep:
                    shutil.rmtree(ws)
            cut = f"> {args.stress_timeout:.0f} s (cut off)"
            print()
            print(
                table(
                    ["solver stress: raw inputs", "eval json", "CPU", "peak"],
                    [
                        [f"{k:,}", *((s(t[0]), s(t[2]), mb(t[1])) if t else (cut, "", ""))]
                        for k, t in stress.items()
                    ],
                )
            )
        print()
        print(ratios(figures, stress, args))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def ratios(figures, stress, args):
    lines = []
    if 3000 in figures:
        f = figures[3000]
        lines.append(
            f"- 3,000 entities, eval json ÷ parse floor: **{f['json'][0] / f['floor'][0]:.2f}×** "
            f"(target ≤ 1.5×); eval csv ÷ floor: {f['csv'][0] / f['floor'][0]:.1f}×; in CPU time (user + system), "
            f"json {f['json'][2] / f['floor'][2]:.1f}× the floor's {s(f['floor'][2])}; the floor peaks at {mb(f['floor'][1])}"
        )
        p = f["pinned"]
        lines.append(
            f"- 3,000 entities pinned to one core (`taskset -c 0`): eval json {s(p[0])} (CPU {s(p[2])}), peak {mb(p[1])}; "
            f"{p[0] / f['json'][0]:.2f}× the unpinned run, {p[0] / f['floor'][0]:.1f}× the floor"
        )
        same = ", ".join(
            f"{fmt} {'identical' if ok else '**DIFFERENT**'} ({size / 1e6:.0f} MB)" for fmt, (ok, size) in f["same"].items()
        )
        lines.append(f"- 3,000 entities, output with RAYON_NUM_THREADS=1 vs the default: {same}")
    if 1000 in figures and 10000 in figures:
        lines.append(
            f"- eval json time 10,000 ÷ 1,000 entities: **{figures[10000]['json'][0] / figures[1000]['json'][0]:.1f}** "
            f"(target < 11); eval csv: {figures[10000]['csv'][0] / figures[1000]['csv'][0]:.1f}"
        )
    if 10000 in figures:
        f = figures[10000]
        lines.append(
            f"- 10,000 entities, peak memory ÷ input size: eval json **{f['json'][1] * 1024 / f['bytes']:.2f}×**, "
            f"eval csv {f['csv'][1] * 1024 / f['bytes']:.2f}×, check {f['check'][1] * 1024 / f['bytes']:.2f}× (target ≤ 1.5×)"
        )
    for n, f in figures.items():
        if "py" in f:
            lines.append(
                f"- {n:,} entities: Python's tomllib only parsing the same files takes {s(f['py'][0])}, "
                f"{f['py'][0] / f['json'][0]:.1f}× kaohe's whole eval json (a floor under any plain Python evaluator)"
            )
    if len(stress) == 2:
        (k1, t1), (k2, t2) = ((k, t and t[0]) for k, t in stress.items())
        if t1 is not None and t2 is not None:
            lines.append(
                f"- solver stress, {k2:,} ÷ {k1:,} inputs: **{t2 / t1:.1f}×** the time for {k2 / k1:.0f}× the inputs "
                f"(target: at most linear)"
            )
        elif t1 is not None:
            lines.append(
                f"- solver stress, {k2:,} ÷ {k1:,} inputs: more than {args.stress_timeout / t1:.1f}× the time "
                f"for {k2 / k1:.0f}× the inputs (cut off; target: at most linear)"
            )
    return "\n".join(lines)


# --- profile ----------------------------------------------------------------------


def profile(args):
    if not shutil.which("callgrind_annotate"):
        sys.exit("profile needs valgrind (callgrind and callgrind_annotate)")
    if args.from_file:
        out, wall = args.from_file, None
    else:
        kaohe, _ = binaries() if args.no_build else build()
        work = tempfile.mkdtemp(prefix="kaohe-profile-")
        ws = os.path.join(work, "ws")
        gen_national.write_national(ws, args.entities)
        out = args.save or os.path.join(work, "callgrind.out")
        start = time.perf_counter()
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", kaohe, "eval", "--format", args.format],
            cwd=ws,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
    print(f"<!-- python3 scripts/bench.py profile {' '.join(sys.argv[2:])} -->")
    if wall is not None:
        print(
            f"callgrind, `kaohe eval --format {args.format}` on {args.entities:,} entities "
            f"({wall:.0f} s under valgrind); {machine()}.\n"
        )
    for inclusive in (True, False):
        text = subprocess.run(
            ["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100", out],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        total, rows = annotate_rows(text)
        if not inclusive:
            # The same function may come from two objects (libc's `free` and valgrind's).
            merged = {}
            for ir, name in rows:
                merged[short(name)] = merged.get(short(name), 0) + ir
            rows = sorted(((ir, name) for name, ir in merged.items()), reverse=True)
        picked = []
        for ir, name in rows:
            name = short(name)
            if inclusive and not own_frame(name):
                continue
            picked.append([f"`{name}`", f"{ir / total * 100:.1f}%"])
            if len(picked) == args.top:
                break
        if inclusive:
            print(
                f"Total {total:,} instructions. kaohe's own functions by inclusive cost (the function and "
                f"everything it calls; recursive re-entries left out, as callgrind counts them twice):\n"
            )
        else:
            print("Every function by self cost (its own instructions only):\n")
        print(table(["function", "share"], picked))
        print()
    if not args.from_file:
        shutil.rmtree(work, ignore_errors=True)


def annotate_rows(text):
    total = None
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if total is None and line.endswith("PROGRAM TOTALS"):
            total = int(line.split()[0].replace(",", ""))
            continue
        parts = line.split(None, 1)
        if total is None or len(parts) != 2 or not parts[0].replace(",", "").isdigit():
            continue
        name = parts[1]
        # "(12.3%)  file:function [object]" in newer callgrind_annotate output.
        if name.startswith("("):
            name = name.split(")", 1)[1].strip()
        rows.append((int(parts[0].replace(",", "")), name))
    if total is None:
        sys.exit("callgrind_annotate printed no PROGRAM TOTALS")
    return total, rows


def own_frame(name):
    """A kaohe function (or a drop of a kaohe type), not a recursive re-entry ('2)
    and not the frames that wrap the whole run."""
    if "kaohe::" not in name or name in ("kaohe::main", "kaohe::run"):
        return False
    return not (len(name) > 2 and name[-2] == "'" and name[-1].isdigit())


def short(name):
    """Drop the file prefix and the object suffix of a callgrind_annotate line."""
    if name.endswith("]") and " [" in name:
        name = name.rsplit(" [", 1)[0]
    if name.startswith("???:"):
        name = name[4:]
    elif ":" in name and name.split(":", 1)[0].endswith((".rs", ".c", ".S", ".h")):
        name = name.split(":", 1)[1]
    return name


# --- big-file ---------------------------------------------------------------------

BIG_RAW = [f"m{i:02d}" for i in range(40)]


def write_big_file(path, target_bytes=16 * 1024 * 1024):
    os.makedirs(os.path.join(path, "rules"))
    os.makedirs(os.path.join(path, "data"))
    with open(os.path.join(path, "rules", "metrics.toml"), "w") as f:
        for m in BIG_RAW:
            f.write(f'[metric.{m}]\nunit = "件"\n')
    with open(os.path.join(path, "rules", "set.toml"), "w") as f:
        f.write('id = "set"\nperiod = "2999"\n[[rule]]\nid = "r"\nmetric = "m00"\nop = ">="\ntarget = "m00@prev"\n')
    size = 0
    with open(os.path.join(path, "data", "big.toml"), "w") as f:
        f.write('id = "big"\n')
        year = 1000
        while size < target_bytes:
            chunk = f"\n[period.{year}]\n" + "".join(
                f'{m} = {{ value = {year}.5, source = "示例{year}件" }}\n' for m in BIG_RAW
            )
            f.write(chunk)
            size += len(chunk.encode())
            year += 1
    return year - 1000


def big_file(args):
    kaohe, floor = binaries() if args.no_build else build()
    with tempfile.TemporaryDirectory() as tmp:
        periods = write_big_file(tmp)
        size = os.path.getsize(os.path.join(tmp, "data", "big.toml"))
        print(f"One data file of {size / 1024 / 1024:.1f} MiB, {periods} periods; {machine()}.\n")
        rows = []
        for label, cmd in (
            ("parse floor", [floor, "rules", "data"]),
            ("`kaohe check`", [kaohe, "check"]),
            ("`kaohe eval --format json`", [kaohe, "eval", "--format", "json"]),
        ):
            t, peak, cpu = measure(cmd, tmp, args.runs)
            rows.append([label, s(t), s(cpu), mb(peak)])
        print(table(["command", "median", "CPU", "peak memory"], rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--no-build", action="store_true", help="use the release binaries already built")
    p = sub.add_parser("national", parents=[common], help="the national-scale benchmark (issue 7)")
    p.add_argument("--runs", type=int, default=3, help="runs per figure, the median is shown (default 3)")
    p.add_argument("--quick", action="store_true", help="skip the 10,000-entity workspace")
    p.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")], help="entity counts, e.g. 300,3000")
    p.add_argument("--no-stress", action="store_true", help="skip the solver stress case")
    p.add_argument("--stress-timeout", type=float, default=120, help="seconds before a stress run is cut off")
    p.add_argument("--keep", metavar="DIR", help="write the workspaces into DIR and keep them")
    p = sub.add_parser("profile", parents=[common], help="callgrind profile of one eval run")
    p.add_argument("--entities", type=int, default=300)
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--top", type=int, default=15, help="functions listed (default 15)")
    p.add_argument("--save", metavar="FILE", help="keep the callgrind output as FILE")
    p.add_argument("--from", dest="from_file", metavar="FILE", help="only summarise an earlier callgrind output")
    p = sub.add_parser("big-file", parents=[common], help="one data file of about 16 MiB")
    p.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    {"national": national, "profile": profile, "big-file": big_file}[args.command](args)


if __name__ == "__main__":
    main()
