"""The README's IMDB command, timed: its wall time and peak memory on this machine.

Runs ``skrnn compare --data <IMDB archive> --sample 10000`` (the README's
first command after the install) in a child process, as a user runs it,
and stores the wall time and the child's peak resident memory. With
``--seeds 3``, the same with three seeds, as the README suggests for a
verdict.

    python benchmarks/bench_readme.py [--sample 10000] [--seeds 1,3]
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import data_home, machine, write_section


def run(archive, sample, seeds):
    """Wall seconds and peak MiB of one ``skrnn compare`` run in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "skrnn", "compare", "--data", str(archive), "--sample", str(sample),
                   "--seeds", str(seeds), "--out", out, "--quiet"]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
    # ru_maxrss of the children is the largest of any child so far, in KiB on Linux.
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=10000)
    parser.add_argument("--seeds", default="1", help="comma-separated seed counts, one run each (default: 1)")
    args = parser.parse_args()
    archive = Path(data_home()) / "aclImdb_v1_labeled.tar.gz"
    rows = []
    for seeds in [int(s) for s in args.seeds.split(",")]:
        seconds, peak = run(archive, args.sample, seeds)
        rows.append(f"| `skrnn compare --data ../shared/data/aclImdb_v1_labeled.tar.gz --sample {args.sample}"
                    f"{'' if seeds == 1 else f' --seeds {seeds}'}` | {seconds / 60:.1f} min | {peak / 1024:.1f} GB |")
        print(rows[-1], flush=True)
    lines = [
        f"{machine()}; each command in a fresh process, its report written to a temporary folder; the peak is "
        "the largest resident memory of any run so far (the child processes' maximum).",
        f"Command: `python benchmarks/bench_readme.py --sample {args.sample} --seeds {args.seeds}`.",
        "",
        "| command | wall time | peak memory |",
        "|---|---:|---:|",
        *rows,
    ]
    write_section("readme-imdb", "\n".join(lines))


if __name__ == "__main__":
    main()
