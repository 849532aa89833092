"""Faster recurrent layers for the CPU that compute what Keras' own compute.

:class:`FastLSTM`, :class:`FastGRU` and :class:`FastSimpleRNN` are Keras'
``LSTM``, ``GRU`` and ``SimpleRNN`` (subclasses: same weights, same
configuration, same saved files) with a faster inner loop where that loop is
a plain one: the TensorFlow backend, no GPU (where Keras runs cuDNN), no mask
(the packed model runs unmasked, see :mod:`skrnn._model`), no
``recurrent_dropout``, ``go_backwards`` or ``unroll``, the default
activations (and for the GRU, Keras' default ``reset_after=True``), float32.
Anywhere else they are exactly Keras' layers.

Why this is faster: Keras runs a recurrent layer as a TensorFlow while-loop
whose body is the cell's Python code (a dozen small ops a step, twice as many
for the gradient), and on a CPU with 32 units most of a step's time is the
runtime's per-op cost, not arithmetic.

* LSTM: TensorFlow's fused ``BlockLSTM`` kernel runs the whole sequence (and
  its gradient, ``BlockLSTMGrad``) in one C++ op. It takes the gates in the
  order input, cell, forget, output (Keras: input, forget, cell, output), so
  the weight columns are reordered on the way in; the order is differentiated
  through, so the gradients come back in Keras' order. (``BlockLSTMV2`` would
  take Keras' order, but its registered gradient does not match its forward
  pass in TensorFlow 2.21: tested, it disagrees with Keras' by up to 0.4.)
  A batch runs as row blocks of at most 64, side by side (:func:`_by_rows`).
* SimpleRNN and GRU: the input projection ``x @ W + b`` is one matrix product
  over all the steps, and the loop keeps only the recurrent part (for the
  SimpleRNN ``h = tanh(p_t + h @ U)``), four steps per while-loop iteration.
  The gradient is written out by hand (backpropagation through time, a loop
  of the same size instead of TensorFlow's generic while-loop gradient), and
  ``dL/dU`` is one matrix product after it.

Dropout on the inputs (``dropout``) uses the cell's own mask, drawn once per
batch and the same at every step, as Keras' cells do; so the faster layers
compute the same numbers as Keras' in training as well. Tested against
Keras' layers (outputs and gradients) in ``tests/test_recurrent.py``.
"""

from __future__ import annotations

import os

import keras
from keras import layers

__all__ = ["FastLSTM", "FastSimpleRNN", "FastGRU"]

#: Steps per while-loop iteration in the SimpleRNN and GRU loops (fewer loop-control ops per step).
_UNROLL = 4


def _fast_path(layer, mask):
    """Whether ``layer`` can run the fused loop: a plain, unmasked, float32 layer on the CPU."""
    if keras.backend.backend() != "tensorflow" or mask is not None:
        return False
    if layer.go_backwards or layer.unroll or layer.recurrent_dropout or not layer.cell.use_bias:
        return False
    if getattr(layer.cell, "implementation", 2) != 2:  # Keras' mode 1 applies dropout differently
        return False
    if not getattr(layer.cell, "reset_after", True):  # the GRU loop is the reset-after one
        return False
    if layer.cell.compute_dtype != "float32":
        return False
    wanted = [keras.activations.get(name) for name in layer._activations]
    current = [getattr(layer.cell, attr) for attr in ("activation", "recurrent_activation")[: len(wanted)]]
    return current == wanted and not _gpu_visible()


def _gpu_visible():
    import tensorflow as tf

    return bool(tf.config.list_logical_devices("GPU"))


def _dropped(layer, sequences, training):
    """The inputs with the cell's dropout mask applied, as the cell applies it at every step."""
    if training and layer.dropout:
        mask = layer.cell.get_dropout_mask(sequences[:, 0, :])
        return sequences * keras.ops.expand_dims(mask, 1)
    return sequences


