"""Compiled steps shared between models of one architecture.

Tracing a new model's train step costs a second or more on a CPU, more
than a small fit's training, and a grid search fits the same architecture
on every fold. A traced step is a graph over the variables it captured;
given another model's variables of the same shapes in the same order, it
computes the same step on them (TensorFlow's ``ConcreteFunction._call_flat``
takes the captures as arguments).

What a graph computes is fixed by the Python values it was traced with, so
a step is shared only between models whose every such value is the same
*and written out by value*:

- the model's configuration (without its initializers, which set the
  starting weights, not the step) and its compile settings (optimizer,
  loss, metrics, their weights), where every object in them is a Keras or
  skrnn class or a string, so that its written-out configuration holds all
  of its settings. A Python function or a class of the user's own (a loss
  closure, a metric factory, a custom optimizer) is written out by its name
  only: two different ones may share a name, so a model with one traces
  its own step, as Keras does;
- the trainable flags, the data's shapes and types, the seed, op
  determinism, ``jit_compile`` and ``steps_per_execution``.

A shared step that TensorFlow refuses to call (a changed private
signature) gives way to Keras' own traced step in the same fit; a step
whose fit raised is never kept. The last ``SHARED_STEPS`` train steps and
inference functions are kept; each holds the variables (and so the model)
it was traced on, and nothing else is kept alive once it is dropped.
``skrnn.set_config(share_compiled_steps=False)`` turns sharing off and
drops them all.
"""

from __future__ import annotations

import inspect
import json
import threading
from contextlib import contextmanager

from .._config import sharing_enabled
from .keras_state import distribution_strategy, op_determinism_enabled

__all__ = ["shared_train_step", "shared_predict_function", "clear_shared_steps", "SHARED_STEPS"]

#: How many traced train steps (and, apart, inference functions) are kept, the most recently used.
SHARED_STEPS = 4
_train_steps = {}  # key -> _Traced, in order of use
_predict_steps = {}  # the same for inference functions
_steps_lock = threading.Lock()

#: Modules whose objects' written-out configurations hold all their settings.
_DESCRIBED_MODULES = ("keras", "skrnn")

#: Keras' markers of values written out in full (tensors, arrays, graph links); ``__lambda__`` is not one.
_VALUE_MARKERS = frozenset(
    {"__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__slice__", "__ellipsis__", "__typespec__"}
)

#: Errors of a call TensorFlow refused before running anything (a changed signature of a private method).
_REFUSED_CALL = (TypeError, AttributeError)


def clear_shared_steps():
    """Drop every kept train step and inference function."""
    with _steps_lock:
        _train_steps.clear()
        _predict_steps.clear()


def kept_counts():
    """How many train steps and inference functions are kept now."""
    with _steps_lock:
        return len(_train_steps), len(_predict_steps)


def _take(steps, key):
    with _steps_lock:
        return steps.pop(key, None)


def _keep(steps, key, traced):
    with _steps_lock:
        steps[key] = traced
        while len(steps) > SHARED_STEPS:
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


def _described_by_value(config):
    """Whether every object written out in ``config`` is a Keras or skrnn class (its settings all in it).

    A Python function, or a class of another module, is written out by its
    name alone (``{"module": "builtins", "class_name": "function", "config":
    "scaled_bce"}``): two different ones can look the same.
    """
    if isinstance(config, dict):
        if "class_name" in config and config["class_name"] not in _VALUE_MARKERS:
            module = str(config.get("module") or "")
            if config["class_name"] == "function" or module.split(".")[0] not in _DESCRIBED_MODULES:
                return False
        return all(_described_by_value(v) for v in config.values())
    if isinstance(config, (list, tuple)):
        return all(_described_by_value(v) for v in config)
    return config is None or isinstance(config, (str, int, float, bool))


def _compile_settings(model):
    """The compile configuration; a learning rate held in a variable (read by the step, not traced in) left out."""
    config = model.get_compile_config()
    optimizer = config.get("optimizer")
    if isinstance(optimizer, dict) and hasattr(getattr(model.optimizer, "_learning_rate", None), "assign"):
        config["optimizer"] = {**optimizer, "config": {k: v for k, v in optimizer.get("config", {}).items()
                                                      if k != "learning_rate"}}
    return config


def _config_key(model, **settings):
    """``model``'s configuration without initializers, op determinism and ``settings``, as a string.

    None where anything in them is not written out by value (nothing is
    shared then).
    """
    try:
        parts = {"model": _without_initializers(model.get_config()), "deterministic": op_determinism_enabled(),
                 **settings}
        if not _described_by_value(parts):
            return None
        return json.dumps(parts, sort_keys=True)
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return None


