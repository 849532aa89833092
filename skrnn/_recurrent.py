"""Faster recurrent layers for the CPU that compute what Keras' own compute.

:class:`FastLSTM` and :class:`FastSimpleRNN` are Keras' ``LSTM`` and
``SimpleRNN`` (same weights, same configuration, same saved files) with a
faster inner loop where that loop is a plain one: the TensorFlow backend, no
GPU (where Keras' LSTM already runs cuDNN), no mask (the packed model runs
unmasked, see :mod:`skrnn._model`), no ``recurrent_dropout``, ``go_backwards``
or ``unroll``, the default activations, float32. Anywhere else they are
exactly Keras' layers.

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
* SimpleRNN: the input projection ``x @ W + b`` is one matrix product over all
  the steps, and the loop keeps only ``h = tanh(p_t + h @ U)``, four steps per
  iteration; its gradient is written out by hand (backpropagation through
  time, a loop of the same size) and ``dL/dU`` is one matrix product after it.

Dropout on the inputs (``dropout``) uses the cell's own mask, drawn once per
batch and the same at every step, as Keras' cells do; so the faster layers
compute the same numbers as Keras' in training as well. Tested against
Keras' layers (outputs and gradients) in ``tests/test_recurrent.py``.
"""

from __future__ import annotations

import keras
from keras import layers

__all__ = ["FastLSTM", "FastSimpleRNN"]

#: Steps per while-loop iteration in the SimpleRNN loop (fewer loop-control ops per step).
_UNROLL = 4


def _fast_path(layer, mask, activations):
    """Whether ``layer`` can run the fused loop: a plain, unmasked, float32 layer on the CPU."""
    if keras.backend.backend() != "tensorflow" or mask is not None:
        return False
    if layer.go_backwards or layer.unroll or layer.recurrent_dropout or not layer.cell.use_bias:
        return False
    if layer.cell.compute_dtype != "float32":
        return False
    wanted = [keras.activations.get(name) for name in activations]
    current = [getattr(layer.cell, attr) for attr in ("activation", "recurrent_activation")[: len(activations)]]
    if current != wanted:
        return False
    import tensorflow as tf

    return not tf.config.list_logical_devices("GPU")


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


@keras.saving.register_keras_serializable(package="skrnn")
class FastLSTM(layers.LSTM):
    """Keras' ``LSTM``, run by TensorFlow's fused ``BlockLSTM`` op where it computes the same."""

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not _fast_path(self, mask, ("tanh", "sigmoid")):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        import tensorflow as tf

        cell = self.cell
        x = tf.transpose(_dropped(self, sequences, training), [1, 0, 2])  # time-major
        weights = _gate_order(tf.concat([cell.kernel, cell.recurrent_kernel], axis=0))
        zeros = tf.zeros([self.units], x.dtype)  # no peepholes
        h0, c0 = initial_state
        outputs = tf.raw_ops.BlockLSTM(
            seq_len_max=tf.cast(tf.shape(x)[0], tf.int64), x=x, cs_prev=c0, h_prev=h0, w=weights,
            wci=zeros, wcf=zeros, wco=zeros, b=_gate_order(cell.bias), forget_bias=0.0, cell_clip=-1.0,
            use_peephole=False,
        )
        c, h = outputs[1], outputs[6]
        return h[-1], tf.transpose(h, [1, 0, 2]), [h[-1], c[-1]]


def _simple_rnn_loop(projected, recurrent_kernel, h0):
    """``h_t = tanh(projected_t + h_{t-1} @ recurrent_kernel)`` over time-major ``projected``.

    Returns all the states, time-major. The gradient is backpropagation
    through time written out (see the module docstring).
    """
    import tensorflow as tf

    @tf.custom_gradient
    def loop(projected, kernel, h0):
        steps = tf.shape(projected)[0]
        blocks = (steps + _UNROLL - 1) // _UNROLL
        tail = [[0, blocks * _UNROLL - steps], [0, 0], [0, 0]]

        def by_block(sequence):  # (steps, batch, units) -> (blocks, _UNROLL, batch, units), zero-filled
            return tf.reshape(tf.pad(sequence, tail), tf.concat([[blocks, _UNROLL], tf.shape(sequence)[1:]], 0))

        def forward(j, h, states):
            block, out = inputs[j], []
            for s in range(_UNROLL):
                h = tf.tanh(block[s] + tf.matmul(h, kernel))
                out.append(h)
            return j + 1, h, states.write(j, tf.stack(out))

        inputs = by_block(projected)
        _, _, states = tf.while_loop(lambda j, *_: j < blocks, forward,
                                     (0, h0, tf.TensorArray(projected.dtype, size=blocks)))
        # The zero-filled steps after the last come after every real one: dropped.
        states = tf.reshape(states.stack(), tf.shape(tf.pad(projected, tail)))[:steps]

        def gradient(d_states):
            d_blocks, state_blocks = by_block(d_states), by_block(states)

            def backward(j, d_next, d_pre):
                d_block, state_block, out = d_blocks[j], state_blocks[j], [None] * _UNROLL
                for s in reversed(range(_UNROLL)):
                    out[s] = (d_block[s] + d_next) * (1.0 - tf.square(state_block[s]))
                    d_next = tf.matmul(out[s], kernel, transpose_b=True)
                return j - 1, d_next, d_pre.write(j, tf.stack(out))

            _, d_h0, d_pre = tf.while_loop(lambda j, *_: j >= 0, backward,
                                           (blocks - 1, tf.zeros_like(h0), tf.TensorArray(projected.dtype, size=blocks)))
            d_pre = tf.reshape(d_pre.stack(), tf.shape(tf.pad(projected, tail)))[:steps]
            previous = tf.concat([h0[None], states[:-1]], axis=0)
            units = tf.shape(kernel)[0]
            d_kernel = tf.matmul(tf.reshape(previous, [-1, units]), tf.reshape(d_pre, [-1, units]), transpose_a=True)
            return d_pre, d_kernel, d_h0

        return states, gradient

    return loop(projected, recurrent_kernel, h0)


@keras.saving.register_keras_serializable(package="skrnn")
class FastSimpleRNN(layers.SimpleRNN):
    """Keras' ``SimpleRNN`` with a leaner loop and hand-written gradient where it computes the same."""

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not _fast_path(self, mask, ("tanh",)):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        import tensorflow as tf

        cell = self.cell
        x = _dropped(self, sequences, training)
        projected = tf.einsum("btf,fu->tbu", x, tf.convert_to_tensor(cell.kernel)) + tf.convert_to_tensor(cell.bias)
        h0 = initial_state[0] if isinstance(initial_state, (list, tuple)) else initial_state
        states = _simple_rnn_loop(projected, tf.convert_to_tensor(cell.recurrent_kernel), h0)
        return states[-1], tf.transpose(states, [1, 0, 2]), [states[-1]]
