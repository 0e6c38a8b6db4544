#!/usr/bin/env python3
"""Measure how kaohe's work grows with its input (issue 11).

Usage: python3 tests/growth/measure.py BINARY [BINARY...] [--only CASE]

For each case, builds the workspace at 1x and 4x its size in a temporary folder and
times `BINARY check` on both (wall clock, best of 3 for runs under 10 s), printing
the time, the ratio 4x/1x and the peak memory (max RSS of the child). Linear work
gives a ratio near 4; work that scans what came before gives 16 or more. Run it with
the release binaries to compare (before and after a change) in one run. The test
suite (tests/growth.rs) checks the same cases at smaller sizes.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

CATALOG = '[metric.a]\nunit = "件"\n[metric.b]\nunit = "件"\n'
RULES = 'id = "r"\n[[rule]]\nid = "x"\nmetric = "a"\nop = ">="\ntarget = 1\n'


def workspace(root, catalog=CATALOG, rules=RULES):
    os.makedirs(os.path.join(root, "rules"))
    os.makedirs(os.path.join(root, "data"))
    with open(os.path.join(root, "rules", "metrics.toml"), "w") as f:
        f.write(catalog)
    with open(os.path.join(root, "rules", "r.toml"), "w") as f:
        f.write(rules)


def lines(root, n):
    """n lines of `a:b:c:d` in one data file: n syntax errors."""
    workspace(root)
    with open(os.path.join(root, "data", "x.toml"), "w") as f:
        f.write("a:b:c:d\n" * n)


def chain(root, n):
    """n metrics, each the next one plus 1: deeper than kaohe evaluates. The first
    in id order is the top of the chain, so a search from it walks the whole chain."""
    parts = [f'[metric.m{i}]\nformula = "m{i + 1} + 1"\n' for i in range(n - 1)]
    parts.append(f'[metric.m{n - 1}]\nunit = "件"\n')
    workspace(root, catalog="".join(parts), rules=RULES.replace('"a"', '"m0"'))


def periods(root, n, entities=8):
    """n periods, one figure each, in a CSV file, spread over `entities` entities
    (one entity may have at most 10,000 periods)."""
    workspace(root)
    with open(os.path.join(root, "data", "entities.csv"), "w") as f:
        f.write("id,name,kind,tags\n" + "".join(f"e{e},,,\n" for e in range(entities)))
    with open(os.path.join(root, "data", "figures.csv"), "w") as f:
        f.write("entity,period,metric,value,qualifier,unit,source\n")
        for p in range(n):
            f.write(f"e{p % entities},p{p},a,{p},,,\n")


def periods_one_entity(root, n):
    """n periods of one entity in a CSV file (past 10,000, refused)."""
    periods(root, n, entities=1)


def unknown_metrics(root, n):
    """n CSV rows naming metrics that are not in a catalog of 400 (each an error with
    a "did you mean")."""
    catalog = "".join(f'[metric.indicator_number_{i}]\nunit = "件"\n' for i in range(400))
    workspace(root, catalog=catalog, rules=RULES.replace('"a"', '"indicator_number_0"'))
    with open(os.path.join(root, "data", "e.toml"), "w") as f:
        f.write('id = "e"\n')
    with open(os.path.join(root, "data", "figures.csv"), "w") as f:
        f.write("entity,period,metric,value,qualifier,unit,source\n")
        for r in range(n):
            f.write(f"e,2015,indicator_numbr_{r},1,,,\n")


def big_csv(root, mib):
    """A CSV of about `mib` MiB of short rows: 100 entities, 10 metrics, many periods."""
    catalog = "".join(f'[metric.m{j}]\nunit = "件"\n' for j in range(10))
    workspace(root, catalog=catalog, rules=RULES.replace('"a"', '"m0"'))
    with open(os.path.join(root, "data", "entities.csv"), "w") as f:
        f.write("id,name,kind,tags\n")
        for e in range(100):
            f.write(f"e{e},城市{e},prefecture,pilot\n")
    target = mib * 1024 * 1024
    with open(os.path.join(root, "data", "figures.csv"), "w") as f:
        f.write("entity,period,metric,value,qualifier,unit,source\n")
        size, p = 0, 0
        while size < target:
            for e in range(100):
                for j in range(10):
                    row = f"e{e},{p},m{j},{p + j},,,\n"
                    f.write(row)
                    size += len(row.encode())
            p += 1


CASES = {
    "lines": (lines, 12_500, "lines of `a:b:c:d` (one data file)"),
    "chain": (chain, 25_000, "metrics in one formula chain"),
    "periods": (periods, 20_000, "periods of 8 entities in one CSV"),
    "periods-one-entity": (periods_one_entity, 20_000, "periods of one entity in one CSV"),
    "unknown-metrics": (unknown_metrics, 2_500, "CSV rows naming unknown metrics"),
    "big-csv": (big_csv, 4, "MiB of CSV figures"),
}


def run(binary, root):
    """Wall time and peak RSS (KiB) of `binary check` in root."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([binary, "check"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    # ru_maxrss of children is the largest of any child so far; children run in
    # increasing size order per binary, so a new maximum is this child's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, (peak if peak > before else None), proc.returncode, len(proc.stderr)


def peak_rss(binary, root):
    """Peak RSS of one run, measured in a fresh Python child so earlier runs do not mask it."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, binary, "check"], cwd=root, capture_output=True, text=True)
    return int(out.stdout.strip())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--only", action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (make, base, what) in CASES.items():
            if args.only and name not in args.only:
                continue
            roots = []
            for factor in (1, 4):
                root = os.path.join(tmp, f"{name}-{factor}")
                make(root, base * factor)
                roots.append(root)
            print(f"## {name}: {base} and {4 * base} {what}")
            for binary in args.binaries:
                results = []
                for root in roots:
                    times = []
                    for _ in range(3):
                        elapsed, _, code, errlen = run(binary, root)
                        times.append(elapsed)
                        if elapsed > 10:
                            break
                    results.append((min(times), peak_rss(binary, root), code, errlen))
                (t1, m1, c1, e1), (t4, m4, c4, e4) = results
                print(
                    f"{binary}: 1x {t1:.3f} s {m1 / 1024:.0f} MB (exit {c1}, {e1} B stderr); "
                    f"4x {t4:.3f} s {m4 / 1024:.0f} MB (exit {c4}, {e4} B stderr); "
                    f"time ratio {t4 / t1:.1f}, memory ratio {m4 / m1:.1f}"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
