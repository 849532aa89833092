"""Training curves and the model comparison chart (matplotlib, no display)."""

from __future__ import annotations

import numpy as np


def pyplot():
    """Matplotlib's pyplot on a backend that draws to files (Agg) unless one was chosen."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def plot_history(history, path, *, title=""):
    """Accuracy and loss per epoch, training and validation, as a Keras user plots them.

    Parameters
    ----------
    history : dict
        An estimator's ``history_``: a list of values per metric, with
        ``val_`` in front for the validation rows.
    path : str or path-like
        The PNG to write.
    title : str, default=""
        The figure's title.
    """
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    metrics = [m for m in ("accuracy", "loss") if history.get(m) or history.get(f"val_{m}")]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 4), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
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
    plt = pyplot()
    names = [m.name for m in models]
    scores = [m.scores["accuracy"] for m in models]
    accuracy = [float(np.mean(s)) for s in scores]
    spread = [float(np.std(s, ddof=1)) if len(s) > 1 else 0.0 for s in scores]
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
    plt = pyplot()
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
    plt = pyplot()
    from sklearn.metrics import RocCurveDisplay

    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, score in scores.items():
        RocCurveDisplay.from_predictions(y_positive, score, name=name, ax=ax)
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set_title("ROC on the test rows")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_ratings(y_true, predictions, path):
    """Predicted against true rating: per true rating, each model's predictions as a box (1-10 scale)."""
    plt = pyplot()

    y_true = np.asarray(y_true, dtype=float)
    ratings = np.unique(y_true)
    names = list(predictions)
    fig, ax = plt.subplots(figsize=(min(12, max(6, 0.7 * len(ratings) * len(names))), 4.5))
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        pred = np.asarray(predictions[name], dtype=float)
        positions = np.arange(len(ratings)) + (k - (len(names) - 1) / 2) * width
        boxes = ax.boxplot([pred[y_true == r] for r in ratings], positions=positions, widths=width * 0.9,
                           showfliers=False, patch_artist=True)
        for patch in boxes["boxes"]:
            patch.set_facecolor(f"C{k}")
            patch.set_alpha(0.6)
        ax.plot([], [], "s", color=f"C{k}", label=name)
    ax.plot(np.arange(len(ratings)), ratings, "_", color="crimson", markersize=22, markeredgewidth=2.5,
            label="true rating")
    ax.set_xticks(np.arange(len(ratings)), [f"{r:g}" for r in ratings])
    ax.set_xlabel("true rating")
    ax.set_ylabel("predicted rating")
    ax.set_title("Predicted ratings per true rating (boxes: quartiles, whiskers: 1.5 IQR)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)



def plot_predictions(y_true, predictions, path):
    """Predicted against true value, one panel per model, with the diagonal of perfect predictions."""
    plt = pyplot()

    y_true = np.asarray(y_true, dtype=float)
    fig, axes = plt.subplots(1, len(predictions), figsize=(4.5 * len(predictions), 4.5), squeeze=False)
    low, high = float(y_true.min()), float(y_true.max())
    for ax, (name, pred) in zip(axes[0], predictions.items()):
        ax.scatter(y_true, np.asarray(pred, dtype=float), s=6, alpha=0.4)
        ax.plot([low, high], [low, high], color="crimson", linewidth=1.5, label="perfect")
        ax.set_xlabel("true value")
        ax.set_ylabel("predicted value")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
