"""Accuracy against training time on the full IMDB split (25,000 / 25,000).

Trains RNN pipeline configurations and the TF-IDF + LogisticRegression
baselines in one run, stores the table in benchmarks/results/ and renders it
into docs/benchmarks.md. Configurations come in named suites, one table
each; the times are for a 2-core CPU:

    python benchmarks/bench_accuracy.py                      # --suite defaults, about 10 minutes
    python benchmarks/bench_accuracy.py --suite bigrams      # about 10 minutes
    python benchmarks/bench_accuracy.py --suite all          # every suite in turn: about 2.5 hours
    python benchmarks/bench_accuracy.py --only lstm-default-decay,tfidf-bigram --section my-table
"""

import argparse
import json

from _common import data_home, machine, write_section
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline


def _variant(base, clf=(), **config):
    """``base`` with ``config`` replaced and ``clf`` (classifier parameters) added."""
    return {**base, **config, "clf": {**base.get("clf", {}), **dict(clf)}}


# Pipelines: TextVectorizer(10,000) -> SequencePadder(500) -> the classifier's defaults unless said,
# with a fixed budget: 5 epochs (unless said) of batches of 128, patience 2 with early stopping.
_PIPELINES = {
    "simple_rnn-default": {"cell": "simple_rnn"},
    "lstm-default": {"cell": "lstm"},
    "gru-default": {"cell": "gru"},
    "bilstm-default": {"cell": "lstm", "clf": {"bidirectional": True}},
    "bigru-default": {"cell": "gru", "clf": {"bidirectional": True}},
    "bilstm-early-stopping": {"cell": "lstm", "epochs": 8, "clf": {"bidirectional": True, "early_stopping": True}},
    "lstm-early-stopping": {"cell": "lstm", "epochs": 10, "clf": {"early_stopping": True}},
    **{f"{cell}-seed{seed}": {"cell": cell, "clf": {"random_state": seed}}
       for cell in ("simple_rnn", "lstm", "gru") for seed in (1, 2)},
    "simple_rnn-early-stopping": {"cell": "simple_rnn", "epochs": 8, "clf": {"early_stopping": True}},
    **{f"simple_rnn-clip-seed{seed}": {"cell": "simple_rnn",
                                       "clf": {"optimizer__clipnorm": 1.0, "random_state": seed}}
       for seed in range(3)},
    "lstm-maxlen-1000": {"cell": "lstm", "maxlen": 1000},
    "bilstm-maxlen-1000": {"cell": "lstm", "maxlen": 1000, "clf": {"bidirectional": True}},
    "lstm-classic-recipe": {"cell": "lstm", "clf": {"dropout": 0.0, "bucket_by_length": False,
                                                    "mask_padding": False}},
}
# Each with Keras' constant learning rate and with learning_rate_decay="auto"
# (the default): "<name>-constant" and "<name>-decay".
CONFIGS = {
    "tfidf-unigram": {"baseline": "tfidf-unigram"},
    "tfidf-bigram": {"baseline": "tfidf-bigram"},
    **{f"{name}-constant": _variant(config, {"learning_rate_decay": 1.0}) for name, config in _PIPELINES.items()},
    **{f"{name}-decay": _variant(config, {"learning_rate_decay": "auto"}) for name, config in _PIPELINES.items()},
}
_BILSTM_CONSTANT = CONFIGS["bilstm-default-constant"]
_BILSTM_DECAY = CONFIGS["bilstm-default-decay"]
# Soft votes (sklearn VotingClassifier, equal weights) of whole pipelines.
CONFIGS["bilstm-3-seeds-constant"] = {"ensemble": [_variant(_BILSTM_CONSTANT, {"random_state": seed})
                                                   for seed in range(3)]}
