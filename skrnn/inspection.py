"""Which words moved a prediction: per text, and over a corpus.

:func:`explain` takes a fitted ``TextVectorizer -> SequencePadder ->
<skrnn classifier>`` pipeline and gives, for each text, its tokens (words,
and n-grams when the vectorizer makes them) with an attribution score each:

- ``method="integrated_gradients"`` (the default): the gradient of the
  class's probability with respect to each token's embedding, averaged along
  the straight path from an all-padding baseline (every token's embedding
  replaced by the padding id's) to the text, times the embedding's
  difference from the baseline (Sundararajan, Taly and Yan, "Axiomatic
  Attribution for Deep Networks", ICML 2017). The scores of a text add up to
  ``f(text) - f(baseline)`` up to the midpoint rule's error with ``steps``
  points.
- ``method="occlusion"``: the change in the class's probability when the
  token is left out (its id set to padding).

A positive score pushes towards ``Explanation.label``, a negative one away
from it. Tokens that ``SequencePadder`` cut off (beyond ``maxlen``) are not
seen by the network: ``seen`` is False and their score NaN.
:func:`top_tokens` averages the scores over a corpus, the network's
counterpart of a linear model's coefficients.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass, field

import numpy as np

from ._compat.validation import Interval, StrOptions, validate_params

__all__ = ["Explanation", "explain", "top_tokens", "explanations_to_html"]


@dataclass
class Explanation:
    """The attribution of one text's prediction to its tokens.

    Attributes
    ----------
    text : str
    tokens : list of str
        Every token the vectorizer made of the text, in order.
    scores : ndarray of shape (len(tokens),)
        Each token's push towards ``label`` (NaN where not seen).
    seen : ndarray of bool
        False for tokens ``SequencePadder`` cut off.
    label : object
        The class the scores are for (the predicted one unless asked).
    proba : float
        The predicted probability of ``label``.
    baseline_proba : float or None
        Integrated gradients: the probability of ``label`` at the baseline.
    method : str
    completeness_gap : float or None
        Integrated gradients: how far the scores' sum misses
        ``proba - baseline_proba``, as a fraction of it, after the
        refinement (at most 0.01 unless a warning said otherwise).
    classes : list
        The classifier's classes, for ``to_html`` and ``plot``.
    """

    text: str
    tokens: list
    scores: np.ndarray
    seen: np.ndarray
    label: object
    proba: float
    baseline_proba: float | None = None
    method: str = "integrated_gradients"
    classes: list = field(default_factory=list)
    completeness_gap: float | None = None

    def strongest(self, n=10):
        """The ``n`` seen tokens with the largest absolute scores, as (token, score) pairs."""
        order = np.argsort(-np.nan_to_num(np.abs(self.scores), nan=-1.0))
        return [(self.tokens[i], float(self.scores[i])) for i in order[:n] if self.seen[i]]

    def to_html(self):
        """A self-contained HTML fragment: tokens coloured by score (green towards ``label``, red away).

        Every piece of text is escaped, so markup in a review is shown, never run.
        """
        scale = np.nanmax(np.abs(self.scores)) if np.any(self.seen) else 1.0
        scale = scale or 1.0
        spans = []
        for token, score, seen in zip(self.tokens, self.scores, self.seen):
            shown = html.escape(token)
            if not seen:
                spans.append(f'<span style="color:#999" title="not seen: cut off by maxlen">{shown}</span>')
                continue
            alpha = min(abs(score) / scale, 1.0)
            colour = f"rgba(0,160,0,{alpha:.2f})" if score > 0 else f"rgba(220,0,0,{alpha:.2f})"
            spans.append(f'<span style="background:{colour}" title="{score:+.4f}">{shown}</span>')
        label = html.escape(str(self.label))
        return (
            '<div class="skrnn-explanation" style="font-family:sans-serif;line-height:1.8">'
            f"<p><b>{label}</b> (probability {self.proba:.3f}; {html.escape(self.method)}; green pushes "
            f"towards {label}, red away)</p><p>{' '.join(spans)}</p></div>"
        )

    def plot(self, path, *, n=15):
        """A PNG bar chart of the ``n`` strongest tokens."""
        from ._plots import pyplot

        plt = pyplot()
        pairs = self.strongest(n)[::-1]
        fig, ax = plt.subplots(figsize=(6, 0.35 * len(pairs) + 1.2))
        ax.barh([t for t, _ in pairs], [s for _, s in pairs],
                color=["tab:green" if s > 0 else "tab:red" for _, s in pairs])
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlabel(f"push towards {self.label}")
        ax.set_title(f"{self.label} (p = {self.proba:.3f})")
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)


def explanations_to_html(explanations, *, title="skrnn explanations"):
    """A whole HTML page of explanations (no scripts, no external resources).

    Parameters
    ----------
    explanations : iterable of Explanation
        What :func:`explain` returned.
    title : str, default="skrnn explanations"
        The page's title (escaped, as every text on the page).

    Returns
    -------
    str
        The page, from ``<!DOCTYPE html>`` on.
    """
    body = "\n<hr>\n".join(e.to_html() for e in explanations)
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
            f"<body>\n{body}\n</body></html>\n")


_METHODS = StrOptions({"integrated_gradients", "occlusion"})
_POSITIVE = Interval(numbers.Integral, 1, None, closed="left")


@validate_params(
    {"n": [_POSITIVE], "method": [_METHODS], "min_count": [_POSITIVE]},
    prefer_skip_nested_validation=True,
)
def top_tokens(pipeline, texts, n=20, *, method="integrated_gradients", min_count=2, **options):
    """The tokens that push most towards each class over a corpus.

    Each token's scores, towards each class, are averaged over its
    occurrences in ``texts`` (where seen): the recurrent network's
    counterpart of a linear model's coefficients.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        As in :func:`explain`.
    texts : list of str
    n : int, default=20
    method : str, default="integrated_gradients"
    min_count : int, default=2
        Leave out tokens seen fewer times.
    **options
        Passed to :func:`explain` (``steps``, ``batch_size``).

    Returns
    -------
    top : dict of class label to list of (token, mean score)
        Strongest first.
    """
    from collections import defaultdict

    _, _, clf = _parts(pipeline)
    classes = list(clf.classes_)
    targets = classes if len(classes) > 2 else classes[1:]
    top = {}
    for target in targets:
        sums, counts = defaultdict(float), defaultdict(int)
        for e in explain(pipeline, texts, method=method, target=target, **options):
            for token, score, seen in zip(e.tokens, e.scores, e.seen):
                if seen:
                    sums[token] += float(score)
                    counts[token] += 1
        means = {t: sums[t] / counts[t] for t in sums if counts[t] >= min_count}
        top[target] = sorted(means.items(), key=lambda kv: -kv[1])[:n]
        if len(classes) == 2:  # a push away from one of two classes is a push towards the other
            top[classes[0]] = [(t, -m) for t, m in sorted(means.items(), key=lambda kv: kv[1])[:n]]
    return {c: top[c] for c in classes}


def _parts(pipeline):
    from ._classifiers import GRUClassifier, LSTMClassifier, SimpleRNNClassifier
    from ._pipeline import text_pipeline_steps

    return text_pipeline_steps(pipeline, needs="explain", estimator_name="an skrnn classifier",
                               estimator_types=(SimpleRNNClassifier, LSTMClassifier, GRUClassifier))


def _class_column(clf, label):
    """(output column, sign) giving the probability of ``label`` from the model's output."""
    classes = list(clf.classes_)
    if label not in classes:
        raise ValueError(f"target {label!r} is not a class of the classifier; its classes are {classes}.")
    k = classes.index(label)
    if clf.n_classes_ <= 2:
        return 0, (1.0 if k == 1 else -1.0), (0.0 if k == 1 else 1.0)
    return k, 1.0, 0.0


