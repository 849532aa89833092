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
from ._tasks import task_for

__all__ = ["write_report", "write_all_at_once"]


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
    """Write results.json, report.md, report.html and the plots into ``out``, all at once.

    Files are written to a temporary folder inside ``out`` and moved in
    only when all are there, so an interrupted run leaves no half report.
    A plot that fails is left out with a warning in the report; the table
    and results.json never depend on one. ``plots=False`` writes the table
    and results.json alone.

    Parameters
    ----------
    comparison : ComparisonResult
        What :func:`run_comparison` returned.
    out : str or path-like
        The report's folder; created if missing.
    all_runs : dict, default=None
        The finished runs, for the per-model plots (curves, confusion
        matrices); without them only the summary plots are drawn.
    splits : list, default=None
        The splits the runs were scored on, with ``all_runs``.
    plots : bool, default=True
        Draw the plots.
    """
    task = task_for(comparison.task, midpoint=comparison.midpoint)

    def write(staging):
        warnings = list(comparison.warnings)
        drawn = []
        if plots:
            def draw(name, fn):
                draw_one(staging, name, fn, drawn, warnings)

            for m in comparison.models:
                if m.history:
                    draw(f"curves_{m.name}.png", lambda path, m=m: plot_history(m.history, path, title=m.name))
            task.plots(comparison, all_runs, splits, draw)
            explanations_page(comparison, draw)
            if "explanations.html" in drawn:
                drawn.remove("explanations.html")  # a page, not an image
        shown = comparison if warnings == comparison.warnings else replace(comparison, warnings=warnings)
        (staging / "results.json").write_text(json.dumps(asdict(shown), indent=2, default=json_default),
                                              encoding="utf-8")
        text = report_markdown(shown, drawn)
        (staging / "report.md").write_text(text, encoding="utf-8")
        (staging / "report.html").write_text(report_html(shown, text, staging, drawn), encoding="utf-8")

    write_all_at_once(out, write)


def explanations_page(comparison, draw):
    """explanations.html: the misclassified test rows, each token coloured by its push."""
    if not (comparison.explanations and comparison.explanations["misclassified"]):
        return
    from ..inspection import explanations_to_html

    def page(path):
        body = "\n".join(m["html"] for m in comparison.explanations["misclassified"])
        path.write_text(explanations_to_html([], title="skrnn compare: misclassified test rows").replace(
            "<body>\n\n</body>", f"<body>\n{body}\n</body>"), encoding="utf-8")

    draw("explanations.html", page)


def draw_one(staging, name, fn, drawn, warnings):
    """``fn(staging / name)``, adding ``name`` to ``drawn``; a failure adds a line to ``warnings`` instead."""
    try:
        fn(staging / name)
        drawn.append(name)
    except Exception as exc:  # noqa: BLE001 - a plot is optional: reported, not raised
        warnings.append(f"The plot {name} failed and is left out ({type(exc).__name__}: {exc}).")


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
    networks = any(m.kind == "rnn" for m in c.models)
    one_draw = (
        "One seed per network is one draw: a network's score moves from seed to seed, which the intervals below "
        "do not include. Rerun with --seeds 3 or more before trusting a verdict about a network.\n\n"
        if seeds == 1 and networks else ""
    )
    warned = "".join(f"> **Warning:** {w}\n\n" for w in c.warnings)
    task = task_for(c.task, midpoint=c.midpoint)
    by_class = ("\n\n## Per class\n\n" + "\n\n".join(per_class)) if c.task == "classification" else ""
    return (
        f"{task.title(c)}\n\n"
        f"{warned}{c.data}.\n\n{rows_line(c.rows)}\n\n{task.explained_columns(c)}\n\n"
        f"{one_draw}{c.table()}\n\n## In words (5% level)\n\n{verdicts}{agreement}{explained}{by_class}"
        f"{training_lines(c.models)}\n\n{tuning_lines(c)}\n\n## Settings\n\n{settings}\n\n## Versions\n\n{versions}\n\n"
        f"## Plots\n\n{images}\n"
    )


