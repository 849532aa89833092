"""Recurrent networks in plain NumPy: how the estimators compute.

Each function below is the textbook recurrence, written out step by step
over a batch, so that it can be read next to the equations in
``docs/how-it-works.md``. :func:`predict_proba` runs a fitted skrnn
classifier's weights through them and reproduces its ``predict_proba``,
and :func:`predict` a fitted regressor's ``predict`` (the tests check
agreement to 1e-5, masking included).

Conventions follow Keras: a kernel ``W`` of shape (input_dim, k * units)
multiplies the input ``x_t``, a recurrent kernel ``U`` of shape
(units, k * units) multiplies the previous state, gates are stacked along
the last axis. A masked (padding) step leaves the state unchanged.

For example:

>>> import numpy as np
>>> from skrnn.reference import simple_rnn
>>> x = np.ones((1, 3, 2))                      # batch 1, 3 steps, 2 features
>>> W, U, b = np.full((2, 1), 0.5), np.zeros((1, 1)), np.zeros(1)
>>> simple_rnn(x, W, U, b)[0].round(4)           # h_3 = tanh(1.0)
array([0.7616])
"""

from __future__ import annotations

import numpy as np

from ._ids import OOV_ID, PAD_ID

__all__ = ["simple_rnn", "lstm", "gru", "predict_proba", "predict", "sigmoid"]


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)).

    Parameters
    ----------
    z : array-like

    Returns
    -------
    ndarray
    """
    return 1.0 / (1.0 + np.exp(-z))


def _run(step, x, mask, state, return_sequences, go_backwards):
    """Apply ``step(x_t, state) -> (h_t, state)`` over time, honouring the mask."""
    n, steps, _ = x.shape
    if mask is None:
        mask = np.ones((n, steps), dtype=bool)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs = np.zeros((n, steps, state[0].shape[1]))
    h_prev = state[0]
    for t in order:
        h_new, new_state = step(x[:, t], state)
        keep = mask[:, t][:, None]
        # A masked step carries the state (and the last output) through.
        state = tuple(np.where(keep, s_new, s_old) for s_new, s_old in zip(new_state, state))
        h_prev = np.where(keep, h_new, h_prev)
        outputs[:, t] = h_prev
    return outputs if return_sequences else state[0]


def simple_rnn(x, W, U, b, *, mask=None, return_sequences=False, go_backwards=False):
    """Elman network: ``h_t = tanh(x_t W + h_{t-1} U + b)``.

    Parameters
    ----------
    x : ndarray of shape (batch, steps, features)
    W : ndarray of shape (features, units)
    U : ndarray of shape (units, units)
    b : ndarray of shape (units,)
    mask : ndarray of bool, shape (batch, steps), optional
        False marks padding steps.
    return_sequences : bool
        Return every step's output instead of the last state.
    go_backwards : bool
        Read the sequence from the end (the backward half of a
        bidirectional layer).

    Returns
    -------
    h : ndarray of shape (batch, units), or (batch, steps, units)
    """
    units = U.shape[0]

    def step(x_t, state):
        h = np.tanh(x_t @ W + state[0] @ U + b)
        return h, (h,)

    h0 = (np.zeros((x.shape[0], units)),)
    return _run(step, x, mask, h0, return_sequences, go_backwards)


def lstm(x, W, U, b, *, mask=None, return_sequences=False, go_backwards=False):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997).

    With ``z = x_t W + h_{t-1} U + b`` split into four blocks::

        i = sigmoid(z_i)          input gate
        f = sigmoid(z_f)          forget gate
        g = tanh(z_g)             candidate cell
        o = sigmoid(z_o)          output gate
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Shapes as in :func:`simple_rnn`, with ``W``: (features, 4 units),
    ``U``: (units, 4 units), ``b``: (4 units,), blocks in Keras' order
    i, f, g, o.

    Parameters
    ----------
    x, W, U, b, mask, return_sequences, go_backwards
        As in :func:`simple_rnn`, with the shapes above.

    Returns
    -------
    h : ndarray of shape (batch, units), or (batch, steps, units)
    """
    units = U.shape[0]

    def step(x_t, state):
        h_prev, c_prev = state
        z = x_t @ W + h_prev @ U + b
        i = sigmoid(z[:, :units])
        f = sigmoid(z[:, units : 2 * units])
        g = np.tanh(z[:, 2 * units : 3 * units])
        o = sigmoid(z[:, 3 * units :])
        c = f * c_prev + i * g
        h = o * np.tanh(c)
        return h, (h, c)

    zeros = np.zeros((x.shape[0], units))
    return _run(step, x, mask, (zeros, zeros), return_sequences, go_backwards)