CONFIGS["bilstm-constant+tfidf-bigram"] = {"ensemble": [_BILSTM_CONSTANT, {"baseline": "tfidf-bigram"}]}
CONFIGS["bilstm-3-seeds-decay"] = {"ensemble": [_variant(_BILSTM_DECAY, {"random_state": seed}) for seed in range(3)]}
CONFIGS["bilstm-decay-lr2e-3"] = _variant(_BILSTM_DECAY, {"learning_rate": 0.002})
CONFIGS["bilstm-decay-8-epochs"] = _variant(_BILSTM_DECAY, epochs=8)
# Larger and longer BiLSTMs.
CONFIGS["bilstm-64-decay"] = _variant(_BILSTM_DECAY, {"embedding_dim": 64, "units": 64})
CONFIGS["bilstm-20k-dropout0.4-decay-6-epochs"] = _variant(_BILSTM_DECAY, {"dropout": 0.4}, max_features=20000,
                                                           epochs=6)
# Words and bigrams as tokens (TextVectorizer(ngram_range=(1, 2))): sequences about twice as long.
_BIGRAMS = {"ngram_range": (1, 2), "max_features": 60000, "maxlen": 1000}
CONFIGS["lstm-bigrams"] = {"cell": "lstm", **_BIGRAMS}
CONFIGS["bilstm-bigrams"] = {"cell": "lstm", **_BIGRAMS, "clf": {"bidirectional": True}}
CONFIGS["gru-bigrams"] = {"cell": "gru", **_BIGRAMS}
CONFIGS["simple_rnn-bigrams"] = {"cell": "simple_rnn", **_BIGRAMS}
CONFIGS["lstm-bigrams-120k-dropout0.4"] = _variant(CONFIGS["lstm-bigrams"], {"dropout": 0.4}, max_features=120000)
CONFIGS["bilstm-bigrams-120k-dropout0.4"] = _variant(CONFIGS["bilstm-bigrams"], {"dropout": 0.4},
                                                     max_features=120000)
CONFIGS["lstm-bigrams-3-seeds"] = {"ensemble": [_variant(CONFIGS["lstm-bigrams"], {"random_state": seed})
                                                for seed in range(3)]}
CONFIGS["lstm-bigrams-mean-pooling"] = _variant(CONFIGS["lstm-bigrams"], {"pooling": "mean"})
CONFIGS["bilstm-bigrams-batch64"] = _variant(CONFIGS["bilstm-bigrams"], {"batch_size": 64})
CONFIGS["bilstm-bigrams-emb64"] = _variant(CONFIGS["bilstm-bigrams"], {"embedding_dim": 64})
CONFIGS["bilstm-bigrams-8-epochs"] = _variant(CONFIGS["bilstm-bigrams"], epochs=8)
CONFIGS["bilstm-bigrams-maxlen-2000"] = _variant(CONFIGS["bilstm-bigrams"], maxlen=2000)
# Smaller batches (more, noisier steps per epoch; the decay follows samples, not steps).
CONFIGS["lstm-bigrams-batch64"] = _variant(CONFIGS["lstm-bigrams"], {"batch_size": 64})
CONFIGS["bilstm-bigrams-batch32"] = _variant(CONFIGS["bilstm-bigrams"], {"batch_size": 32})
CONFIGS.update({
    f"lstm-batch64-seed{seed}": _variant(CONFIGS["lstm-default-decay"], {"batch_size": 64, "random_state": seed})
    for seed in range(3)
})
CONFIGS["bilstm-bigrams-batch64-3-seeds"] = {"ensemble": [
    _variant(CONFIGS["bilstm-bigrams-batch64"], {"random_state": seed}) for seed in range(3)]}
CONFIGS["bilstm-bigrams-batch16"] = _variant(CONFIGS["bilstm-bigrams"], {"batch_size": 16})
CONFIGS["bilstm-bigrams-batch32-3-seeds"] = {"ensemble": [
    _variant(CONFIGS["bilstm-bigrams-batch32"], {"random_state": seed}) for seed in range(3)]}
# A soft vote of the three bigram networks: BiLSTM, LSTM and GRU.
CONFIGS["bigram-rnns-vote"] = {"ensemble": [CONFIGS["bilstm-bigrams"], CONFIGS["lstm-bigrams"],
                                            CONFIGS["gru-bigrams"]]}