def _gate_order(matrix):
    """Columns from Keras' gate order (i, f, c, o) to BlockLSTM's (i, c, f, o)."""
    import tensorflow as tf

    i, f, c, o = tf.split(matrix, 4, axis=-1)
    return tf.concat([i, c, f, o], axis=-1)


def _scan(step, sequences, carry, n_outputs, reverse=False):
    """Run ``carry, outputs = step(carry, inputs)`` over the steps of time-major ``sequences``.

    ``_UNROLL`` steps per while-loop iteration: the sequences are zero-filled
    at the end to a multiple of it. Returns the final carry and the stacked
    per-step outputs (time-major, the extra steps cut off). Forwards, the
    final carry has run through the extra steps: read the outputs instead.
    Backwards (``reverse=True``) the extra steps come first, and a step whose
    inputs are zero must leave a zero carry at zero (a gradient does).
    """
    import tensorflow as tf

    steps = tf.shape(sequences[0])[0]
    blocks = (steps + _UNROLL - 1) // _UNROLL

    def by_block(sequence):  # (steps, ...) -> (blocks, _UNROLL, ...)
        filled = tf.pad(sequence, [[0, blocks * _UNROLL - steps]] + [[0, 0]] * (sequence.shape.rank - 1))
        return tf.reshape(filled, tf.concat([[blocks, _UNROLL], tf.shape(sequence)[1:]], 0))

    blocked = [by_block(sequence) for sequence in sequences]

    def body(j, carry, arrays):
        per_step = [None] * _UNROLL
        for s in reversed(range(_UNROLL)) if reverse else range(_UNROLL):
            carry, per_step[s] = step(carry, [block[j][s] for block in blocked])
        arrays = [array.write(j, tf.stack([out[k] for out in per_step])) for k, array in enumerate(arrays)]
        return j + (-1 if reverse else 1), carry, arrays

    arrays = [tf.TensorArray(sequences[0].dtype, size=blocks) for _ in range(n_outputs)]
    first, more = (blocks - 1, lambda j, *_: j >= 0) if reverse else (0, lambda j, *_: j < blocks)
    _, carry, arrays = tf.while_loop(more, body, (first, carry, arrays))

    def unblock(array):
        stacked = array.stack()
        return tf.reshape(stacked, tf.concat([[blocks * _UNROLL], tf.shape(stacked)[2:]], 0))[:steps]

    return carry, [unblock(array) for array in arrays]


def _previous(states, h0):
    """The state before each step: ``h0``, then every state but the last."""
    import tensorflow as tf

    return tf.concat([h0[None], states[:-1]], axis=0)


def _recurrent_kernel_gradient(states, h0, d_pre):
    """``dL/dU`` of ``h_{t-1} @ U`` from every step's ``dL/d(h_{t-1} @ U)``: one matrix product."""
    import tensorflow as tf

    previous = _previous(states, h0)
    return tf.matmul(tf.reshape(previous, [-1, tf.shape(previous)[-1]]),
                     tf.reshape(d_pre, [-1, tf.shape(d_pre)[-1]]), transpose_a=True)


def _simple_rnn_loop(projected, kernel, h0):
    """``h_t = tanh(projected_t + h_{t-1} @ kernel)`` over time-major ``projected``.

    Returns all the states, time-major. The gradient is backpropagation
    through time written out.
    """
    import tensorflow as tf

    @tf.custom_gradient
    def loop(projected, kernel, h0):
        def forward(h, inputs):
            h = tf.tanh(inputs[0] + tf.matmul(h, kernel))
            return h, [h]

        _, (states,) = _scan(forward, [projected], h0, 1)

        def gradient(d_states):
            def backward(d_next, inputs):
                d_state, state = inputs
                d_pre = (d_state + d_next) * (1.0 - tf.square(state))
                return tf.matmul(d_pre, kernel, transpose_b=True), [d_pre]

            d_h0, (d_pre,) = _scan(backward, [d_states, states], tf.zeros_like(h0), 1, reverse=True)
            return d_pre, _recurrent_kernel_gradient(states, h0, d_pre), d_h0

        return states, gradient

    return loop(projected, kernel, h0)


