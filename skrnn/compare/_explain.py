"""The report's explanations: what the best network reads, next to the baseline's coefficients."""

from __future__ import annotations

import numpy as np

from ._data import plain

__all__ = ["explain_best", "EXPLAINED_ROWS", "MISCLASSIFIED_SHOWN"]

#: Test rows whose explanations are averaged into the report's top tokens, and misclassified rows explained.
EXPLAINED_ROWS, MISCLASSIFIED_SHOWN = 300, 3


def explain_best(store, rnn, baseline, split, rnn_run):
    """The best RNN's top tokens next to the baseline's top coefficients, and a few of its mistakes explained."""
    from ..inspection import top_tokens

    rnn_model = store.get_model(f"{rnn}-seed0-fold0")
    tfidf_model = store.get_model(f"{baseline}-seed0-fold0")
    if rnn_model is None or tfidf_model is None:
        return None
    texts = list(split.X_test[:EXPLAINED_ROWS])
    rnn_top = top_tokens(rnn_model, texts, n=15)
    names = tfidf_model[0].get_feature_names_out()
    linear = tfidf_model[-1]
    classes = list(linear.classes_)
    coef = linear.coef_
    tfidf_top = {}
    for k, label in enumerate(classes):
        weights = (coef[0] if k == 1 else -coef[0]) if len(classes) == 2 else coef[k]
        order = np.argsort(-weights)[:15]
        tfidf_top[label] = [(str(names[i]), float(weights[i])) for i in order]
    from ..inspection import explain

    pred = np.asarray(rnn_run.pred, dtype=object)
    wrong = np.flatnonzero(pred != np.asarray(split.y_test, dtype=object))[:MISCLASSIFIED_SHOWN]
    explained = explain(rnn_model, [split.X_test[i] for i in wrong]) if len(wrong) else []
    return {
        "rnn": rnn, "baseline": baseline, "rows": len(texts),
        "rnn_top": {str(c): v for c, v in rnn_top.items()},
        "tfidf_top": {str(c): v for c, v in tfidf_top.items()},
        "misclassified": [
            {"text": e.text, "true": plain(split.y_test[i]), "predicted": plain(e.label), "proba": e.proba,
             "strongest": e.strongest(8), "html": e.to_html()}
            for i, e in zip(wrong, explained)
        ],
    }
