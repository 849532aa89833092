"""Progress for long work: a tqdm bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    """Reports what a long run is doing.

    Parameters
    ----------
    stream : file, default=sys.stderr
    bar : bool or None, default=None
        Draw progress bars (tqdm); ``None``: only when ``stream`` is a
        terminal. Without bars each epoch ends with one plain line.
    quiet : bool, default=False
        Report nothing.
    """

    def __init__(self, stream=None, bar=None, quiet=False):
        self.stream = stream if stream is not None else sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self.quiet = quiet
        self.start = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self.start

    def line(self, text):
        if not self.quiet:
            print(f"[{self.elapsed():7.1f}s] {text}", file=self.stream, flush=True)

    def keras_callback(self, name, epochs):
        """A Keras callback reporting epochs (and batches, with a bar); ``epochs`` may be ``"auto"``."""
        import keras

        progress = self
        of = f"/{epochs}" if isinstance(epochs, int) else ""

        class _EpochProgress(keras.callbacks.Callback):
            def __reduce__(self):
                # A fitted model that is saved keeps no tie to this run's output stream.
                return keras.callbacks.Callback, ()

            def on_epoch_begin(self, epoch, logs=None):
                self.epoch_start = time.perf_counter()
                self.bar = None
                if progress.bar and not progress.quiet:
                    from tqdm.auto import tqdm

                    self.bar = tqdm(
                        total=self.params.get("steps"), desc=f"{name} epoch {epoch + 1}{of}",
                        unit="batch", file=progress.stream, leave=False,
                    )

            def on_train_batch_end(self, batch, logs=None):
                if self.bar is not None:
                    self.bar.update(1)
                    if logs and "loss" in logs:
                        self.bar.set_postfix(loss=f"{float(logs['loss']):.4f}", refresh=False)

            def on_epoch_end(self, epoch, logs=None):
                if self.bar is not None:
                    self.bar.close()
                logs = logs or {}
                shown = ", ".join(f"{k} {float(v):.4f}" for k, v in logs.items() if "loss" in k or "acc" in k)
                progress.line(
                    f"[{name}] epoch {epoch + 1}{of} ({time.perf_counter() - self.epoch_start:.1f} s): {shown}"
                )

        return _EpochProgress()