def _gru_loop(projected, kernel, bias, h0):
    """Keras' GRU (``reset_after=True``) over time-major input projections ``x @ W + b_in``.

    ``kernel`` and ``bias`` are the recurrent ones. Returns all the states,
    time-major; the gradient is backpropagation through time written out.
    """
    import tensorflow as tf

    @tf.custom_gradient
    def loop(projected, kernel, bias, h0):
        def forward(h, inputs):
            x_z, x_r, x_h = tf.split(inputs[0], 3, axis=-1)
            r_z, r_r, r_h = tf.split(tf.matmul(h, kernel) + bias, 3, axis=-1)
            z, r = tf.sigmoid(x_z + r_z), tf.sigmoid(x_r + r_r)
            candidate = tf.tanh(x_h + r * r_h)
            h = z * h + (1.0 - z) * candidate
            return h, [h, tf.concat([z, r, candidate, r_h], axis=-1)]

        _, (states, saved) = _scan(forward, [projected], h0, 2)

        def gradient(d_states):
            def backward(d_next, inputs):
                d_state, previous, gates = inputs
                z, r, candidate, r_h = tf.split(gates, 4, axis=-1)
                d_h = d_state + d_next
                d_candidate = d_h * (1.0 - z) * (1.0 - tf.square(candidate))
                d_z = d_h * (previous - candidate) * z * (1.0 - z)
                d_r = d_candidate * r_h * r * (1.0 - r)
                d_recurrent = tf.concat([d_z, d_r, d_candidate * r], axis=-1)
                d_input = tf.concat([d_z, d_r, d_candidate], axis=-1)
                return d_h * z + tf.matmul(d_recurrent, kernel, transpose_b=True), [d_recurrent, d_input]

            d_h0, (d_recurrent, d_input) = _scan(backward, [d_states, _previous(states, h0), saved],
                                                 tf.zeros_like(h0), 2, reverse=True)
            d_bias = tf.reduce_sum(d_recurrent, axis=[0, 1])
            return d_input, _recurrent_kernel_gradient(states, h0, d_recurrent), d_bias, d_h0

        return states, gradient

    return loop(projected, kernel, bias, h0)


def _project(cell, x, bias):
    """Time-major ``x @ W + bias`` for every step at once (one matrix product)."""
    import tensorflow as tf

    return tf.einsum("btf,fu->tbu", x, tf.convert_to_tensor(cell.kernel)) + bias


def _batch_major(states):
    """(every step's output batch-major, [final state]) from time-major states, as ``_loop`` returns."""
    import tensorflow as tf

    return tf.transpose(states, [1, 0, 2]), [states[-1]]


class _FastLoop:
    """Mixin: Keras' recurrent layer whose ``inner_loop`` runs ``_loop`` where it is faster.

    ``_loop(x, states)`` takes the (dropped-out) inputs, batch-major, and the
    initial states; it returns every step's output, batch-major, and the
    final states. Per subclass (chosen on a 2-core CPU, 32 units, 226 steps;
    see docs/design.md):

    * ``_block_rows``: run it over blocks of this many rows, several at a
      time (:func:`_by_rows`); ``None``: over the whole batch.
    * ``_in_inference``: ``False`` leaves inference to Keras' loop.
    """

    _activations = ("tanh", "sigmoid")
    _block_rows = None
    _in_inference = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not _gpu_visible():
            # Keras then compiles without XLA (it warns when asked for it): BlockLSTM has no XLA
            # kernel, and the other loops are untested under XLA. (Keras does the same for cuDNN.)
            self.supports_jit = False

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not (_fast_path(self, mask) and (training or self._in_inference)):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        outputs, states = _by_rows(self._loop, _dropped(self, sequences, training), states, self._block_rows)
        return outputs[:, -1], outputs, states


