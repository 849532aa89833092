"""Pickling a Keras model whose frozen layers keep their optimizer slots.

Keras' loader builds the optimizer for the trainable weights only, so a
model saved with a frozen layer whose optimizer has a slot for it would
lose the whole optimizer state on loading. :func:`picklable_with_frozen_layers`
pickles such a model through scikeras' packing with the frozen layers
marked trainable, and freezes them again on loading.
"""

from __future__ import annotations

from scikeras._saving_utils import pack_keras_model, unpack_keras_model

__all__ = ["picklable_with_frozen_layers"]


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
