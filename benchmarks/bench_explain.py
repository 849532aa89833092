"""Time to explain IMDB test reviews, against the time to predict them.

Trains the LSTM pipeline (``TextVectorizer(max_features=10000) ->
SequencePadder(maxlen=500) -> LSTMClassifier(epochs=5)``) on the full training
split, then times ``predict_proba`` and :func:`skrnn.inspection.explain`
(integrated gradients with the default steps, and occlusion) on the same
test reviews, alternating, and stores the medians. About 3 minutes on 2 cores.

    python benchmarks/bench_explain.py [--n 1000] [--repeats 3]
"""

import argparse
import statistics

import numpy as np
from _common import data_home, machine, seconds, write_section


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from skrnn.compare import make_model
    from skrnn.datasets import load_imdb_sample
    from skrnn.inspection import explain

    X_train, y_train, X_test, _ = load_imdb_sample(data_home=data_home(), random_state=0)
    model = make_model("lstm", epochs=5, max_features=10000, maxlen=500, validation_split=0.0).fit(X_train, y_train)
    texts = X_test[: args.n]
    model.predict_proba(texts[:10])
    explain(model, texts[:10])  # traces the gradient function, as predict_proba's first call traces its own
    times = {"predict_proba": [], "explain (integrated gradients)": [], "explain (occlusion)": []}
    for _ in range(args.repeats):
        times["predict_proba"].append(seconds(lambda: model.predict_proba(texts)))
        times["explain (integrated gradients)"].append(seconds(lambda: explain(model, texts)))
        times["explain (occlusion)"].append(seconds(lambda: explain(model, texts, method="occlusion")))
    explanations = explain(model, texts)
    deltas = np.array([e.proba - e.baseline_proba for e in explanations])
    gaps = np.array([abs(np.nansum(e.scores) - d) for e, d in zip(explanations, deltas)])
    outside = int(np.sum(gaps > 0.01 * np.abs(deltas) + 1e-6))  # explain's own acceptance rule
    relative = gaps / np.maximum(np.abs(deltas), 1e-12)
    base = statistics.median(times["predict_proba"])
    lines = [
        "The LSTM pipeline (5 epochs, vocabulary 10,000, maxlen 500) trained on the full IMDB training split; "
        f"{args.n:,} test reviews; medians of {args.repeats} alternating runs; {machine()}.",
        f"Command: `python benchmarks/bench_explain.py --n {args.n} --repeats {args.repeats}`.",
        "",
        "| what | seconds | x predict_proba |",
        "|---|---:|---:|",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {median:.1f} | {median / base:.1f}x |")
    large = np.abs(deltas) >= 1e-4
    lines += ["", "Integrated gradients' completeness on these reviews (the scores' sum against f(text) - "
              f"f(baseline)): median relative gap {np.median(relative):.5f}; largest "
              f"{relative[large].max() if large.any() else 0:.4f} among the {int(large.sum()):,} reviews whose "
              f"f(text) - f(baseline) is at least 1e-4; {outside} review(s) outside explain's rule (1% plus 1e-6, "
              "float32's floor)."]
    print("\n".join(lines))
    write_section("explain", "\n".join(lines))


if __name__ == "__main__":
    main()