@validate_params(
    {"method": [_METHODS], "steps": [_POSITIVE], "batch_size": [_POSITIVE]},
    prefer_skip_nested_validation=True,
)
def explain(pipeline, texts, *, method="integrated_gradients", target=None, steps=16, batch_size=256):
    """Attribute each text's prediction to its tokens.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted ``TextVectorizer -> SequencePadder -> SimpleRNNClassifier /
        LSTMClassifier / GRUClassifier``.
    texts : list of str
    method : {"integrated_gradients", "occlusion"}, default="integrated_gradients"
    target : class label or None, default=None
        The class the scores are for; ``None`` is each text's predicted
        class.
    steps : int, default=16
        Integrated gradients' first number of points along the path
        (midpoint rule). A text whose scores miss ``f(text) - f(baseline)``
        by more than 1% is computed again with twice the points, up to
        ``MAX_STEPS`` (1024; max pooling makes the path's gradient jump, so
        some texts need many more points than most). A text still off by
        more than 1% then gets a ``UserWarning``; each explanation's
        ``completeness_gap`` records what is left.
    batch_size : int, default=256
        Rows per forward and backward pass.

    Returns
    -------
    explanations : list of Explanation

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skrnn import TextVectorizer, SequencePadder, LSTMClassifier
    >>> texts = ["great film", "loved it", "awful film", "hated it"] * 8
    >>> labels = ["pos", "pos", "neg", "neg"] * 8
    >>> model = make_pipeline(TextVectorizer(), SequencePadder(maxlen=4),
    ...                       LSTMClassifier(units=4, epochs=2, random_state=0)).fit(texts, labels)
    >>> e = explain(model, ["loved this great film"])[0]
    >>> e.tokens, e.label in ("pos", "neg")
    (['loved', 'this', 'great', 'film'], True)
    """
    if method not in ("integrated_gradients", "occlusion"):
        raise ValueError(f"method must be 'integrated_gradients' or 'occlusion', got {method!r}.")
    if isinstance(texts, (str, bytes)):
        raise ValueError(
            "explain expects a list of texts, got a single string; wrap it in a list: "
            f"explain(pipeline, [{texts[:30]!r}{'...' if len(texts) > 30 else ''}])."
        )
    if int(steps) < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}.")
    vectorizer, padder, clf = _parts(pipeline)
    texts = list(texts)
    if not texts:
        raise ValueError("explain got no texts; pass a list of at least one text.")
    tokens = vectorizer.transform_tokens(texts)
    X = _ids(vectorizer, padder, clf, texts)
    proba = clf.predict_proba(X)
    labels = [clf.classes_[i] for i in proba.argmax(axis=1)] if target is None else [target] * len(texts)
    labels = [label.item() if isinstance(label, np.generic) else label for label in labels]
    columns = [_class_column(clf, label) for label in labels]
    seen = [_seen(len(t), padder) for t in tokens]
    from ._training import random_state_kept

    with random_state_kept(clf.model_):  # explaining, like predicting, leaves later training unchanged
        if method == "occlusion":
            scores = _occlusion(clf, X, columns)
            baseline = gaps = [None] * len(texts)
        else:
            target_proba = np.array([proba[i, list(clf.classes_).index(label)] for i, label in enumerate(labels)])
            scores, baseline, gaps = _complete_integrated_gradients(
                clf, X, columns, target_proba, int(steps), int(batch_size))
    out = []
    for i, text in enumerate(texts):
        full = np.full(len(tokens[i]), np.nan)
        full[seen[i]] = scores[i]
        k = list(clf.classes_).index(labels[i])
        out.append(Explanation(
            text=text, tokens=tokens[i], scores=full, seen=seen[i], label=labels[i], proba=float(proba[i, k]),
            baseline_proba=baseline[i], method=method, classes=list(clf.classes_), completeness_gap=gaps[i],
        ))
    return out