def rows_line(rows):
    """What every model trained, validated and was tested on, in one sentence."""
    folds = f" (per fold, {rows['folds']} folds)" if rows.get("folds", 1) > 1 else ""
    return (
        f"Rows{folds}: every model trained on the same {rows['fit']:,} rows; {rows['validation']:,} more were held "
        f"out of the training rows for validation (the same rows for every model: the networks stop on them, the "
        f"blend learns its weights on them, the TF-IDF baselines do not use them); {rows['test']:,} test rows "
        "scored them all."
    )


def tuning_lines(c):
    """The report's section on tuning: the protocol and what it chose, or that every model ran at its defaults."""
    budget = c.settings.get("tune")
    if not budget:
        return ("## Tuning\n\nNone: every model ran at its defaults (rerun with --tune to search every model's "
                "settings by the same protocol and budget).")
    from ._tune import describe

    lines = [f"- {m.name}: {describe(m.tuning['params'])} (cross-validated score {m.tuning['score']:.4f}, "
             f"{m.tuning['seconds']:.0f} s)"
             for m in c.models if m.tuning]
    return (
        f"## Tuning\n\nEvery model, baselines and networks alike, was tuned by the same protocol and budget before "
        f"it trained: successive halving over {budget['candidates']} random candidates (HalvingRandomSearchCV, a "
        f"third kept each round on three times the rows), each scored by {budget['folds']}-fold cross-validation of "
        "the fit rows; the validation and test rows played no part. The settings chosen (first fold), their "
        "cross-validated score and the search's seconds (the table's tune s):\n\n" + "\n".join(lines)
    )


#: What a reader needs before the table, at the top of report.html.
HOW_TO_READ = (
    "<p><b>How to read this.</b> Every model was trained on the same rows and scored on the same test rows. Each "
    "row of the table is a model; the column against the baseline gives its difference from the strongest TF-IDF "
    "baseline with a 95% interval: the range the true difference is likely in, given how many test rows there "
    "are. <i>Not distinguishable</i> means that range includes zero (or the test's p-value is 0.05 or more): the "
    "test rows cannot tell the two apart, which is not the same as showing they are equal, and more test rows or "
    "seeds may tell them apart. <i>Significantly better</i> or <i>worse</i> means the whole range is on one side of "
    "zero and p &lt; 0.05. A network trained with one seed is one draw: its score moves from seed to seed, so use "
    "3 seeds or more before trusting a verdict about it.</p>"
)

REPORT_STYLE = (
    "body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;line-height:1.45}"
    "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}"
    "td{text-align:right}td:first-child{text-align:left}img{max-width:100%}"
    "blockquote{color:#444;border-left:4px solid #ddd;margin:.5em 0;padding-left:1em}"
)


def report_html(c, text, staging, drawn):
    """report.html: the report as one self-contained page (plots embedded), with how to read it.

    The Markdown is turned into HTML by Python-Markdown; any ``<`` and ``&``
    in it (a text of the user's data may hold markup) is escaped first, so
    the page shows it and never runs it.
    """
    import base64
    import html

    import markdown

    body = markdown.markdown(text.replace("&", "&amp;").replace("<", "&lt;"), extensions=["tables"],
                             output_format="html")
    for name in drawn:
        data = base64.b64encode((staging / name).read_bytes()).decode("ascii")
        body = body.replace(f'src="{name}"', f'src="data:image/png;base64,{data}"')
    mistakes = (c.explanations or {}).get("misclassified") or []
    if mistakes:
        body += ("\n<h2>Misclassified test rows, coloured</h2>\n"
                 + "\n<hr>\n".join(m["html"] for m in mistakes))
    body = body.replace("</h1>", "</h1>\n" + HOW_TO_READ, 1)
    title = html.escape(text.splitlines()[0].lstrip("# "))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>{REPORT_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