def gru(x, W, U, b, *, mask=None, return_sequences=False, go_backwards=False):
    """Gated recurrent unit (Cho et al., 2014), Keras' ``reset_after`` form.

    With input and recurrent biases ``b = [b_x, b_h]`` and blocks z, r, n::

        z = sigmoid(x_t W_z + b_xz + h_{t-1} U_z + b_hz)      update gate
        r = sigmoid(x_t W_r + b_xr + h_{t-1} U_r + b_hr)      reset gate
        n = tanh(x_t W_n + b_xn + r * (h_{t-1} U_n + b_hn))    candidate
        h_t = z * h_{t-1} + (1 - z) * n

    Parameters
    ----------
    x, mask, return_sequences, go_backwards
        As in :func:`simple_rnn`.
    W, U, b : ndarray
        Of shapes (features, 3 units), (units, 3 units) and (2, 3 units).

    Returns
    -------
    h : ndarray
        As :func:`simple_rnn` returns it.
    """
    units = U.shape[0]
    b = np.asarray(b).reshape(2, 3 * units)

    def step(x_t, state):
        h_prev = state[0]
        xz = x_t @ W + b[0]
        hz = h_prev @ U + b[1]
        z = sigmoid(xz[:, :units] + hz[:, :units])
        r = sigmoid(xz[:, units : 2 * units] + hz[:, units : 2 * units])
        n = np.tanh(xz[:, 2 * units :] + r * hz[:, 2 * units :])
        h = z * h_prev + (1 - z) * n
        return h, (h,)

    h0 = (np.zeros((x.shape[0], units)),)
    return _run(step, x, mask, h0, return_sequences, go_backwards)


_FORWARD = {"simple_rnn": simple_rnn, "lstm": lstm, "gru": gru}


def _weights(layer):
    return [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]


def predict_proba(estimator, X):
    """A fitted skrnn classifier's ``predict_proba``, computed in NumPy.

    Parameters
    ----------
    estimator : SimpleRNNClassifier, LSTMClassifier or GRUClassifier
        Fitted.
    X : array-like of shape (n_samples, n_steps)
        Padded token ids.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        With a label indicator matrix, each label's sigmoid.
    """
    outputs = _output_layer_input(estimator, X)
    if estimator.target_type_ == "multilabel-indicator":
        return sigmoid(outputs)
    if outputs.shape[1] == 1:
        p = sigmoid(outputs[:, 0])
        return np.column_stack([1 - p, p])
    outputs = outputs - outputs.max(axis=1, keepdims=True)
    e = np.exp(outputs)
    return e / e.sum(axis=1, keepdims=True)


def predict(estimator, X):
    """A fitted skrnn regressor's ``predict``, computed in NumPy.

    The linear output, turned back from standardised units:
    ``output * target_scale_ + target_mean_``.

    Parameters
    ----------
    estimator : SimpleRNNRegressor, LSTMRegressor or GRURegressor
        Fitted.
    X : array-like of shape (n_samples, n_steps)
        Padded token ids.

    Returns
    -------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    """
    outputs = _output_layer_input(estimator, X) * estimator.target_scale_ + estimator.target_mean_
    return outputs[:, 0] if estimator.y_ndim_ == 1 else outputs


def _output_layer_input(estimator, X):
    """The output layer's pre-activation values: ``pooled @ kernel + bias``."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    model = estimator.model_
    X = np.asarray(X)
    X = np.where(X >= estimator.vocabulary_size_, OOV_ID, X)  # unknown ids -> OOV
    (embeddings,) = _weights(model.get_layer("embedding"))
    h = embeddings[X]                                    # (n, steps, embedding_dim)
    mask = (X != PAD_ID) if estimator.mask_padding else None
    forward = _FORWARD[estimator.cell_type]
    cell = estimator.cell_type
    for i in range(estimator.n_layers):
        sequences = i < estimator.n_layers - 1 or estimator.pooling_ != "last"
        if estimator.bidirectional:
            fwd = forward(h, *_weights(model.get_layer(f"{cell}_{i}")), mask=mask, return_sequences=sequences)
            bwd = forward(
                h, *_weights(model.get_layer(f"backward_{cell}_{i}")), mask=mask,
                return_sequences=sequences, go_backwards=True,
            )
            h = np.concatenate([fwd, bwd], axis=-1)
        else:
            h = forward(h, *_weights(model.get_layer(f"{cell}_{i}")), mask=mask, return_sequences=sequences)
    if estimator.pooling_ == "max":
        if mask is None:
            h = h.max(axis=1)
        else:
            h = np.where(mask[:, :, None], h, -np.inf).max(axis=1)
            h = np.where(mask.any(axis=1)[:, None], h, 0.0)
    elif estimator.pooling_ == "mean":
        if mask is None:
            h = h.mean(axis=1)
        else:
            weights = mask[:, :, None].astype(float)
            h = (h * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
    kernel, bias = _weights(model.get_layer("output"))
    return h @ kernel + bias
