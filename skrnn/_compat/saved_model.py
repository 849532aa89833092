"""Writing a SavedModel through Keras' ``ExportArchive`` on every Keras version skrnn supports.

``ExportArchive.write_out`` prints a summary of the endpoints. Newer Keras
3 releases leave it out with ``verbose=False``; Keras 3.5 has no such
argument, so there the summary is caught and dropped (output only behind
``verbose``, as everywhere in skrnn).
"""

import contextlib
import inspect
import io


def write_saved_model(archive, path):
    """``archive.write_out(path)``, without printing its summary."""
    if "verbose" in inspect.signature(archive.write_out).parameters:
        archive.write_out(str(path), verbose=False)
        return
    with contextlib.redirect_stdout(io.StringIO()):
        archive.write_out(str(path))