def _ids(vectorizer, padder, clf, texts):
    from ._ids import OOV_ID

    X = np.asarray(padder.transform(vectorizer.transform(texts)))
    return np.where(X >= clf.vocabulary_size_, OOV_ID, X).astype(np.int32)


def _seen(n_tokens, padder):
    seen = np.ones(n_tokens, dtype=bool)
    cut = n_tokens - padder.maxlen_
    if cut > 0:
        if padder.truncating == "pre":
            seen[:cut] = False
        else:
            seen[padder.maxlen_:] = False
    return seen


def _probability(output, column, sign, offset):
    return offset + sign * output[..., column]


def _occlusion(clf, X, columns):
    """Per text: p(text) - p(text without token j), for each seen token j."""
    from ._batching import predict_by_length

    rows, owners = [], []
    for x in X:
        positions = np.flatnonzero(x)
        rows.append(x)
        for p in positions:
            occluded = x.copy()
            occluded[p] = 0
            rows.append(occluded)
        owners.append(len(positions))
    out = predict_by_length(clf.model_, np.stack(rows), batch_size=clf.predict_batch_size)
    scores, start = [], 0
    for i, n in enumerate(owners):
        column, sign, offset = columns[i]
        p = _probability(out[start:start + n + 1], column, sign, offset)
        scores.append(p[0] - p[1:])
        start += n + 1
    return scores


#: Integrated gradients' most points along the path (see :func:`explain`).
MAX_STEPS = 1024


def _complete_integrated_gradients(clf, X, columns, target_proba, steps, batch_size, tolerance=0.01):
    """Integrated gradients, with more points for the texts whose scores are not yet complete.

    Returns the scores, the baseline probabilities and each text's
    completeness gap (as a fraction of ``f(text) - f(baseline)``); warns
    when a text is still off by more than ``tolerance`` at ``MAX_STEPS``.
    """
    import warnings

    scores, baseline, gaps = [None] * len(X), [None] * len(X), [None] * len(X)
    pending = np.arange(len(X))
    while True:
        got, base = _integrated_gradients(clf, X[pending], [columns[i] for i in pending], steps, batch_size)
        still = []
        for j, i in enumerate(pending):
            scores[i], baseline[i] = got[j], base[j]
            delta = target_proba[i] - base[j]
            miss = abs(np.sum(got[j]) - delta)
            gaps[i] = float(miss / abs(delta)) if abs(delta) > 1e-12 else 0.0
            if miss > tolerance * abs(delta) + 1e-6:
                still.append(i)
        if not still or steps >= MAX_STEPS:
            break
        pending, steps = np.asarray(still), min(steps * 2, MAX_STEPS)
    if still:
        worst = max(gaps[i] for i in still)
        warnings.warn(
            f"integrated gradients' scores of {len(still)} text(s) still miss f(text) - f(baseline) by more than "
            f"{tolerance:.0%} at {MAX_STEPS} points (largest gap {worst:.1%}); each Explanation's completeness_gap "
            "says by how much. method='occlusion' has no such gap.",
            UserWarning, stacklevel=3,
        )
    return scores, baseline, gaps