#: Named suites: the docs/benchmarks.md section each writes, its configurations, and its time on 2 cores.
SUITES = {
    "defaults": ("accuracy-decay", "tfidf-unigram,tfidf-bigram,simple_rnn-default-decay,lstm-default-decay,"
                 "gru-default-decay,bilstm-default-decay,bigru-default-decay,bilstm-early-stopping-decay", 10),
    "defaults-more": ("accuracy-decay-more", "simple_rnn-seed1-decay,simple_rnn-seed2-decay,lstm-seed1-decay,"
                      "lstm-seed2-decay,simple_rnn-early-stopping-decay,lstm-maxlen-1000-decay,"
                      "bilstm-maxlen-1000-decay", 7),
    "constant-rate": ("accuracy", "tfidf-unigram,tfidf-bigram,simple_rnn-default-constant,lstm-default-constant,"
                      "gru-default-constant,bilstm-default-constant,bigru-default-constant,"
                      "bilstm-early-stopping-constant", 10),
    "constant-rate-more": ("accuracy-more", "simple_rnn-seed1-constant,simple_rnn-seed2-constant,"
                           "simple_rnn-early-stopping-constant,lstm-maxlen-1000-constant,"
                           "bilstm-maxlen-1000-constant", 6),
    "constant-rate-lstm-seeds": ("accuracy-lstm-seeds", "lstm-seed1-constant,lstm-seed2-constant", 2),
    "gru-seeds": ("accuracy-gru-seeds", "gru-seed1-decay,gru-seed2-decay", 4),
    "bilstm": ("accuracy-fast", "bilstm-decay-8-epochs,bilstm-decay-lr2e-3,bilstm-64-decay,"
               "bilstm-20k-dropout0.4-decay-6-epochs,bilstm-3-seeds-decay", 17),
    "bigrams": ("accuracy-bigrams", "lstm-bigrams,bilstm-bigrams,gru-bigrams,simple_rnn-bigrams", 10),
    "bigrams-more": ("accuracy-bigrams-more", "tfidf-bigram,lstm-bigrams-120k-dropout0.4,"
                     "bilstm-bigrams-120k-dropout0.4,lstm-bigrams-3-seeds", 11),
    "bigrams-vote": ("accuracy-bigrams-vote", "lstm-bigrams-mean-pooling,bigram-rnns-vote", 9),
    "bigrams-explore": ("accuracy-bigrams-explore", "bilstm-bigrams-batch64,bilstm-bigrams-emb64,"
                        "bilstm-bigrams-8-epochs,bilstm-bigrams-maxlen-2000", 16),
    "batch": ("accuracy-batch", "lstm-bigrams-batch64,bilstm-bigrams-batch32,lstm-batch64-seed0,"
              "lstm-batch64-seed1,lstm-batch64-seed2,bilstm-bigrams-batch64-3-seeds", 20),
    "batch-more": ("accuracy-batch-more", "tfidf-bigram,bilstm-bigrams-batch16,bilstm-bigrams-batch32-3-seeds", 17),
    "ensembles": ("accuracy-ensembles", "bilstm-constant+tfidf-bigram,bilstm-3-seeds-constant", 10),
}


def build(config, epochs):
    from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer
    from skrnn.compare import make_model

    if "baseline" in config:
        return make_model(config["baseline"])
    if "ensemble" in config:
        from sklearn.ensemble import VotingClassifier

        members = [(f"m{i}", build(member, epochs)) for i, member in enumerate(config["ensemble"])]
        return VotingClassifier(members, voting="soft")
    cls = {"simple_rnn": SimpleRNNClassifier, "lstm": LSTMClassifier, "gru": GRUClassifier}[config["cell"]]
    # A fixed budget: every configuration trains its epochs in batches of 128 on every row.
    params = {"epochs": epochs, "batch_size": 128, "patience": 2, "random_state": 0, **config.get("clf", {})}
    return make_pipeline(
        TextVectorizer(max_features=config.get("max_features", 10000),
                       ngram_range=tuple(config.get("ngram_range", (1, 1)))),
        SequencePadder(maxlen=config.get("maxlen", 500)),
        cls(**params),
    )