def _by_rows(loop, x, states, block_rows):
    """``loop(x, states)`` over blocks of at most ``block_rows`` rows, several at a time.

    The rows are independent, so a batch can run as row blocks of equal
    size (``tf.map_fn``, the last block zero-filled), in parallel on the
    CPU's cores, instead of one kernel call splitting each small step
    across threads. The LSTM's block size (64) was set by timing on the
    benchmark machine; no stored benchmark measures it on its own.
    ``block_rows=None`` runs the whole batch.
    """
    import tensorflow as tf

    if block_rows is None:
        return loop(x, states)
    rows = tf.shape(x)[0]
    blocks = tf.maximum((rows + block_rows - 1) // block_rows, 1)
    size = (rows + blocks - 1) // blocks  # balanced: 100 rows run as 2 x 50, 6 as 1 x 6

    def split(t):
        filled = tf.pad(t, [[0, blocks * size - rows]] + [[0, 0]] * (t.shape.rank - 1))
        return tf.reshape(filled, tf.concat([[blocks, size], tf.shape(t)[1:]], 0))

    def join(t):
        return tf.reshape(t, tf.concat([[blocks * size], tf.shape(t)[2:]], 0))[:rows]

    outputs, finals = tf.map_fn(lambda args: loop(args[0], list(args[1])), (split(x), [split(s) for s in states]),
                                fn_output_signature=(x.dtype, [x.dtype] * len(states)),
                                parallel_iterations=os.cpu_count() or 2)
    return join(outputs), [join(f) for f in finals]


@keras.saving.register_keras_serializable(package="skrnn")
class FastLSTM(_FastLoop, layers.LSTM):
    """Keras' ``LSTM``, run by TensorFlow's fused ``BlockLSTM`` op where it computes the same."""

    _block_rows = 64

    def _loop(self, x, states):
        import tensorflow as tf

        cell = self.cell
        weights = _gate_order(tf.concat([cell.kernel, cell.recurrent_kernel], axis=0))
        zeros = tf.zeros([self.units], x.dtype)  # no peepholes
        h0, c0 = states
        x = tf.transpose(x, [1, 0, 2])  # time-major
        outputs = tf.raw_ops.BlockLSTM(
            seq_len_max=tf.cast(tf.shape(x)[0], tf.int64), x=x, cs_prev=c0, h_prev=h0, w=weights,
            wci=zeros, wcf=zeros, wco=zeros, b=_gate_order(cell.bias), forget_bias=0.0, cell_clip=-1.0,
            use_peephole=False,
        )
        c, h = outputs[1], outputs[6]
        return tf.transpose(h, [1, 0, 2]), [h[-1], c[-1]]


@keras.saving.register_keras_serializable(package="skrnn")
class FastSimpleRNN(_FastLoop, layers.SimpleRNN):
    """Keras' ``SimpleRNN`` with a leaner loop and hand-written gradient where it computes the same."""

    _activations = ("tanh",)

    def _loop(self, x, states):
        import tensorflow as tf

        projected = _project(self.cell, x, tf.convert_to_tensor(self.cell.bias))
        return _batch_major(_simple_rnn_loop(projected, tf.convert_to_tensor(self.cell.recurrent_kernel), states[0]))


@keras.saving.register_keras_serializable(package="skrnn")
class FastGRU(_FastLoop, layers.GRU):
    """Keras' ``GRU`` with a leaner loop and hand-written gradient where it computes the same."""

    _in_inference = False  # Keras' loop is as fast without a gradient to prepare for

    def _loop(self, x, states):
        import tensorflow as tf

        input_bias, recurrent_bias = tf.unstack(tf.convert_to_tensor(self.cell.bias))
        projected = _project(self.cell, x, input_bias)
        return _batch_major(_gru_loop(projected, tf.convert_to_tensor(self.cell.recurrent_kernel), recurrent_bias,
                                      states[0]))
