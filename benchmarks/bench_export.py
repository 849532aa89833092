"""Shipping a model: the exported SavedModel against the pickled pipeline and TF-IDF, in-process and over HTTP.

Trains the LSTM pipeline (``TextVectorizer(max_features=10000) ->
SequencePadder(maxlen=500) -> LSTMClassifier(random_state=0)``, every other
setting at its default) and a TF-IDF + LogisticRegression pipeline on a
stratified sample of IMDB's training reviews, exports the LSTM pipeline
with ``skrnn.export.save``, then measures:

- exactness: the exported model's probabilities against ``predict_proba``
  on the 25,000 test reviews (largest absolute difference), and its token
  ids against the pipeline's first two steps;
- single-text latency (p50, p99 over ``--calls`` calls, the three taking
  turns) and batch throughput (texts per second on batches of 1,000, median
  of 3), called in-process: the SavedModel's signature loaded with
  ``tf.saved_model.load``, the pickled pipeline's ``predict_proba``, the
  pickled TF-IDF pipeline's;
- the same through ``examples/serve_savedmodel.py`` on 127.0.0.1, one
  server process per model, one request at a time, and each server's
  resident memory after the calls;
- the artefacts' sizes on disk.

    python benchmarks/bench_export.py [--train 5000] [--calls 200]
"""

import argparse
import json
import os
import pickle
import platform
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from pathlib import Path

