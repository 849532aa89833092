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

The hooks of scikeras' ``BaseWrapper`` that the estimators override
(``_initialize``, ``_build_keras_model``, ``_fit_keras_model``, ...) are
listed there too: a subclass can only override them by their names.
"""

from .keras_state import (
    FULL_COLLECTION_INTERVAL,
    build_training_state,
    op_determinism_enabled,
    release_keras_state,
    seed_scope,
    set_untracked_attribute,
)
from .pickling import picklable_with_frozen_layers
from .step_cache import SHARED_STEPS, clear_shared_steps, kept_counts, shared_predict_function, shared_train_step
from .wrappers import KerasClassifierCompat, KerasRegressorCompat, route_params

__all__ = [
    "KerasClassifierCompat", "KerasRegressorCompat", "route_params", "release_keras_state", "seed_scope",
    "op_determinism_enabled", "picklable_with_frozen_layers", "build_training_state", "shared_train_step",
    "shared_predict_function", "clear_shared_steps", "kept_counts", "set_untracked_attribute", "SHARED_STEPS",
    "FULL_COLLECTION_INTERVAL",
]