def _integrated_gradients(clf, X, columns, steps, batch_size):
    import tensorflow as tf

    from ._batching import quiet_retracing

    model = clf.model_
    embedding = model.get_layer("embedding")
    packed = clf.mask_padding
    gradient, forward = _compiled(model, embedding)
    pad_vector = embedding.embeddings[0]
    width_out = int(model.output.shape[-1])

    alphas = (np.arange(steps, dtype=np.float32) + 0.5) / steps
    lengths = (X != 0).sum(axis=1)
    order = np.argsort(lengths, kind="stable")  # similar lengths together, as prediction does
    rows_per_batch = max(1, batch_size // steps)
    results = {}
    for start in range(0, len(order), rows_per_batch):
        chunk = order[start:start + rows_per_batch]
        x = X[chunk]
        if packed:
            width = max(int(lengths[chunk].max()), 1)
            ids = _front(x, width)
        else:
            width, ids = x.shape[1], x
        emb = tf.gather(embedding.embeddings, tf.constant(ids))
        diff = emb - pad_vector
        weights = np.zeros((len(chunk), width_out), dtype=np.float32)
        for j, i in enumerate(chunk):
            column, sign, _ = columns[i]
            weights[j, column] = sign
        # At most batch_size rows per pass: the path's points go in slices when there are many.
        per_pass = max(1, batch_size // len(chunk))
        total = tf.zeros_like(emb)
        for first in range(0, steps, per_pass):
            part = alphas[first:first + per_pass]
            path = pad_vector + part[None, :, None, None] * diff[:, None]  # (rows, points, width, dim)
            path = tf.reshape(path, (-1, width, emb.shape[-1]))
            with quiet_retracing():
                grads = gradient(tf.constant(np.repeat(ids, len(part), axis=0)), path,
                                 tf.constant(np.repeat(weights, len(part), axis=0)))
            total += tf.reduce_sum(tf.reshape(grads, (len(chunk), len(part), width, -1)), axis=1)
        attributions = tf.reduce_sum(total / steps * diff, axis=-1).numpy()
        with quiet_retracing():
            base = forward(tf.constant(ids), tf.broadcast_to(pad_vector, emb.shape)).numpy()
        for j, i in enumerate(chunk):
            column, sign, offset = columns[i]
            positions = np.arange(lengths[i]) if packed else np.flatnonzero(X[i])
            results[i] = (attributions[j, positions], float(_probability(base[j], column, sign, offset)))
    return [results[i][0] for i in range(len(X))], [results[i][1] for i in range(len(X))]


def _compiled(model, embedding):
    """The model from its embeddings on, compiled once per model for any batch and length.

    ``gradient(ids, path, weights)``: the gradient of the weighted outputs
    with respect to the embeddings ``path``; ``forward(ids, embeddings)``:
    the outputs. Token ids still give each row's length. Kept on the model,
    as ``_batching`` keeps its predict function.
    """
    import keras
    import tensorflow as tf

    cached = getattr(model, "_skrnn_explain", None)
    if cached is not None:
        return cached
    sub = keras.Model([model.inputs[0], embedding.output], model.output)
    dim, width_out = int(embedding.output_dim), int(model.output.shape[-1])
    ids_spec = tf.TensorSpec([None, None], tf.int32)
    path_spec = tf.TensorSpec([None, None, dim], tf.float32)

    @tf.function(input_signature=[ids_spec, path_spec, tf.TensorSpec([None, width_out], tf.float32)])
    def gradient(ids, path, weights):
        with tf.GradientTape() as tape:
            tape.watch(path)
            value = tf.reduce_sum(sub([ids, path], training=False) * weights)
        return tape.gradient(value, path)

    @tf.function(input_signature=[ids_spec, path_spec])
    def forward(ids, embeddings):
        return sub([ids, embeddings], training=False)

    from ._compat import set_untracked_attribute

    set_untracked_attribute(model, "_skrnn_explain", (gradient, forward))
    return gradient, forward


def _front(x, width):
    """Each row's non-padding ids moved to the front, cut to ``width`` columns (the packed layout)."""
    out = np.zeros((len(x), width), dtype=np.int32)
    for r, row in enumerate(x):
        tokens = row[row != 0]
        out[r, :len(tokens)] = tokens
    return out
