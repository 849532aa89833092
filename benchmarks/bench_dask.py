"""An 8-candidate grid search: sequential against a 2-worker Dask LocalCluster.

On this machine's cores; each variant runs in turn in one process. Also
measures the cluster without TensorFlowThreads, to show what limiting each
worker's TensorFlow thread pools buys.

    python benchmarks/bench_dask.py [--n 2000]
"""

import argparse
import time

from _common import data_home, machine, write_section
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline


def search():
    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer

    return GridSearchCV(
        make_pipeline(TextVectorizer(), SequencePadder(maxlen=200), LSTMClassifier(epochs=2, random_state=0)),
        {"textvectorizer__max_features": [5000, 10000], "lstmclassifier__units": [16, 32],
         "lstmclassifier__pooling": ["last", "max"]},
        cv=2,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    import joblib
    from distributed import Client, LocalCluster

    from skrnn.datasets import load_imdb
    from skrnn.distributed import TensorFlowThreads

    X, y = load_imdb("train", data_home=data_home(), return_X_y=True)
    X, _, y, _ = train_test_split(X, y, train_size=args.n, stratify=y, random_state=0)
    times = {}
    start = time.perf_counter()
    sequential = search().fit(X, y)
    times["sequential (n_jobs=1)"] = time.perf_counter() - start
    for label, plugin in (("LocalCluster, 2 workers x 1 thread, TensorFlowThreads", True),
                          ("LocalCluster, 2 workers x 1 thread, TensorFlow default threads", False)):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            if plugin:
                client.register_plugin(TensorFlowThreads())
            client.run(lambda: __import__("skrnn").LSTMClassifier)  # start TensorFlow in the workers
            start = time.perf_counter()
            with joblib.parallel_backend("dask"):
                result = search().fit(X, y)
            times[label] = time.perf_counter() - start
        assert result.best_params_ == sequential.best_params_
        print(label, times[label], flush=True)
    base = times["sequential (n_jobs=1)"]
    lines = [f"8 candidates x 2 folds + refit, {args.n:,} IMDB training reviews, maxlen 200, 2 epochs; {machine()}.",
             "Command: `python benchmarks/bench_dask.py`. Worker start-up (TensorFlow import) is excluded.", "",
             "| run | wall s | speed-up |", "|---|---:|---:|"]
    lines += [f"| {k} | {v:.0f} | {base / v:.2f}x |" for k, v in times.items()]
    lines += ["", "The cluster's best_params_ equal the sequential run's in every variant."]
    print("\n".join(lines))
    write_section("dask", "\n".join(lines))


if __name__ == "__main__":
    main()
