"""Writing a SavedModel through Keras' ``ExportArchive`` on every Keras version skrnn supports.

``ExportArchive.write_out`` prints a summary of the endpoints unless told
``verbose=False``, an argument newer Keras 3 releases have and Keras 3.5
has not (it prints nothing there).
"""

import inspect


def write_saved_model(archive, path):
    """``archive.write_out(path)``, without its printed summary where Keras offers to leave it out."""
    quiet = {"verbose": False} if "verbose" in inspect.signature(archive.write_out).parameters else {}
    archive.write_out(str(path), **quiet)
