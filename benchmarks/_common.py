"""Helpers shared by the benchmark scripts."""

import os
import platform
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"


def data_home():
    """SKRNN_DATA_HOME, else ../shared/data beside the repository."""
    return os.environ.get("SKRNN_DATA_HOME") or str(REPO.parent / "shared" / "data")


def machine():
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def peak_rss_mib():
    """The process's maximum resident set size so far, in MiB.

    Reads VmHWM from /proc/self/status where there is one: Linux carries
    ``ru_maxrss`` over from the parent into a child started with
    fork + exec, so a fresh subprocess would report its parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_section(name, markdown):
    """Replace the section between the markers ``<!-- name -->`` and ``<!-- /name -->``."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"(written into {DOC.relative_to(REPO)}, section {name})", file=sys.stderr)


def epoch_clock():
    """A Keras callback summing the seconds between epoch begin and end (``.seconds``).

    Next to the wall time of a ``fit`` call, it separates the epochs from
    what happens outside them (building, iterator set-up and tear-down).
    """
    import time

    import keras

    class EpochClock(keras.callbacks.Callback):
        seconds = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds += time.perf_counter() - self.start

    return EpochClock()
