"""The one package that touches scikeras', Keras' and TensorFlow's internals.

A library upgrade that moves a private name breaks a module here; every
private name it uses, why, and the test that catches its change are listed
in docs/design.md ("Private names of other libraries"). One module a
concern:

- :mod:`.wrappers`: scikeras' ``KerasClassifier`` and ``KerasRegressor``
  with scikit-learn >= 1.6 tags, and scikeras' parameter routing.
- :mod:`.keras_state`: Keras' global state, scoped seeding, op determinism,
  optimizer variables built before the first step, attributes Keras does
  not track.
- :mod:`.pickling`: pickling a model whose frozen layers keep their
  optimizer slots.
- :mod:`.step_cache`: train steps and inference functions shared by models
  of one architecture.
- :mod:`.validation`: scikit-learn's parameter validation
  (``_parameter_constraints``, ``fit_context``, ``validate_params``).
- :mod:`.saved_model`: Keras' ``ExportArchive`` across Keras 3 versions.

The hooks of scikeras' ``BaseWrapper`` that the estimators override
(``_initialize``, ``_build_keras_model``, ``_fit_keras_model``, ...) are
listed there too: a subclass can only override them by their names.
"""

import importlib

#: Each name this package offers, and its module; imported on first use, so
#: that the transformers' import of the validation helpers loads no TensorFlow.
_NAMES = {
    "FULL_COLLECTION_INTERVAL": "keras_state", "build_training_state": "keras_state",
    "op_determinism_enabled": "keras_state", "release_keras_state": "keras_state", "seed_scope": "keras_state",
    "set_untracked_attribute": "keras_state",
    "picklable_with_frozen_layers": "pickling",
    "SHARED_STEPS": "step_cache", "clear_shared_steps": "step_cache", "kept_counts": "step_cache",
    "shared_predict_function": "step_cache", "shared_train_step": "step_cache",
    "KerasClassifierCompat": "wrappers", "KerasRegressorCompat": "wrappers", "route_params": "wrappers",
    "fit_seed": "wrappers", "fit_callbacks": "wrappers", "predict_callbacks": "wrappers", "fit_keywords": "wrappers",
    "target_type": "wrappers", "mark_routed_params": "wrappers",
    "Interval": "validation", "RealNotInt": "validation", "StrOptions": "validation", "fit_context": "validation",
    "validate_params": "validation",
    "write_saved_model": "saved_model",
}

__all__ = sorted(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
