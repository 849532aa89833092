"""Soak: 50 fit / predict cycles of a small pipeline in one process.

Reports the process's RSS growth and the number of live Keras models,
the figures the soak test asserts on, over a longer run.

    python benchmarks/bench_soak.py [--cycles 50]
"""

import argparse
import gc
import time

import psutil
from _common import machine, write_section

TEXTS = ["a great film, loved it", "wonderful acting", "an awful film, hated it", "boring and dull"] * 12
LABELS = ["pos", "pos", "neg", "neg"] * 12


def live_keras_models():
    import keras

    gc.collect()
    return sum(isinstance(o, keras.Model) for o in gc.get_objects())


def small_pipeline(i):
    """A small pipeline whose sizes change from cycle to cycle (eager every other one)."""
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer

    clf = LSTMClassifier(embedding_dim=8, units=4 + i % 3, epochs=1, random_state=i, run_eagerly=bool(i % 2))
    return make_pipeline(TextVectorizer(max_features=30 + i % 7), SequencePadder(maxlen=10 + i % 5), clf)


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
             f"(sizes varying per cycle) in one process; {machine()}; {seconds:.0f} s in all.",
             "Command: `python benchmarks/bench_soak.py`.", "",
             "| cycles | RSS growth MiB | live Keras models added |", "|---:|---:|---:|"]
    lines += [f"| {n} | {mib:.0f} | {models} |" for n, mib, models in rows]
    write_section("soak", "\n".join(lines))


if __name__ == "__main__":
    main()
