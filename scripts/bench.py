#!/usr/bin/env python3
"""Benchmark kaohe on a generated workspace and print the timings.

Usage: python3 scripts/bench.py [--entities N] [--periods P] [--runs R] [--big-file]

Builds a synthetic workspace in a temporary folder (N entities with P yearly periods
of 40 raw metrics each, 10 derived metrics, 12 rule sets of 15 rules), then times
`kaohe check` and `kaohe eval --format json` with the release binary. With
--big-file it also times one data file of about 16 MiB (CONTRACT §9's limit).
The figures are recorded by hand in docs/PERFORMANCE.md; nothing here asserts a time.
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RAW = [f"m{i:02d}" for i in range(40)]


def write_workspace(path, entities, periods):
    rules = os.path.join(path, "rules")
    data = os.path.join(path, "data")
    os.makedirs(rules)
    os.makedirs(data)
    with open(os.path.join(rules, "metrics.toml"), "w") as f:
        for m in RAW:
            f.write(f'[metric.{m}]\nname = "指标{m}"\nunit = "件"\n\n')
        for i in range(10):
            a, b = RAW[i], RAW[i + 10]
            f.write(f'[metric.d{i}]\nunit = "%"\nformula = "{a} / ({a} + {b}) * 100"\n\n')
    rng = random.Random(2015)
    for s in range(12):
        with open(os.path.join(rules, f"set{s:02d}.toml"), "w") as f:
            f.write(f'id = "set{s:02d}"\nperiod = "{2000 + periods - 1}"\npass_score = 8\n\n')
            for r in range(15):
                metric = rng.choice(RAW + [f"d{i}" for i in range(10)])
                scoring = rng.choice(["all", "linear"])
                f.write(f'[[rule]]\nid = "r{r}"\ngroup = "g{r % 3}"\nmetric = "{metric}"\nop = ">="\n')
                f.write(f'target = "{metric}@prev * 1.05"\nscoring = "{scoring}"\n\n')
    for e in range(entities):
        with open(os.path.join(data, f"e{e:05d}.toml"), "w") as f:
            f.write(f'id = "e{e:05d}"\nname = "城市{e}"\nkind = "prefecture"\n')
            for p in range(periods):
                f.write(f"\n[period.{2000 + p}]\n")
                for m in RAW:
                    v = rng.randint(1, 5000)
                    if rng.random() < 0.1:
                        f.write(f'{m} = {{ at_least = {v}, source = "{v}余件" }}\n')
                    else:
                        f.write(f"{m} = {v}.{rng.randint(0, 99):02d}\n")


def write_big_file(path, target_bytes=16 * 1024 * 1024):
    os.makedirs(os.path.join(path, "rules"))
    os.makedirs(os.path.join(path, "data"))
    with open(os.path.join(path, "rules", "metrics.toml"), "w") as f:
        for m in RAW:
            f.write(f'[metric.{m}]\nunit = "件"\n')
    with open(os.path.join(path, "rules", "set.toml"), "w") as f:
        f.write('id = "set"\nperiod = "2999"\n[[rule]]\nid = "r"\nmetric = "m00"\nop = ">="\ntarget = "m00@prev"\n')
    size = 0
    with open(os.path.join(path, "data", "big.toml"), "w") as f:
        f.write('id = "big"\n')
        year = 1000
        while size < target_bytes:
            chunk = f"\n[period.{year}]\n" + "".join(f'{m} = {{ value = {year}.5, source = "示例{year}件" }}\n' for m in RAW)
            f.write(chunk)
            size += len(chunk.encode())
            year += 1
    return year - 1000


def time_cmd(args, cwd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if out.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed: {out.stderr.decode()[:2000]}")
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1000)
    ap.add_argument("--periods", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-file", action="store_true")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "kaohe")
    with tempfile.TemporaryDirectory() as tmp:
        write_workspace(tmp, args.entities, args.periods)
        figures = args.entities * args.periods * len(RAW)
        print(f"workspace: {args.entities} entities x {args.periods} periods x {len(RAW)} metrics = {figures} figures, 12 rule sets x 15 rules")
        for cmd in (["check"], ["eval", "--format", "json"], ["eval"]):
            med, best = time_cmd([exe, *cmd], tmp, args.runs)
            print(f"  kaohe {' '.join(cmd):<20} median {med * 1000:8.1f} ms   best {best * 1000:8.1f} ms")
    if args.big_file:
        with tempfile.TemporaryDirectory() as tmp:
            periods = write_big_file(tmp)
            size = os.path.getsize(os.path.join(tmp, "data", "big.toml"))
            print(f"one data file: {size / 1024 / 1024:.1f} MiB, {periods} periods")
            for cmd in (["check"], ["eval", "--format", "json"]):
                med, best = time_cmd([exe, *cmd], tmp, max(1, args.runs // 2))
                print(f"  kaohe {' '.join(cmd):<20} median {med * 1000:8.1f} ms   best {best * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
