"""Soak: 50 fit / predict cycles of a small pipeline in one process.

Reports the process's RSS growth and the number of live Keras models,
the figures the soak test (tests/test_soak.py) asserts on.

    python benchmarks/bench_soak.py [--cycles 50]
"""

import argparse
import gc
import sys
import time

import psutil
from _common import REPO, machine, write_section

sys.path.insert(0, str(REPO))
from tests.conftest import LABELS, TEXTS  # noqa: E402
from tests.test_soak import live_keras_models, small_pipeline  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=50)
    args = parser.parse_args()
    proc = psutil.Process()
    for i in range(3):
        small_pipeline(i).fit(TEXTS, LABELS).predict(TEXTS)
    gc.collect()
    rss0, models0, start = proc.memory_info().rss, live_keras_models(), time.perf_counter()
    rows = []
    for i in range(args.cycles):
        small_pipeline(i).fit(TEXTS, LABELS).predict_proba(TEXTS)
        if (i + 1) % 10 == 0:
            gc.collect()
            rows.append((i + 1, (proc.memory_info().rss - rss0) / 2**20, live_keras_models() - models0))
            print(rows[-1], flush=True)
    seconds = time.perf_counter() - start
    lines = [f"{args.cycles} fit / predict cycles of `TextVectorizer -> SequencePadder -> LSTMClassifier` "
             f"(tests/test_soak.py's pipeline) in one process; {machine()}; {seconds:.0f} s in all.",
             "Command: `python benchmarks/bench_soak.py`.", "",
             "| cycles | RSS growth MiB | live Keras models added |", "|---:|---:|---:|"]
    lines += [f"| {n} | {mib:.0f} | {models} |" for n, mib, models in rows]
    write_section("soak", "\n".join(lines))


if __name__ == "__main__":
    main()
