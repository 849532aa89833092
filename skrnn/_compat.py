"""The one place that touches scikeras', Keras' and TensorFlow's internals.

A library upgrade that moves a private name breaks this file and no other.

- :class:`KerasClassifierCompat` and :class:`KerasRegressorCompat` adapt
  scikeras 0.13 to current scikit-learn. scikeras 0.13.0 (its last release) predates scikit-learn
  1.6's tag API: ``KerasClassifier`` lists ``ClassifierMixin`` *after*
  ``BaseWrapper``, and ``BaseEstimator.__sklearn_tags__`` does not call
  ``super()``, so the classifier tags are never set. Under scikit-learn >= 1.6
  that makes ``sklearn.base.is_classifier`` return False, which silently
  turns ``GridSearchCV(cv=5)`` into plain ``KFold`` instead of
  ``StratifiedKFold`` and makes ``scoring="roc_auc"`` fail (it needs
  ``predict_proba`` of a classifier). scikeras also still describes its tags
  through ``_more_tags``, which calls a ``BaseEstimator._more_tags`` that
  scikit-learn 1.7 removed. ``KerasRegressor`` has the same two faults
  (``is_regressor`` is False). The subclasses mend both and change nothing in
  scikeras itself (no monkey-patching), so other code using scikeras in the
  same process is unaffected.
- :func:`route_params` is scikeras' routing of ``fit__*``, ``predict__*``,
  ... parameters.
- :func:`release_keras_state` and :func:`seed_scope` reach into Keras' global
  state and TensorFlow's seeding and op determinism.
- :func:`build_training_state` creates a compiled model's optimizer and
  metric variables before its first train step, through Keras' own
  ``_symbolic_build``.
- :func:`shared_train_step` and :func:`shared_predict_function` let a new
  model run the train step or inference function another model of the same
  architecture traced, in place of the traced function's captured variables
  (TensorFlow's ``ConcreteFunction._call_flat``).
- :func:`picklable_with_frozen_layers` pickles a model through scikeras'
  packing so that a frozen layer keeps its optimizer slots: Keras' loader
  builds the optimizer for the trainable weights only, so a model saved with
  a frozen layer whose optimizer has a slot for it would lose the whole
  optimizer state on loading.
"""

from __future__ import annotations

import random
import threading
from contextlib import contextmanager

import numpy as np
from scikeras._saving_utils import pack_keras_model, unpack_keras_model
from scikeras._utils import route_params
from scikeras.wrappers import KerasClassifier, KerasRegressor
from sklearn.utils import ClassifierTags, RegressorTags

__all__ = [
    "KerasClassifierCompat", "KerasRegressorCompat", "route_params", "release_keras_state", "seed_scope",
    "op_determinism_enabled", "picklable_with_frozen_layers", "build_training_state", "shared_train_step",
    "shared_predict_function",
]


def _mended_tags(wrapper, tags, estimator_type, kind_tags):
    """scikit-learn >= 1.6 tags for a scikeras wrapper: its kind, and scikeras' own ``_tags`` in the new API."""
    tags.estimator_type = estimator_type
    setattr(tags, f"{estimator_type}_tags", kind_tags)
    tags.target_tags.required = True
    kind_tags.poor_score = bool(wrapper._tags.get("poor_score", False))
    return tags


class KerasClassifierCompat(KerasClassifier):
    """``scikeras.wrappers.KerasClassifier`` with scikit-learn >= 1.6 tags."""

    def __sklearn_tags__(self):
        return _mended_tags(self, super().__sklearn_tags__(), "classifier", ClassifierTags())

    def _more_tags(self):
        # scikeras calls super()._more_tags(), gone in scikit-learn >= 1.7.
        return dict(self._tags)


class KerasRegressorCompat(KerasRegressor):
    """``scikeras.wrappers.KerasRegressor`` with scikit-learn >= 1.6 tags."""

    def __sklearn_tags__(self):
        return _mended_tags(self, super().__sklearn_tags__(), "regressor", RegressorTags())

    def _more_tags(self):
        return dict(self._tags)


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
    from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED

    user_seed = global_state.get_global_attribute(GLOBAL_RANDOM_SEED)
    keras.backend.clear_session(free_memory=False)
    now = time.monotonic()
    if now - _last_collection[0] >= FULL_COLLECTION_INTERVAL:
        gc.collect()
        _last_collection[0] = now
    if user_seed is not None:
        global_state.set_global_attribute(GLOBAL_RANDOM_SEED, user_seed)


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
    if build is None or model.run_eagerly or getattr(model, "_distribute_strategy", None) is not None:
        return
    build(data_batch=tuple(batch))