def _trainable_flags(model):
    return [v.trainable for v in model.variables]


def _step_key(model, element_spec, seed):
    """What the traced train step depends on, as a string; None where it cannot be shared."""
    if model.run_eagerly or distribution_strategy(model) is not None:
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
        seed=None if seed is None else int(seed),  # the graph-level seed a traced random op would take
    )


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

    def call(self, arguments, captures):
        return self.concrete._call_flat(arguments, captures)


def _traced_train_step(model):
    """The one traced train step of ``model`` (a ``_Traced``), or None."""
    try:
        function = inspect.getclosurevars(model.train_function).nonlocals["multi_step_on_iterator"]
        traced = function._list_all_concrete_functions()
    except (KeyError, AttributeError, TypeError):
        return None
    return _Traced.of(traced[0], _training_variables(model)) if len(traced) == 1 else None


class _SharedTrainFunction:
    """A train function running a kept step on a model's own variables, as Keras' own does for one step per call.

    If TensorFlow refuses the very first call (nothing has run yet), the
    model's own train function takes over for the whole fit.
    """

    def __init__(self, model, traced, captures):
        self.model, self.traced, self.captures = model, traced, captures
        self.own = None  # Keras' own train function, once it took over
        self.steps = 0

    def __call__(self, iterator):
        if self.own is not None:
            return self.own(iterator)
        import tensorflow as tf

        try:
            outputs = self.traced.call(tf.nest.flatten(iterator, expand_composites=True), self.captures)
        except _REFUSED_CALL:
            if self.steps:
                raise
            self.model.train_function = None
            self.model.make_train_function()
            self.own = self.model.train_function
            return self.own(iterator)
        self.steps += 1
        if not outputs.has_value():
            raise StopIteration
        return outputs.get_value()


@contextmanager
def shared_train_step(model, element_spec, seed):
    """Run ``model``'s fit with a train step traced before for the same architecture, if any.

    A new model whose key (see the module's docstring) matches a kept step
    runs it; otherwise Keras traces its own, which is kept after a fit that
    completes. Warm fits, eager models, distribution strategies and models
    with anything not written out by value are left to Keras.
    """
    key = None
    if sharing_enabled() and model.train_function is None:
        key = _step_key(model, element_spec, seed)
    if key is None:
        yield
        return
    trainable = _trainable_flags(model)
    kept = _take(_train_steps, key)  # out of the cache while in use: a fit that raises does not put it back
    captures = kept.captures(_training_variables(model)) if kept is not None else None
    function = _SharedTrainFunction(model, kept, captures) if captures is not None else None
    if function is not None:
        model.train_function = function
    yield
    if function is not None:
        if function.own is None:  # a refused step is not kept: it would be refused again
            _keep(_train_steps, key, kept)
    elif _trainable_flags(model) == trainable and sharing_enabled():
        traced = _traced_train_step(model)
        if traced is not None:
            _keep(_train_steps, key, traced)


class _SharedPredictFunction:
    """An inference function running a kept one on a model's own variables; the model's own if refused."""

    def __init__(self, key, traced, captures, trace):
        self.key, self.traced, self.captures, self.trace = key, traced, captures, trace
        self.own = None

    def __call__(self, x):
        if self.own is not None:
            return self.own(x)
        import tensorflow as tf

        try:
            return self.traced.call([tf.convert_to_tensor(x, tf.int32)], self.captures)
        except _REFUSED_CALL:
            _take(_predict_steps, self.key)  # refused once, refused for every model: no longer kept
            self.own = self.trace()
            return self.own(x)


def shared_predict_function(model, trace):
    """``model``'s inference function: one traced before for the same architecture, if any.

    ``trace()`` makes the model's own ``tf.function`` (an input signature
    fixed, so one concrete function); it is traced here and kept when no
    kept one fits, under the same rules as :func:`shared_train_step`, keyed
    by the model's configuration without its initializers.
    """
    key = _config_key(model) if sharing_enabled() else None
    if key is None:
        return trace()
    variables = _tf_variables(model.variables)
    kept = _take(_predict_steps, key)
    captures = kept.captures(variables) if kept is not None else None
    if captures is not None:
        _keep(_predict_steps, key, kept)
        return _SharedPredictFunction(key, kept, captures, trace)
    function = trace()
    try:
        traced = _Traced.of(function.get_concrete_function(), variables)
    except _REFUSED_CALL:
        traced = None
    if traced is not None:
        _keep(_predict_steps, key, traced)
    return function