import numpy as np
from _common import REPO, data_home, machine, write_section

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def folder_bytes(path):
    path = Path(path)
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentiles(seconds):
    return 1000 * np.percentile(seconds, 50), 1000 * np.percentile(seconds, 99)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args):
    import psutil

    port = free_port()
    command = [sys.executable, str(REPO / "examples" / "serve_savedmodel.py"), *args, "--port", str(port),
               "--max-batch", "1000", "--max-bytes", str(64 << 20)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/health", timeout=5).read()
            return process, url, psutil.Process(process.pid)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server {args} did not start")


def post(url, texts):
    body = json.dumps({"texts": texts}).encode()
    request = urllib.request.Request(url + "/predict", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def alternate(calls, n):
    """Each callable ``n`` times, taking turns; per callable, the list of seconds."""
    seconds = {name: [] for name in calls}
    for _ in range(n):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def unicode_differences():
    """Where Python's and TensorFlow's Unicode tables disagree, over every code point: a count per kind."""
    import collections
    import re
    import unicodedata

    import tensorflow as tf

    chars = [chr(c) for c in range(0x20, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    kinds, examples = collections.Counter(), {}
    lowered = tf.strings.lower(tf.constant(chars), encoding="utf-8").numpy()
    word = tf.strings.regex_full_match(tf.constant(chars), r"[\pL\pN_]").numpy()
    python_word = re.compile(r"\w")
    for char, low, is_word in zip(chars, lowered, word):
        category = unicodedata.category(char)
        if char.lower() != low.decode("utf-8"):
            kind = f"lower-cased by Python only (category {category})"
            kinds[kind] += 1
            examples.setdefault(kind, char)
        if bool(python_word.fullmatch(char)) != bool(is_word):
            side = "TensorFlow" if is_word else "Python"
            kind = f"a word character for {side} only (category {category} in Python's tables)"
            kinds[kind] += 1
            examples.setdefault(kind, char)
    return [(kind, n, f"U+{ord(examples[kind]):04X}") for kind, n in kinds.most_common()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    import joblib
    import tensorflow as tf
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.datasets import load_imdb, load_imdb_sample
    from skrnn.export import save

    X, y, _, _ = load_imdb_sample(args.train, n_test=2, data_home=data_home())
    test = load_imdb("test", data_home=data_home(), verbose=False)
    lstm = make_pipeline(TextVectorizer(max_features=10000), SequencePadder(maxlen=500),
                         LSTMClassifier(random_state=0)).fit(X, y)
    tfidf = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2), LogisticRegression(C=10, max_iter=1000))
    tfidf.fit(X, y)
    scratch = Path(tempfile.mkdtemp())
    export = save(lstm, scratch / "export")
    joblib.dump(lstm, scratch / "lstm.joblib")
    joblib.dump(tfidf, scratch / "tfidf.joblib")
    sizes = {"exported LSTM (SavedModel)": folder_bytes(export / "saved_model"),
             "exported LSTM (.keras)": folder_bytes(export / "model.keras"),
             "pickled LSTM pipeline": folder_bytes(scratch / "lstm.joblib"),
             "pickled TF-IDF pipeline": folder_bytes(scratch / "tfidf.joblib")}

    loaded = tf.saved_model.load(str(export / "saved_model"))
    serve, token_ids = loaded.signatures["serving_default"], loaded.signatures["token_ids"]
    reloaded_lstm, reloaded_tfidf = pickle.loads(pickle.dumps(lstm)), pickle.loads(pickle.dumps(tfidf))

    def exported_proba(texts):
        return serve(texts=tf.constant(texts))["probabilities"].numpy()

    texts = list(test.data)
    differences, mismatched = [], 0
    for start in range(0, len(texts), 1000):
        batch = texts[start:start + 1000]
        differences.append(np.abs(exported_proba(batch) - lstm.predict_proba(batch)).max())
        ids = token_ids(texts=tf.constant(batch))["token_ids"].numpy()
        mismatched += int((ids != lstm[:2].transform(batch)).any(axis=1).sum())
    print(f"largest probability difference {max(differences):.2e}; texts with other ids: {mismatched}", flush=True)

    rng = np.random.default_rng(0)
    singles = [[texts[i]] for i in rng.integers(0, len(texts), args.calls)]
    batches = [texts[i:i + 1000] for i in (0, 5000, 10000)]
    names = ("exported LSTM", "pickled LSTM pipeline", "TF-IDF + LR pipeline")
    predictors = dict(zip(names, (exported_proba, reloaded_lstm.predict_proba, reloaded_tfidf.predict_proba)))
    for predict in predictors.values():  # warm-up: tracing and first calls are not timed
        predict(singles[0])
        predict(batches[0][:100])
    it = iter(range(10**9))
    latency = alternate({n: (lambda p=p: p(singles[next(it) % len(singles)])) for n, p in predictors.items()},
                        args.calls)
    throughput = {n: [] for n in names}
    for batch in batches:
        for name, seconds in alternate({n: (lambda p=p, b=batch: p(b)) for n, p in predictors.items()}, 1).items():
            throughput[name].append(len(batch) / seconds[0])

    servers = {"exported LSTM": [str(export)], "pickled LSTM pipeline": ["--pickle", str(scratch / "lstm.joblib")],
               "TF-IDF + LR pipeline": ["--pickle", str(scratch / "tfidf.joblib")]}
    over_http, memory = {}, {}
    for name, server_args in servers.items():
        process, url, ps = start_server(server_args)
        try:
            post(url, singles[0])
            post(url, batches[0][:100])
            single = alternate({name: (lambda u=url: post(u, singles[next(it) % len(singles)]))}, args.calls)[name]
            rates = [len(b) / alternate({name: (lambda b=b, u=url: post(u, b))}, 1)[name][0] for b in batches]
            over_http[name] = (single, rates)
            memory[name] = ps.memory_info().rss / 2**20
        finally:
            process.terminate()
            process.wait(timeout=30)

    lines = [
        f"{machine()}; IMDB: {args.train:,} training reviews (a stratified sample), the 25,000 test reviews; "
        f"single-text latency over {args.calls} calls per way (the ways taking turns in one process), throughput "
        "on batches of 1,000 test reviews (median of 3); over HTTP, one server process per model on 127.0.0.1, "
        "one request at a time.",
        f"Command: `python benchmarks/bench_export.py --train {args.train} --calls {args.calls}`.",
        "",
        f"Exactness on the 25,000 test reviews: largest absolute difference of the exported model's probabilities "
        f"from `predict_proba`, {max(differences):.1e}; texts whose token ids differ, {mismatched}.",
        "",
        "| model | called | p50 ms | p99 ms | texts/s (batch 1,000) | server MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name in names:
        p50, p99 = percentiles(latency[name])
        lines.append(f"| {name} | in-process | {p50:.1f} | {p99:.1f} | {np.median(throughput[name]):,.0f} | - |")
        p50, p99 = percentiles(over_http[name][0])
        lines.append(f"| {name} | HTTP, loopback | {p50:.1f} | {p99:.1f} | {np.median(over_http[name][1]):,.0f} | "
                     f"{memory[name]:,.0f} |")
    lines += ["", f"Where Python {platform.python_version()} (Unicode {unicodedata.unidata_version}) and TensorFlow "
              f"{tf.__version__} read a character differently, over every code point (none of these occurs in the "
              "test reviews above, or in SST-5's sentences, which the test suite checks):", "",
              "| kind | code points | first |", "|---|---:|---|",
              *[f"| {kind} | {n:,} | {first} |" for kind, n, first in unicode_differences()]]
    lines += ["", "| artefact | size on disk |", "|---|---:|",
              *[f"| {name} | {size / 2**20:.1f} MiB |" for name, size in sizes.items()]]
    print("\n".join(lines))
    write_section("export", "\n".join(lines))


if __name__ == "__main__":
    main()
