"""The report of a comparison: results.json, report.md and the plots, written all at once."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from .._plots import plot_history

__all__ = ["write_report", "write_rating_report"]


def training_lines(models):
    """The report's lines on how long each network trained, seed by seed."""
    lines = []
    for m in models:
        if m.training:
            def each(key, m=m):
                return "/".join(str(t[key]) for t in m.training)

            lines.append(f"- {m.name}: batches of {each('batch_size')}; {each('epochs')} epochs run, the weights of "
                         f"epoch {each('best_epoch')} kept (seed by seed, first fold)")
    if not lines:
        return ""
    return "\n\n## How long each network trained\n\n" + "\n".join(lines)


def write_rating_report(comparison, out, all_runs, splits):
    """Write results.json, report.md and the plots of a rating comparison into ``out``, all at once."""
    from .._plots import plot_ratings
    from ._summary import RATING_MIDPOINT

    def write(staging):
        (staging / "results.json").write_text(
            json.dumps(asdict(comparison), indent=2, default=json_default), encoding="utf-8")
        plots, warnings = [], []
        for m in comparison.models:
            if m.history:
                draw_one(staging, f"curves_{m.name}.png", lambda path, m=m: plot_history(m.history, path, title=m.name),
                      plots, warnings)
        best_rnn = min((m for m in comparison.models if m.kind == "rnn"), key=lambda m: np.mean(m.rmse), default=None)
        shown = [m.name for m in (find_model(comparison, comparison.baseline), best_rnn) if m is not None]
        y = np.concatenate([np.asarray(s.y_test, dtype=float) for s in splits])
        draw_one(staging, "ratings.png", lambda path: plot_ratings(
            y, {name: np.concatenate([np.asarray(r["pred"], dtype=float) for r in all_runs[name][0]])
                for name in shown}, path), plots, warnings)
        c = comparison
        seeds = c.settings.get("seeds", 1)
        settings = "\n".join(f"- {k}: {v}" for k, v in c.settings.items())
        versions = ", ".join(f"{k} {v}" for k, v in c.versions.items())
        images = "\n\n".join(f"![{p}]({p})" for p in plots)
        verdicts = "\n".join(f"- {v}" for v in c.verdicts())
        (staging / "report.md").write_text(
            "# skrnn compare: star ratings\n\n"
            + "".join(f"> **Warning:** {w}\n\n" for w in warnings)
            + f"{c.data}.\n\n"
            f"RMSE, MAE and R² of the predicted ratings, and the sentiment accuracy of their side of "
            f"{RATING_MIDPOINT} (ratings 1-4 are negative reviews, 7-10 positive): mean ± standard deviation over "
            f"{seeds} seed(s) for the recurrent models (TF-IDF + Ridge is deterministic). Against {c.baseline}, the "
            "TF-IDF baseline of lowest RMSE, on the same test rows (the seeds' squared errors averaged per row): "
            "the RMSE difference with its paired bootstrap 95% interval (test rows resampled) and the paired "
            "t-test of the squared errors, and the sentiment accuracy difference in points with its interval. "
            "Negative RMSE differences are better.\n\n"
            f"{c.table()}\n\n## In words (5% level)\n\n{verdicts}{training_lines(c.models)}\n\n"
            f"## Settings\n\n{settings}\n\n"
            f"## Versions\n\n{versions}\n\n## Plots\n\n{images}\n",
            encoding="utf-8")

    write_all_at_once(out, write)


