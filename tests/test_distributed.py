"""Grid search on a real Dask LocalCluster, and tf.distribute strategies."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skrnn import LSTMClassifier, SequencePadder, TextVectorizer

from .helpers import LABELS, TEXTS

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")


def search():
    pipeline = make_pipeline(
        TextVectorizer(), SequencePadder(maxlen=60),
        LSTMClassifier(embedding_dim=8, units=4, epochs=2, random_state=0, run_eagerly=True),
    )
    grid = {"textvectorizer__max_features": [500, 2000], "lstmclassifier__pooling": ["max", "last"]}
    return GridSearchCV(pipeline, grid, cv=2)


def test_grid_searches_on_a_local_dask_cluster_match_sequential(imdb_sample):
    """Two searches on one LocalCluster (two worker processes; starting it costs more than either search)."""
    from distributed import Client, LocalCluster

    from skrnn.distributed import TensorFlowThreads

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.register_plugin(TensorFlowThreads())
        threads = client.run(lambda: __import__("tensorflow").config.threading.get_intra_op_parallelism_threads())
        assert set(threads.values()) == {1}
        _imdb_grid_search_matches_sequential(*imdb_sample[:2])
        _embedding_matrix_survives_a_grid_search()


def _imdb_grid_search_matches_sequential(X, y):
    import joblib

    X, y = X[:200], y[:200]
    sequential = search().fit(X, y)
    with joblib.parallel_backend("dask"):
        on_cluster = search().fit(X, y)
    assert on_cluster.best_params_ == sequential.best_params_
    np.testing.assert_array_equal(on_cluster.cv_results_["mean_test_score"],
                                  sequential.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(on_cluster.predict_proba(X[:20]), sequential.predict_proba(X[:20]))


def _embedding_matrix_survives_a_grid_search():
    import joblib

    from skrnn.embeddings import embedding_matrix

    vocabulary = TextVectorizer().fit(TEXTS)
    matrix = embedding_matrix(vocabulary, {w: np.full(4, len(w) / 10) for w in vocabulary.vocabulary_},
                              random_state=0)
    pipeline = make_pipeline(TextVectorizer(vocabulary=vocabulary.vocabulary_), SequencePadder(maxlen=12),
                             LSTMClassifier(units=4, epochs=2, random_state=0, run_eagerly=True))
    grid = [{"lstmclassifier__embeddings": [None]},
            {"lstmclassifier__embeddings": [matrix], "lstmclassifier__trainable_embeddings": [False, 1]}]
    sequential = GridSearchCV(pipeline, grid, cv=2).fit(TEXTS, LABELS)
    with joblib.parallel_backend("dask"):
        on_cluster = GridSearchCV(pipeline, grid, cv=2).fit(TEXTS, LABELS)
    np.testing.assert_array_equal(on_cluster.cv_results_["mean_test_score"],
                                  sequential.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(on_cluster.predict_proba(TEXTS), sequential.predict_proba(TEXTS))


@pytest.mark.parametrize("strategy", ["default", "mirrored-cpu"])
def test_distribution_strategies_train_on_cpu(strategy):
    import tensorflow as tf

    if strategy == "mirrored-cpu":
        strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    pipe = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12),
                         LSTMClassifier(units=8, epochs=8, random_state=0, distribution_strategy=strategy))
    pipe.fit(TEXTS, LABELS)
    model = pipe[-1].model_
    if strategy != "default":
        assert model.distribute_strategy is strategy
    assert pipe.score(TEXTS, LABELS) > 0.9


def test_mirrored_string_is_cloneable():
    from sklearn.base import clone

    est = LSTMClassifier(distribution_strategy="mirrored")
    assert clone(est).distribution_strategy == "mirrored"
    with pytest.raises(ValueError, match="distribution_strategy"):
        LSTMClassifier(distribution_strategy="tpu-pod", epochs=1).fit(np.array([[2, 3], [3, 2]]), [0, 1])
