"""skrnn: scikit-learn compatible recurrent-network text classifiers and regressors.

The transformers (:class:`TextVectorizer`, :class:`SequencePadder`), the
IMDB loader and the word-vector tools (:mod:`skrnn.embeddings`) import
without TensorFlow; the classifiers and regressors, which need Keras and
TensorFlow, are imported on first use.
"""

from . import datasets, embeddings
from ._config import config_context, get_config, set_config
from ._sequence import SequencePadder
from ._text import TextVectorizer

__version__ = "0.1.0"

_LAZY = {
    "SimpleRNNClassifier": "._classifiers",
    "LSTMClassifier": "._classifiers",
    "GRUClassifier": "._classifiers",
    "SimpleRNNRegressor": "._regressors",
    "LSTMRegressor": "._regressors",
    "GRURegressor": "._regressors",
    "reference": ".reference",
    "inspection": ".inspection",
    "export": ".export",
}

__all__ = [
    "TextVectorizer",
    "SequencePadder",
    "SimpleRNNClassifier",
    "LSTMClassifier",
    "GRUClassifier",
    "SimpleRNNRegressor",
    "LSTMRegressor",
    "GRURegressor",
    "datasets",
    "embeddings",
    "reference",
    "inspection",
    "export",
    "get_config",
    "set_config",
    "config_context",
]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name], __name__)
        value = module if name in ("reference", "inspection", "export") else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skrnn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
