"""Length-aware batching: run each batch only over the steps that hold tokens.

A padded IMDB matrix (maxlen 500) is about half padding, and a recurrent
layer pays for every step. With padding masked (``mask_zero=True``), a
masked step leaves the state unchanged, so the columns that are padding in
*every* row of a batch can be cut off without changing the function the
network computes. Grouping sequences of similar length into the same batch
makes those columns many.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import numpy as np

from ._compat import set_untracked_attribute, shared_predict_function
from ._ids import PAD_ID

__all__ = ["token_span", "LengthBatches", "predict_by_length"]


def token_span(X):
    """First and one-past-last column holding a non-padding id, per row.

    Rows of only padding get ``(width, width)``.
    """
    X = np.asarray(X)
    width = X.shape[1]
    nonzero = X != PAD_ID
    any_token = nonzero.any(axis=1)
    first = np.where(any_token, nonzero.argmax(axis=1), width)
    last = np.where(any_token, width - nonzero[:, ::-1].argmax(axis=1), width)
    return first, last


def _trim(X, rows, first, last):
    lo = int(first[rows].min())
    hi = int(last[rows].max())
    if hi <= lo:  # every row is padding: keep one (masked) step
        lo, hi = X.shape[1] - 1, X.shape[1]
    return X[rows, lo:hi]


#: Share of each epoch's rows that go into random (unsorted) batches; see
#: :class:`LengthBatches` and docs/benchmarks.md ("Time to accuracy").
MIXED_SHARE = 0.25


def _length_order(first, last, rng, chunk, batch_size, mixed_share):
    """Indices grouped by length, batch by batch.

    Without ``rng``: sorted by span. With it: shuffled; the first
    ``mixed_share`` of the rows (whole batches) stay in that random order,
    the rest are sorted by span within chunks of ``chunk`` rows.
    """
    n = len(first)
    spans = last - first
    if rng is None:
        return np.argsort(spans, kind="stable")
    order = rng.permutation(n)
    n_mixed = int(round(mixed_share * n / batch_size)) * batch_size
    pieces = [order[:n_mixed]]
    for start in range(n_mixed, n, chunk):
        piece = order[start : start + chunk]
        pieces.append(piece[np.argsort(spans[piece], kind="stable")])
    return np.concatenate(pieces)


class LengthBatches:
    """Batches of similar-length rows, each trimmed to its own token span.

    Parameters
    ----------
    X : ndarray of shape (n, steps)
        Padded token ids (0 = padding).
    y, sample_weight : ndarray or None
        Targets and weights, batched alongside.
    batch_size : int
    shuffle : bool
        Reshuffle every epoch: a random permutation; a share ``mixed_share``
        of the rows stays in random batches, the rest is sorted by length
        within chunks of ``chunk_batches`` batches; then the batch order is
        shuffled. Training stays stochastic while most batches hold similar
        lengths. Without ``shuffle``, the rows are sorted by length.
    seed : int or None
        Seed of the shuffling.
    by_length : bool, default=True
        ``False`` gives plain (shuffled) batches over all columns.
    chunk_batches : int, default=32
    mixed_share : float, default=MIXED_SHARE
        Batches of sorted lengths alone made networks learn a little less
        per epoch than random batches; with a quarter of the rows in random
        batches the difference was inside the seed noise, at some of the
        speed (figures in docs/benchmarks.md, "Time to accuracy").
    """

    def __init__(
        self, X, y=None, sample_weight=None, *, batch_size=128, shuffle=True, seed=None,
        by_length=True, chunk_batches=32, mixed_share=MIXED_SHARE,
    ):
        self.by_length = by_length
        self.X = X
        self.y = y
        self.sample_weight = sample_weight
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.chunk = self.batch_size * chunk_batches
        self.mixed_share = mixed_share
        self.seed = seed
        self.first, self.last = token_span(X)
        self.set_epoch(0)

    def layout(self, epoch):
        """The batches (row indices) of ``epoch``: a pure function of (seed, epoch).

        Deriving the order from the epoch number, not from how often the data
        was iterated, keeps training reproducible whatever TensorFlow's
        background threads do.
        """
        rng = None
        if self.shuffle:
            rng = np.random.default_rng([self.seed, int(epoch)] if self.seed is not None else None)
        if self.by_length:
            order = _length_order(self.first, self.last, rng, self.chunk, self.batch_size, self.mixed_share)
        elif rng is not None:
            order = rng.permutation(len(self.X))
        else:
            order = np.arange(len(self.X))
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        if rng is not None:
            batches = [batches[i] for i in rng.permutation(len(batches))]
        return batches

    def set_epoch(self, epoch):
        """Make ``self[i]`` give the batches of ``epoch``."""
        self.epoch = int(epoch)
        self.batches = self.layout(self.epoch)

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self._batch(self.batches[index])

    def _batch(self, rows):
        x = _trim(self.X, rows, self.first, self.last) if self.by_length else self.X[rows]
        x = np.ascontiguousarray(x, dtype=np.int32)
        if self.y is None:
            return (x,)
        if self.sample_weight is None:
            return x, self.y[rows]
        return x, self.y[rows], self.sample_weight[rows]

    def on_epoch_end(self):
        self.set_epoch(self.epoch + 1)

    def as_dataset(self, epochs=1, first_epoch=0):
        """A ``tf.data.Dataset`` of ``epochs`` epochs of batches, one after the other.

        Epoch ``e`` is laid out by :meth:`layout` from the epoch number
        itself, inside the pipeline, so the data each epoch sees does not
        depend on when TensorFlow starts its iterators (train with
        ``steps_per_epoch=len(self)``). Batches have different widths, so the
        time dimension is declared unknown (``None``): one compiled train step
        serves them all. The next batches are prepared while the current one
        trains (prefetch).

        tf.data's autotuning is off: the prefetch buffer is fixed, so there
        is nothing to tune, and with it on, deleting the iterator at the end
        of ``fit`` waited for the autotuning thread (see docs/design.md).
        """
        import tensorflow as tf

        def spec(a):
            return tf.TensorSpec((None,) + a.shape[1:], tf.as_dtype(a.dtype))

        signature = [tf.TensorSpec((None, None), tf.int32)]
        if self.y is not None:
            signature.append(spec(self.y))
            if self.sample_weight is not None:
                signature.append(spec(self.sample_weight))
        signature = tuple(signature)

        def generate(epoch):
            for rows in self.layout(int(epoch)):
                yield tuple(np.asarray(part) for part in self._batch(rows))

        def epoch_batches(epoch):  # a def, not a lambda: AutoGraph warns it cannot parse the lambda
            return tf.data.Dataset.from_generator(generate, args=(epoch,), output_signature=signature)

        dataset = tf.data.Dataset.range(first_epoch, first_epoch + epochs).flat_map(epoch_batches)
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(epochs * len(self)))
        return dataset.prefetch(2).with_options(_without_autotuning())


def _without_autotuning():
    """``tf.data.Options`` with autotuning off.

    On TensorFlow 2.21 (CPU), when ``keras.Model.fit`` returns it deletes its
    dataset iterator, and the iterator's destructor (``RootDataset::Iterator``)
    waits for a thread of tf.data's autotuning model (a native stack taken
    with py-spy during the wait shows it); the wait could take as long as an
    epoch. With autotuning off there is no such thread to wait for.
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return options


