"""Keras' and TensorFlow's global state: releasing it, seeding one block, op determinism, lazy building.

- :func:`release_keras_state` frees what earlier models left in Keras'
  global state, keeping a seed the user set.
- :func:`seed_scope` seeds Python, NumPy, TensorFlow and Keras for one
  block and puts every generator back afterwards.
- :func:`op_determinism_enabled` reads TensorFlow's op-determinism flag
  (no public getter exists).
- :func:`build_training_state` creates a compiled model's optimizer and
  metric variables before its first train step, through Keras' own
  ``_symbolic_build``.
- :func:`set_untracked_attribute` keeps a value on a Keras model outside
  Keras' attribute tracking.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import numpy as np

__all__ = [
    "release_keras_state", "seed_scope", "op_determinism_enabled", "build_training_state",
    "set_untracked_attribute", "FULL_COLLECTION_INTERVAL",
]

#: The keys of Keras' global state for the seed ``keras.utils.set_random_seed`` keeps (Keras >= 3.10; none
#: is kept before) and for the global seed generator (the same key since Keras 3.0).
_GLOBAL_RANDOM_SEED = "global_random_seed"
_GLOBAL_SEED_GENERATOR = "global_seed_generator"

#: ``release_keras_state`` runs a full garbage collection at most this often (seconds).
FULL_COLLECTION_INTERVAL = 10.0
_last_collection = [float("-inf")]


def release_keras_state():
    """Free what earlier models left in Keras' global state.

    A grid search builds hundreds of models. A seed the user set with
    ``keras.utils.set_random_seed`` is kept; fitted models keep working.

    Keras' ``clear_session`` also runs a full garbage collection, which with
    TensorFlow loaded costs about 0.2 s: more than a small model's whole fit.
    It runs here at most every ``FULL_COLLECTION_INTERVAL`` seconds, so a grid
    search of small fits does not pay it each time and earlier models'
    reference cycles are still freed while it runs (Python's own collector
    frees them too).
    """
    import gc
    import time

    import keras
    from keras.src.backend.common import global_state

    user_seed = global_state.get_global_attribute(_GLOBAL_RANDOM_SEED)
    keras.backend.clear_session(free_memory=False)
    now = time.monotonic()
    if now - _last_collection[0] >= FULL_COLLECTION_INTERVAL:
        gc.collect()
        _last_collection[0] = now
    if user_seed is not None:
        global_state.set_global_attribute(_GLOBAL_RANDOM_SEED, user_seed)


def build_training_state(model, batch):
    """Create ``model``'s optimizer and compiled-metric variables from one batch's shapes.

    Keras creates them lazily, inside the first train step it traces; a
    ``tf.function`` that creates variables on its first call is traced
    twice (once creating them, once without): left to Keras, a new model
    pays for two traces of its train step before its first batch. Built beforehand (by
    shape inference, nothing computed), the step is traced once. The
    variables start as they would have (zeros), so training is unchanged.
    A model that is built already, runs eagerly (nothing traced) or under a
    distribution strategy (Keras builds it then, in the strategy's scope) is
    left as it is.
    """
    build = getattr(model, "_symbolic_build", None)
    if build is None or model.run_eagerly or distribution_strategy(model) is not None:
        return
    build(data_batch=tuple(batch))


def distribution_strategy(model):
    """The ``tf.distribute`` strategy ``model`` was built under, or None."""
    return getattr(model, "_distribute_strategy", None)


def set_untracked_attribute(model, name, value):
    """Keep ``value`` on the Keras ``model`` as ``name``, bypassing Keras' attribute tracking.

    Keras tracks the attributes set on a model (layers, variables, ...);
    a Python function kept for the model's own use is not for it to track,
    nor saved with the model.
    """
    object.__setattr__(model, name, value)


def op_determinism_enabled():
    """Whether TensorFlow's op determinism is on (no public getter exists)."""
    from tensorflow.python.framework import config as tf_config

    return tf_config.is_op_determinism_enabled()


@contextmanager
def seed_scope(seed):
    """Seed Python, NumPy, TensorFlow and Keras for one block, then restore.

    Also turns TensorFlow's op determinism on for the block (and back off).
    Unlike scikeras' ``tensorflow_random_state`` this never sets the
    ``TF_DETERMINISTIC_OPS`` environment variable: TensorFlow caches that
    variable the first time it looks, so setting it even briefly can leave
    determinism on for the rest of the process.
    """
    if seed is None:
        yield
        return
    import tensorflow as tf
    from keras.src.backend.common import global_state
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config as tf_config

    saved_python, saved_numpy = random.getstate(), np.random.get_state()
    saved_tf_seed = context.global_seed()
    saved_generator = global_state.get_global_attribute(_GLOBAL_SEED_GENERATOR)
    was_deterministic = tf_config.is_op_determinism_enabled()
    try:
        random.seed(seed)
        np.random.seed(seed)
        tf.random.set_seed(seed)
        global_state.set_global_attribute(_GLOBAL_SEED_GENERATOR, None)
        if not was_deterministic:
            tf_config.enable_op_determinism()
        yield
    finally:
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)
        tf.random.set_seed(saved_tf_seed)
        global_state.set_global_attribute(_GLOBAL_SEED_GENERATOR, saved_generator)
        if not was_deterministic:
            tf_config.disable_op_determinism()