#: How many traced train steps :func:`shared_train_step` keeps (the most recently used).
SHARED_TRAIN_STEPS = 4
_train_steps = {}  # key -> _Traced, in order of use
_predict_steps = {}  # the same for inference functions
_steps_lock = threading.Lock()


def _take(steps, key):
    with _steps_lock:
        return steps.pop(key, None)


def _keep(steps, key, traced):
    with _steps_lock:
        steps[key] = traced
        while len(steps) > SHARED_TRAIN_STEPS:
            del steps[next(iter(steps))]


def _tf_variables(*groups):
    """The TensorFlow variables behind Keras ``groups`` of variables, each once, in order."""
    found, seen = [], set()
    for v in (v for group in groups for v in group):
        v = getattr(v, "value", v)  # a Keras variable's TensorFlow variable
        if id(v) not in seen:
            seen.add(id(v))
            found.append(v)
    return found


def _training_variables(model):
    """Every TensorFlow variable a train step of ``model`` may touch, in a fixed order."""
    return _tf_variables(model.variables, model.optimizer.variables, model.metrics_variables)


def _without_initializers(config):
    """``config`` with every initializer's settings left out: they set the starting weights, not the step."""
    if isinstance(config, dict):
        if str(config.get("module", "")).startswith("keras.initializers"):
            return config.get("class_name")
        return {k: _without_initializers(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_without_initializers(v) for v in config]
    return config


def _compile_settings(model):
    """The compile configuration; a learning rate held in a variable (read by the step, not traced in) left out."""
    import keras

    config = model.get_compile_config()
    optimizer = config.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(getattr(model.optimizer, "_learning_rate", None), keras.Variable):
        config["optimizer"] = {**optimizer, "config": {k: v for k, v in optimizer.get("config", {}).items()
                                                      if k != "learning_rate"}}
    return config


def _config_key(model, **settings):
    """``model``'s configuration without initializers, op determinism and ``settings``, as a string.

    None where the configuration cannot be written out (nothing is shared then).
    """
    import json

    try:
        parts = {"model": _without_initializers(model.get_config()), "deterministic": op_determinism_enabled(),
                 **settings}
        return json.dumps(parts, sort_keys=True, default=repr)
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return None


def _step_key(model, element_spec, seed):
    """What the traced train step depends on, as a string; None where it cannot be shared."""
    if model.run_eagerly or getattr(model, "_distribute_strategy", None) is not None:
        return None
    try:
        compile_settings = _compile_settings(model)
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return None
    return _config_key(
        model,
        compile=compile_settings,
        trainable=_trainable_flags(model),
        data=repr(element_spec),
        jit=repr(model.jit_compile),
        steps=repr(model.steps_per_execution),
        seed=seed,  # the graph-level seed a traced random op would take
    )


def _trainable_flags(model):
    return [v.trainable for v in model.variables]


class _Traced:
    """A traced function and the order of the variables it captured."""

    def __init__(self, concrete, positions, specs):
        self.concrete = concrete
        self.positions = positions  # capture i is variables[positions[i]]
        self.specs = specs

    @classmethod
    def of(cls, concrete, variables):
        """``concrete`` over ``variables``; None unless every capture is one of them (and it can be called so)."""
        if not callable(getattr(concrete, "_call_flat", None)):
            return None
        index = {id(v.handle): i for i, v in enumerate(variables)}
        positions = [index.get(id(capture)) for capture in concrete.captured_inputs]
        if None in positions:
            return None
        return cls(concrete, positions, [(tuple(v.shape), v.dtype) for v in variables])

    def captures(self, variables):
        """The handles standing for the captures among ``variables``; None if their shapes differ."""
        if [(tuple(v.shape), v.dtype) for v in variables] != self.specs:
            return None
        return [variables[i].handle for i in self.positions]


def _traced_train_step(model):
    """The one traced train step of ``model`` (a ``_Traced``), or None."""
    import inspect

    try:
        function = inspect.getclosurevars(model.train_function).nonlocals["multi_step_on_iterator"]
        traced = function._list_all_concrete_functions()
    except (KeyError, AttributeError, TypeError):
        return None
    return _Traced.of(traced[0], _training_variables(model)) if len(traced) == 1 else None


def _train_function(concrete, captures):
    """A train function running ``concrete`` on ``captures``, as Keras' own does for one step per call."""
    from tensorflow.python.util import nest

    def function(iterator):
        outputs = concrete._call_flat(nest.flatten(iterator, expand_composites=True), captures)
        if not outputs.has_value():
            raise StopIteration
        return outputs.get_value()

    return function


@contextmanager
def shared_train_step(model, element_spec, seed):
    """Run ``model``'s fit with a train step traced before for the same architecture, if any.

    Tracing a new model's train step costs a second or more on a CPU, more
    than a small fit's training; a grid search fits the same architecture
    on every fold. A traced step is a graph over the variables it captured;
    given another model's variables of the same shapes in the same order, it
    computes the same step on them. The key covers all that shapes the
    graph: the model's configuration without its initializers, the compile
    settings, the trainable flags, the data's shapes and types, the seed and
    op determinism. A new model whose key matches a kept step runs it;
    otherwise Keras traces its own, which is kept after a fit that completes
    (the ``SHARED_TRAIN_STEPS`` most recently used). A kept step holds the
    variables it was traced on, so up to that many small models stay in
    memory. Warm fits, eager models and distribution strategies are left to
    Keras.
    """
    key = None if model.train_function is not None else _step_key(model, element_spec, seed)
    if key is None:
        yield
        return
    trainable = _trainable_flags(model)
    kept = _take(_train_steps, key)
    captures = kept.captures(_training_variables(model)) if kept is not None else None
    function = _train_function(kept.concrete, captures) if captures is not None else None
    if function is not None:
        model.train_function = function
    completed = False
    try:
        yield
        completed = True
    finally:
        if function is None and completed and _trainable_flags(model) == trainable:
            kept = _traced_train_step(model)
        if kept is not None:
            _keep(_train_steps, key, kept)


def shared_predict_function(model, trace):
    """``model``'s inference function: one traced before for the same architecture, if any.

    ``trace()`` makes the model's own ``tf.function`` (an input signature
    fixed, so one concrete function); it is traced here and kept (the
    ``SHARED_TRAIN_STEPS`` most recently used) when no kept one fits, under
    the same rules as :func:`shared_train_step`, keyed by the model's
    configuration without its initializers.
    """
    key = _config_key(model)
    if key is None:
        return trace()
    variables = _tf_variables(model.variables)
    kept = _take(_predict_steps, key)
    captures = kept.captures(variables) if kept is not None else None
    if captures is not None:
        _keep(_predict_steps, key, kept)
        return _predict_function(kept.concrete, captures)
    function = trace()
    traced = _Traced.of(function.get_concrete_function(), variables)
    if traced is not None:
        _keep(_predict_steps, key, traced)
    return function


def _predict_function(concrete, captures):
    """An inference function running ``concrete`` on ``captures``."""
    import tensorflow as tf

    def predict(x):
        return concrete._call_flat([tf.convert_to_tensor(x, tf.int32)], captures)

    return predict


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
    from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config as tf_config

    saved_python, saved_numpy = random.getstate(), np.random.get_state()
    saved_tf_seed = context.global_seed()
    saved_generator = global_state.get_global_attribute(GLOBAL_SEED_GENERATOR)
    was_deterministic = tf_config.is_op_determinism_enabled()
    try:
        random.seed(seed)
        np.random.seed(seed)
        tf.random.set_seed(seed)
        global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, None)
        if not was_deterministic:
            tf_config.enable_op_determinism()
        yield
    finally:
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)
        tf.random.set_seed(saved_tf_seed)
        global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, saved_generator)
        if not was_deterministic:
            tf_config.disable_op_determinism()


def _unpack_with_frozen_layers(model_bytes, names):
    model = unpack_keras_model(model_bytes)
    for name in names:
        model.get_layer(name).trainable = False
    return model


class _FrozenLayersPickle:
    """Pickles as its model, saved with the frozen layers marked trainable, then frozen again on loading."""

    def __init__(self, model, names):
        self.model, self.names = model, list(names)

    def __reduce__(self):
        layers = [self.model.get_layer(name) for name in self.names]
        for layer in layers:
            layer.trainable = True
        try:
            _, (model_bytes,) = pack_keras_model(self.model)
        finally:
            for layer in layers:
                layer.trainable = False
        return _unpack_with_frozen_layers, (model_bytes, self.names)


def picklable_with_frozen_layers(model):
    """``model``, or a stand-in that pickles to it with its frozen layers' optimizer slots kept."""
    frozen = [layer.name for layer in model.layers if not layer.trainable and layer.weights]
    return _FrozenLayersPickle(model, frozen) if frozen else model