def write_all_at_once(out, write):
    """Call ``write(folder)`` on a temporary folder inside ``out``, then move its files into ``out``.

    An interrupted run leaves no half report; nothing is written outside ``out``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        write(staging)
        for f in staging.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_report(comparison, out, all_runs=None, splits=None, *, plots=True):
    """Write results.json, report.md and the plots into ``out``, all at once.

    Files are written to a temporary folder inside ``out`` and moved in
    only when all are there, so an interrupted run leaves no half report.
    A plot that fails is left out with a warning in the report; the table
    and results.json never depend on one. ``plots=False`` writes the table
    and results.json alone.
    """
    def write(staging):
        warnings = list(comparison.warnings)
        drawn = draw_plots(comparison, staging, all_runs, splits, warnings) if plots else []
        shown = comparison if warnings == comparison.warnings else replace(comparison, warnings=warnings)
        data = asdict(shown)
        (staging / "results.json").write_text(json.dumps(data, indent=2, default=json_default), encoding="utf-8")
        (staging / "report.md").write_text(report_markdown(shown, drawn), encoding="utf-8")

    write_all_at_once(out, write)


def draw_plots(comparison, staging, all_runs, splits, warnings):
    """Draw the report's plots and page of explanations into ``staging``; the names of those drawn.

    Each one that fails adds a line to ``warnings`` and is left out.
    """
    from .._plots import plot_comparison, plot_confusion, plot_history, plot_roc

    drawn = []

    def draw(name, fn):
        draw_one(staging, name, fn, drawn, warnings)

    for m in comparison.models:
        if m.history:
            draw(f"curves_{m.name}.png", lambda path, m=m: plot_history(m.history, path, title=m.name))
    draw("comparison.png", lambda path: plot_comparison(comparison.models, path))
    if all_runs is not None:
        y = np.concatenate([np.asarray(s.y_test) for s in splits])
        best_rnn = max((m for m in comparison.models if m.kind == "rnn"), key=lambda m: m.mean_accuracy,
                       default=None)
        shown = [m for m in (best_rnn, find_model(comparison, comparison.baseline)) if m is not None]
        for m in shown:
            def confusion(path, m=m):
                pred = np.concatenate([np.asarray(r["pred"], dtype=y.dtype) for r in all_runs[m.name][0]])
                plot_confusion(y, pred, comparison.classes, path, title=m.name)

            draw(f"confusion_{m.name}.png", confusion)
        if len(comparison.classes) == 2:
            curves = {m.name: np.concatenate([np.asarray(r["proba"])[:, 1] for r in all_runs[m.name][0]])
                      for m in shown}
            draw("roc.png", lambda path: plot_roc(y == comparison.classes[1], curves, path))
    if comparison.explanations and comparison.explanations["misclassified"]:
        from ..inspection import explanations_to_html

        def page(path):
            body = "\n".join(m["html"] for m in comparison.explanations["misclassified"])
            path.write_text(explanations_to_html([], title="skrnn compare: misclassified test rows").replace(
                "<body>\n\n</body>", f"<body>\n{body}\n</body>"), encoding="utf-8")

        draw("explanations.html", page)
        if "explanations.html" in drawn:
            drawn.remove("explanations.html")  # a page, not an image
    return drawn


def draw_one(staging, name, fn, drawn, warnings):
    """``fn(staging / name)``, adding ``name`` to ``drawn``; a failure adds a line to ``warnings`` instead."""
    try:
        fn(staging / name)
        drawn.append(name)
    except Exception as exc:  # noqa: BLE001 - a plot is optional: reported, not raised
        warnings.append(f"The plot {name} failed and is left out ({type(exc).__name__}: {exc}).")


def find_model(comparison, name):
    return next((m for m in comparison.models if m.name == name), None)


def json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def report_markdown(c, plots):
    settings = "\n".join(f"- {k}: {v}" for k, v in c.settings.items())
    versions = ", ".join(f"{k} {v}" for k, v in c.versions.items())
    images = "\n\n".join(f"![{p}]({p})" for p in plots)
    verdicts = "\n".join(f"- {v}" for v in c.verdicts())
    per_class = []
    for m in c.models:
        rows = "\n".join(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
                         for label, v in m.per_class.items())
        head = "| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|"
        per_class.append(f"### {m.name}\n\n{head}\n{rows}")
    agreement = ""
    if c.disagreement:
        d = c.disagreement
        agreement = (
            f"\n\n## Where the best RNN and the best baseline disagree\n\n{d['first']} and {d['second']} "
            f"predict differently on {100 * d['rate']:.1f}% of the test rows ({d['rows']:,}); there "
            f"{d['first']} is right on {100 * d['first_right']:.1f}% and {d['second']} on "
            f"{100 * d['second_right']:.1f}% (first seed).\n"
        )
    explained = ""
    if c.explanations:
        x = c.explanations
        blocks = []
        for label in x["rnn_top"]:
            rnn_words = ", ".join(f"`{t}` {s:+.3f}" for t, s in x["rnn_top"][label][:10])
            tfidf_words = ", ".join(f"`{t}` {s:+.2f}" for t, s in x["tfidf_top"].get(label, [])[:10])
            blocks.append(f"- **{label}**\n  - {x['rnn']} (mean push): {rnn_words}\n"
                          f"  - {x['baseline']} (coefficient): {tfidf_words}")
        mistakes = []
        for m in x["misclassified"]:
            words = ", ".join(f"`{t}` {s:+.3f}" for t, s in m["strongest"])
            text = m["text"][:300] + ("..." if len(m["text"]) > 300 else "")
            mistakes.append(f"- true {m['true']}, predicted {m['predicted']} (p = {m['proba']:.3f}): {words}\n"
                            f"  > {text.replace(chr(10), ' ')}")
        explained = (
            f"\n\n## What the models read\n\nTokens pushing towards each class: {x['rnn']}'s integrated "
            f"gradients averaged over {x['rows']} test rows (first seed), next to {x['baseline']}'s largest "
            "coefficients.\n\n" + "\n".join(blocks)
            + ("\n\n### Misclassified test rows, explained\n\nThe strongest tokens towards the predicted class "
               "(coloured in explanations.html):\n\n" + "\n".join(mistakes) if mistakes else "")
        )
    seeds = c.settings.get("seeds", 1)
    one_draw = (
        "One seed per network is one draw: a network's accuracy moves by several points from seed to seed at a few "
        "epochs, which the intervals below do not include. Rerun with --seeds 3 or more before trusting a verdict "
        "about a network.\n\n" if seeds == 1 else ""
    )
    warned = "".join(f"> **Warning:** {w}\n\n" for w in c.warnings)
    return (
        "# skrnn compare\n\n"
        f"{warned}{c.data}.\n\n"
        f"Accuracy and macro-F1: mean ± standard deviation over {seeds} seed(s) for the recurrent models "
        f"(TF-IDF is deterministic). Against {c.baseline}, the strongest TF-IDF baseline, on the same test "
        "rows: the accuracy difference in points with its paired bootstrap 95% interval (test rows resampled, "
        "seeds averaged per row), McNemar's exact p-value (median over seeds)"
        + (", and the corrected resampled t-test over the folds (Nadeau and Bengio)" if c.settings.get("cv") else "")
        + ". Peak MiB: the process's peak resident memory during the model's fit and prediction, TensorFlow and "
        "the loaded data included.\n\n"
        f"{one_draw}{c.table()}\n\n## In words (5% level)\n\n{verdicts}{agreement}{explained}\n\n## Per class\n\n"
        + "\n\n".join(per_class)
        + f"{training_lines(c.models)}\n\n## Settings\n\n{settings}\n\n## Versions\n\n{versions}\n\n"
        f"## Plots\n\n{images}\n"
    )
