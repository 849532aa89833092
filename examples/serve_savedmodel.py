"""Serve an exported skrnn pipeline over HTTP: ``POST /predict`` with texts, get labels and probabilities.

The server needs TensorFlow and the Python standard library only: no
skrnn, scikit-learn or scikeras. It loads the SavedModel that
``skrnn.export.save`` wrote and answers

    POST /predict   {"texts": ["a great film", "dull"]}
    -> 200 {"labels": ["pos", "neg"], "probabilities": [[0.1, 0.9], [0.8, 0.2]], "classes": ["neg", "pos"]}

(a regressor answers ``{"predictions": [...]}``), and ``GET /health`` with
``{"status": "ok"}``. A bad request gets a 4xx answer with a JSON
``{"error": ...}`` saying what was wrong: a body that is not JSON, no
``texts`` list, a text that is not a string, more texts than
``--max-batch``, a body over ``--max-bytes``.

    python examples/serve_savedmodel.py EXPORT_FOLDER [--host 127.0.0.1] [--port 8080] [--max-batch 256]
    python examples/serve_savedmodel.py --demo      # exports a small model trained on IMDB reviews, then serves it
    python examples/serve_savedmodel.py --pickle PIPELINE.joblib   # a pickled scikit-learn pipeline instead

``--pickle`` serves a pickled classifier pipeline (``predict_proba``) the
same way, for a comparison; it needs the libraries the pipeline was
pickled with (for a skrnn pipeline, skrnn).

The standard library's threaded HTTP server keeps this example free of web
frameworks; behind a real deployment, TF Serving serves the same SavedModel
(docs/user-guide.md, "Ship a model").
"""

import argparse
import json
import os
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MAX_BATCH = 256
MAX_BYTES = 1 << 20


class Predictor:
    """The SavedModel's serving signature, called on a list of strings."""

    def __init__(self, folder):
        import tensorflow as tf

        folder = Path(folder)
        self.metadata = json.loads((folder / "skrnn_export.json").read_text(encoding="utf-8"))
        self._tf = tf
        self._serve = tf.saved_model.load(str(folder / "saved_model")).signatures["serving_default"]

    def __call__(self, texts):
        out = self._serve(texts=self._tf.constant(texts, dtype=self._tf.string))
        answer = {name: value.numpy().tolist() for name, value in out.items()}
        if "labels" in answer and self.metadata["task"] == "classification":
            answer["labels"] = [label.decode("utf-8") for label in answer["labels"]]
            answer["classes"] = self.metadata["classes"]
        return answer


class PicklePredictor:
    """A pickled scikit-learn classifier pipeline's ``predict_proba``, answered as the SavedModel is."""

    def __init__(self, path):
        import joblib

        self.model = joblib.load(path)
        self.metadata = {"task": "classification", "classes": [str(c) for c in self.model.classes_]}

    def __call__(self, texts):
        proba = self.model.predict_proba(texts)
        labels = [self.metadata["classes"][i] for i in proba.argmax(axis=1)]
        return {"probabilities": proba.tolist(), "labels": labels, "classes": self.metadata["classes"]}


def read_texts(body, max_batch):
    """The texts of a request body, or ``(status, message)`` saying what is wrong with it."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, (HTTPStatus.BAD_REQUEST, f"the body is not JSON ({exc}); send {{\"texts\": [\"...\"]}}.")
    texts = payload.get("texts") if isinstance(payload, dict) else None
    if not isinstance(texts, list) or not texts:
        return None, (HTTPStatus.BAD_REQUEST, "the body needs \"texts\": a non-empty list of strings.")
    wrong = [i for i, text in enumerate(texts) if not isinstance(text, str)]
    if wrong:
        return None, (HTTPStatus.UNPROCESSABLE_ENTITY,
                      f"every text must be a string; texts {wrong[:5]} are not.")
    if len(texts) > max_batch:
        return None, (HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                      f"{len(texts)} texts is more than this server's limit of {max_batch}; send smaller batches.")
    return texts, None


def make_handler(predictor, max_batch=MAX_BATCH, max_bytes=MAX_BYTES):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status, payload):
            body = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - the standard library's name
            if self.path == "/health":
                return self._answer(HTTPStatus.OK, {"status": "ok", "task": predictor.metadata["task"]})
            return self._answer(HTTPStatus.NOT_FOUND, {"error": "GET /health or POST /predict."})

        def do_POST(self):  # noqa: N802 - the standard library's name
            if self.path != "/predict":
                return self._answer(HTTPStatus.NOT_FOUND, {"error": "POST /predict."})
            length = int(self.headers.get("Content-Length") or 0)
            if length > max_bytes:
                return self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                    {"error": f"the body is {length} bytes, over the limit of {max_bytes}."})
            texts, problem = read_texts(self.rfile.read(length), max_batch)
            if problem:
                return self._answer(problem[0], {"error": problem[1]})
            return self._answer(HTTPStatus.OK, predictor(texts))

        def log_message(self, *args):  # quiet: one line per request is the caller's choice
            pass

    return Handler


def demo_export(folder):
    """Train a small LSTM pipeline on 2,000 IMDB reviews and export it to ``folder`` (needs skrnn)."""
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.datasets import load_imdb_sample
    from skrnn.export import save

    X, y, _, _ = load_imdb_sample(2000, n_test=2)
    pipe = make_pipeline(TextVectorizer(max_features=10000), SequencePadder(maxlen=200),
                         LSTMClassifier(random_state=0)).fit(X, ["pos" if label else "neg" for label in y])
    return save(pipe, folder)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", nargs="?", help="what skrnn.export.save wrote")
    p.add_argument("--demo", action="store_true", help="export a small IMDB model to ./demo-export first")
    p.add_argument("--pickle", default=None, help="serve a pickled classifier pipeline (joblib) instead")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="0 picks a free port (printed on start)")
    p.add_argument("--max-batch", type=int, default=MAX_BATCH)
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    args = p.parse_args(argv)
    if args.demo and not args.folder:
        args.folder = demo_export("demo-export") if not Path("demo-export").exists() else "demo-export"
    if not args.folder and not args.pickle:
        p.error("give the folder skrnn.export.save wrote, --pickle FILE, or --demo")
    predictor = PicklePredictor(args.pickle) if args.pickle else Predictor(args.folder)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(predictor, args.max_batch, args.max_bytes))
    print(f"serving {args.pickle or args.folder} on http://{args.host}:{server.server_address[1]}/predict", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