class _DropRetracingWarning(logging.Filter):
    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextmanager
def quiet_retracing():
    """Silence TensorFlow's "frequent retracing" warning inside the block.

    Each fitted model compiles its own functions once; a grid search fits
    hundreds of models, which TensorFlow mistakes for a retracing loop.
    The filter is removed on exit, so nothing else is silenced.
    """
    logger = logging.getLogger("tensorflow")
    drop = _DropRetracingWarning()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def _predict_function(model):
    """One compiled inference function per model, for any batch and length.

    Its input signature has unknown batch and time dimensions, so batches
    of different widths never trigger a retrace. A model compiled with
    ``run_eagerly=True`` predicts eagerly, as Keras' own ``predict`` does
    then (no tracing: faster for a few small batches). A model of an
    architecture that predicted before runs that one's traced function on
    its own weights (``shared_predict_function``).
    """
    if getattr(model, "run_eagerly", False):
        return lambda x: model(x, training=False)
    fn = getattr(model, "_skrnn_predict", None)
    if fn is None:
        import tensorflow as tf

        def trace():
            return tf.function(
                lambda x: model(x, training=False),
                input_signature=[tf.TensorSpec([None, None], tf.int32)],
            )

        fn = shared_predict_function(model, trace)
        # Kept on the model itself (a cycle the garbage collector frees with
        # it), bypassing Keras' attribute tracking; not saved with the model.
        set_untracked_attribute(model, "_skrnn_predict", fn)
    return fn


def predict_by_length(model, X, *, batch_size=512, callbacks=None, verbose=0):
    """``model.predict(X)`` over length-sorted, trimmed batches, in X's order.

    ``callbacks`` get Keras' predict hooks (``on_predict_begin``,
    ``on_predict_batch_begin`` / ``_end`` with the batch's outputs,
    ``on_predict_end``), and ``verbose=1`` shows Keras' progress bar, as
    ``model.predict`` does.
    """
    import keras

    first, last = token_span(X)
    order = np.argsort(last - first, kind="stable")
    predict = _predict_function(model)
    starts = range(0, len(order), batch_size)
    hooks = keras.callbacks.CallbackList(
        callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1, steps=len(starts), model=model
    )
    outputs = []
    hooks.on_predict_begin()
    with quiet_retracing():
        for step, start in enumerate(starts):
            hooks.on_predict_batch_begin(step)
            rows = order[start : start + batch_size]
            x = np.ascontiguousarray(_trim(X, rows, first, last), dtype=np.int32)
            outputs.append(np.asarray(predict(x)))
            hooks.on_predict_batch_end(step, {"outputs": outputs[-1]})
    hooks.on_predict_end()
    pred = np.concatenate(outputs)
    result = np.empty_like(pred)
    result[order] = pred
    return result
