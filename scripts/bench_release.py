"""`dedup release` and `dedup verify`: wall time and peak memory, against a baseline checkout in the same run.

Each measurement runs the real CLI in a child process on a fresh copy of a build folder (so peak RSS is
the child's own, from wait4), alternating the code under test and the baseline so that machine load
hits both alike. Prints the median of each and the ratio to the baseline.

    python scripts/bench_release.py --build OUT                         # this checkout only
    python scripts/bench_release.py --build OUT --baseline-src DIR      # DIR: another checkout's root
    python scripts/bench_release.py --build OUT --baseline-src DIR --repeat 5 --json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(args: list[str], src: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of `python -m dedup.cli ARGS` with `src` first on the
    path. CPU time (user + system) is the steadier figure on a machine shared with other jobs."""
    env = dict(os.environ, PYTHONPATH=str(src))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dedup.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"dedup {' '.join(args)} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024  # ru_maxrss is in KiB on Linux


# In one child: the seconds `package` and `verify` take, imports excluded, the fastest of ROUNDS runs on
# the same folder (packaging is idempotent): the minimum is what the code costs when nothing else runs.
# The older layout had both functions in dedup.release.package.
IN_PROCESS = """
import json, sys, time
from dedup.release.package import package
try:
    from dedup.release.verify import verify
except ImportError:
    from dedup.release.package import verify
best = {"package_min_s": float("inf"), "verify_min_s": float("inf")}
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter(); package(sys.argv[1]); t1 = time.perf_counter()
    problems = verify(sys.argv[1]); t2 = time.perf_counter()
    assert not problems, problems
    best = {"package_min_s": min(best["package_min_s"], t1 - t0), "verify_min_s": min(best["verify_min_s"], t2 - t1)}
print(json.dumps(best))
"""


ROUNDS = 5


def in_process(target: Path, src: Path) -> dict[str, float]:
    """The fastest `package` and `verify` of ROUNDS in one child process, without start-up and imports."""
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, str(target), str(ROUNDS)], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"in-process run failed: {done.stderr}")
    return json.loads(done.stdout)


def measure(build: Path, src: Path, scratch: Path) -> dict[str, float]:
    """One `dedup release` and one `dedup verify` of a fresh copy of `build` with the code at `src`."""
    target = scratch / build.name  # the same folder name for every copy: the default dataset name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(build, target)
    release_s, release_cpu, release_mib = run_cli(["release", str(target)], src)
    verify_s, verify_cpu, verify_mib = run_cli(["verify", str(target)], src)
    shutil.rmtree(target)
    shutil.copytree(build, target)
    timed = in_process(target, src)
    shutil.rmtree(target)
    return {"release_s": release_s, "release_cpu_s": release_cpu, "release_peak_mib": release_mib,
            "verify_s": verify_s, "verify_cpu_s": verify_cpu, "verify_peak_mib": verify_mib} | timed


def main() -> None:
    """Measure, print a table (or JSON) of medians and ratios to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, required=True, help="an unpackaged `dedup build` output folder")
    parser.add_argument("--baseline-src", type=Path, help="root of another checkout to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    codes = {"current": REPO} | ({"baseline": args.baseline_src.resolve()} if args.baseline_src else {})
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in codes}
    with tempfile.TemporaryDirectory(prefix="bench-release-") as tmp:
        for _ in range(args.repeat):
            for label, src in codes.items():
                runs[label].append(measure(args.build.resolve(), src, Path(tmp)))
    # the median of each figure, and the fastest run (the least disturbed by other jobs on the machine)
    medians = {label: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for label, rs in runs.items()}
    fastest = {label: {k: min(r[k] for r in rs) for k in rs[0]} for label, rs in runs.items()}
    ratios = ({k: round(medians["current"][k] / medians["baseline"][k], 3) for k in medians["current"]}
              if "baseline" in medians else {})
    fastest_ratios = ({k: round(fastest["current"][k] / fastest["baseline"][k], 3) for k in fastest["current"]}
                      if "baseline" in fastest else {})
    if args.json:
        print(json.dumps({"build": str(args.build), "repeat": args.repeat, "median": medians, "fastest": fastest,
                          "ratio_to_baseline": ratios, "fastest_ratio_to_baseline": fastest_ratios}, indent=2))
        return
    for label, m in medians.items():
        print(f"{label:>9}: release {m['release_s']:.2f} s ({m['release_cpu_s']:.2f} CPU s), peak "
              f"{m['release_peak_mib']:.0f} MiB; verify {m['verify_s']:.2f} s ({m['verify_cpu_s']:.2f} CPU s), "
              f"peak {m['verify_peak_mib']:.0f} MiB; in process (fastest of {ROUNDS}): package "
              f"{m['package_min_s']:.3f} s, verify {m['verify_min_s']:.3f} s")
    if ratios:
        print("    ratio of medians: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
        print("    ratio of fastest: " + ", ".join(f"{k} {v}" for k, v in fastest_ratios.items()))


if __name__ == "__main__":
    main()
