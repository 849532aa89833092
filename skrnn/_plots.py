"""Training curves and the model comparison chart (matplotlib, no display)."""

from __future__ import annotations

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def plot_history(history, path, *, title=""):
    """Accuracy and loss per epoch, training and validation, as a Keras user plots them."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, metric in zip(axes, ("accuracy", "loss")):
        for key, style, label in ((metric, "o-", "training"), (f"val_{metric}", "s--", "validation")):
            values = history.get(key)
            if values:
                ax.plot(range(1, len(values) + 1), values, style, label=label)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(metric)
        ax.set_title(f"{title}: {metric}")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_comparison(models, path):
    """Test accuracy and fit time of each model, side by side."""
    plt = _pyplot()
    names = [m.name for m in models]
    accuracy = [float(np.mean(m.accuracy)) for m in models]
    spread = [float(np.std(m.accuracy, ddof=1)) if len(m.accuracy) > 1 else 0.0 for m in models]
    fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(11, 4))
    errors = spread if any(spread) else None  # seeds' spread, when there are several
    bars = ax_acc.barh(names, accuracy, xerr=errors, color="tab:blue", capsize=3)
    ax_acc.bar_label(bars, fmt="%.3f", padding=8 if errors else 2)
    low = min(accuracy + [0.5])
    ax_acc.set_xlim(max(0.0, low - 0.05), 1.0)
    ax_acc.set_xlabel("test accuracy (mean, ± sd over seeds)")
    ax_acc.invert_yaxis()
    bars = ax_time.barh(names, [m.fit_seconds for m in models], color="tab:orange")
    ax_time.bar_label(bars, fmt="%.1f s", padding=2)
    ax_time.set_xlabel("fit time (s)")
    ax_time.invert_yaxis()
    fig.suptitle("RNN pipelines against TF-IDF baselines")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion(y_true, y_pred, labels, path, *, title=""):
    """The confusion matrix (rows: true class, columns: predicted), counts and row shares."""
    plt = _pyplot()
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 3, 1.2 * len(labels) + 2))
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=labels, ax=ax, colorbar=False,
                                            xticks_rotation=45)
    ax.set_title(f"{title}: confusion matrix")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_roc(y_positive, scores, path):
    """ROC curves of several models' positive-class probabilities, with their AUC."""
    plt = _pyplot()
    from sklearn.metrics import RocCurveDisplay

    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, score in scores.items():
        RocCurveDisplay.from_predictions(y_positive, score, name=name, ax=ax)
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set_title("ROC on the test rows")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
