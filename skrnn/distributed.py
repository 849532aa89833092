"""Running skrnn's grid searches on a Dask cluster.

scikit-learn parallelises a search through joblib, and joblib's ``"dask"``
backend sends the candidates to the workers of a ``dask.distributed``
cluster; skrnn's estimators and fitted pipelines pickle, so they travel to the
workers and back. Nothing here schedules anything: it only keeps each
worker's TensorFlow to its share of the cores, so that several workers on one
machine do not oversubscribe it (by default TensorFlow sizes its thread pools
to all cores of the machine, in every worker process).

Example
-------
>>> import joblib
>>> from dask.distributed import Client, LocalCluster            # doctest: +SKIP
>>> from skrnn.distributed import TensorFlowThreads
>>> cluster = LocalCluster(n_workers=2, threads_per_worker=1)     # doctest: +SKIP
>>> client = Client(cluster)                                      # doctest: +SKIP
>>> client.register_plugin(TensorFlowThreads())                   # doctest: +SKIP
>>> with joblib.parallel_backend("dask"):                         # doctest: +SKIP
...     search.fit(X, y)

Requires the ``dask`` extra (``pip install ".[dask]"`` in the skrnn checkout).
"""

from __future__ import annotations

import os

__all__ = ["limit_tensorflow_threads", "TensorFlowThreads"]


def limit_tensorflow_threads(intra_op=None, inter_op=None):
    """Size this process's TensorFlow thread pools.

    Must run before TensorFlow executes its first operation in the process
    (TensorFlow fixes the pools then); in a fresh Dask worker that holds.

    Parameters
    ----------
    intra_op : int or None
        Threads inside one operation (a matrix product). ``None``: the
        process's share of the cores, ``cpu_count // n_workers_on_host``
        as given by ``SKRNN_WORKERS_PER_HOST`` (default 1).
    inter_op : int or None
        Operations run side by side; ``None``: 1 when ``intra_op`` is 1,
        else 2.

    Returns
    -------
    applied : bool
        False if TensorFlow had already started and kept its pools.
    """
    import tensorflow as tf

    if intra_op is None:
        share = int(os.environ.get("SKRNN_WORKERS_PER_HOST", "1"))
        intra_op = max(1, (os.cpu_count() or 1) // max(1, share))
    if inter_op is None:
        inter_op = 1 if intra_op == 1 else 2
    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(intra_op))
        tf.config.threading.set_inter_op_parallelism_threads(int(inter_op))
    except RuntimeError:  # "... cannot be modified after initialization"
        return False
    return True


try:  # the plugin needs dask.distributed (the dask extra)
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - without the extra
    _WorkerPlugin = object


class TensorFlowThreads(_WorkerPlugin):
    """Dask worker plugin: limit each worker's TensorFlow threads.

    Parameters
    ----------
    intra_op : int or None, default=None
        Threads per operation; ``None`` gives the worker its
        ``nthreads`` (the ``threads_per_worker`` of the cluster).
    inter_op : int or None, default=None
        See :func:`limit_tensorflow_threads`.

    Notes
    -----
    Register it with ``client.register_plugin(TensorFlowThreads())``; it runs
    on every current and future worker.
    """

    name = "skrnn-tensorflow-threads"

    def __init__(self, intra_op=None, inter_op=None):
        self.intra_op = intra_op
        self.inter_op = inter_op

    def setup(self, worker):
        intra = self.intra_op if self.intra_op is not None else getattr(worker, "state", worker).nthreads
        self.applied = limit_tensorflow_threads(intra, self.inter_op)