def main():
    suites = "; ".join(f"{name} (about {minutes} min)" for name, (_, _, minutes) in SUITES.items())
    total = sum(minutes for _, _, minutes in SUITES.values())
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default=None, choices=[*SUITES, "all"],
                        help=f"a named suite: {suites}; or all, every suite in turn (about {total // 60} hours "
                        f"{total % 60} min). Default: defaults")
    parser.add_argument("--only", default=None, help="comma-separated configuration names, instead of a suite")
    parser.add_argument("--epochs", type=int, default=None, help="override every RNN's epochs")
    parser.add_argument("--extra", default=None, help="JSON dict of extra configurations")
    parser.add_argument("--section", default=None, help="docs/benchmarks.md section --only writes (default: accuracy)")
    args = parser.parse_args()
    if args.only and args.suite:
        parser.error("pass --suite or --only, not both")
    configs = dict(CONFIGS)
    if args.extra:
        configs.update(json.loads(args.extra))
    if args.only:
        unknown = [name for name in args.only.split(",") if name not in configs]
        if unknown:
            parser.error(f"unknown configuration(s) {', '.join(unknown)}; see CONFIGS in the script")
        runs = [(args.section or "accuracy", args.only, f"--only {args.only}"
                 + (f" --section {args.section}" if args.section else ""))]
    else:
        chosen = list(SUITES) if args.suite == "all" else [args.suite or "defaults"]
        runs = [(SUITES[name][0], SUITES[name][1], f"--suite {name}") for name in chosen]
    for section, names, command in runs:
        run(section, names.split(","), command, configs, args.epochs)


def run(section, names, command, configs, epochs_override):
    """Train and score ``names``, then store and render ``section``."""
    from skrnn.compare import timed_fit_predict
    from skrnn.datasets import load_imdb

    home = data_home()
    X_train, y_train = load_imdb("train", data_home=home, return_X_y=True, shuffle=True, random_state=0)
    X_test, y_test = load_imdb("test", data_home=home, return_X_y=True)
    rows = []
    for name in names:
        config = configs[name]
        epochs = epochs_override or config.get("epochs", 5)
        model = build(config, epochs)
        proba, fit_s, predict_s = timed_fit_predict(model, X_train, y_train, X_test)
        acc = accuracy_score(y_test, (proba >= 0.5).astype(int))
        final = model[-1] if hasattr(model, "steps") else model
        ran = len(final.history_["loss"]) if hasattr(final, "history_") else "-"
        settings = ({k: v for k, v in final.get_params().items()
                    if k in ("embedding_dim", "units", "pooling", "bidirectional", "dropout", "optimizer",
                             "learning_rate_decay", "early_stopping", "n_layers", "bucket_by_length",
                             "mask_padding", "batch_size")}
                    if hasattr(final, "history_") else {})
        if config.get("ngram_range"):
            settings = {"ngram_range": tuple(config["ngram_range"]), **settings}
        row = dict(name=name, accuracy=acc, fit_s=fit_s, predict_s=predict_s, epochs=ran,
                   settings=settings, max_features=config.get("max_features", 10000 if settings else "-"),
                   maxlen=config.get("maxlen", 500 if settings else "-"))
        rows.append(row)
        print(json.dumps(row), flush=True)
    lines = [
        f"Full IMDB split: 25,000 training reviews (shuffled, seed 0), 25,000 test reviews; {machine()}.",
        f"Command: `python benchmarks/bench_accuracy.py {command}`.",
        "",
        "| configuration | test accuracy | epochs run | fit s | predict s | vocabulary | maxlen | settings |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        settings = (", ".join(f"{k}={v}" for k, v in r["settings"].items())
                    or ("soft vote, see CONFIGS in the script" if "ensemble" in configs[r["name"]]
                        else "see skrnn.compare.MODELS"))
        lines.append(f"| {r['name']} | {r['accuracy']:.4f} | {r['epochs']} | {r['fit_s']:.0f} | "
                     f"{r['predict_s']:.1f} | {r['max_features']} | {r['maxlen']} | {settings} |")
    write_section(section, "\n".join(lines))


if __name__ == "__main__":
    main()
