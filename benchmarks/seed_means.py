r"""The difference of two stored tables' seed means, with Welch's t interval.

Pairs the rows of two stored sections by their ``model`` column, reads a
"mean ± sd" column from each (the mean and standard deviation over the
seeds), and stores a section of differences, first minus second: each with
its 95% Welch interval and p-value (Welch-Satterthwaite degrees of freedom;
``scipy.stats.ttest_ind_from_stats``). The prose beside two tables quotes
this section instead of a figure worked out by hand. A selector
``SECTION:COLUMN=VALUE`` keeps the rows of one section whose COLUMN holds
VALUE, so that two groups of one table can be compared:

    python benchmarks/seed_means.py compare-imdb-5k-tune compare-imdb-5k --seeds 3 --points \
        --section compare-imdb-5k-tune-gain
    python benchmarks/seed_means.py ratings-standardise:standardize_target=True \
        ratings-standardise:standardize_target=False --column "mean ± sd" --seeds 3 \
        --section ratings-standardise-difference

A table's "mean ± sd" cells are stored to four decimals; the differences
are computed from those stored figures. ``--column seeds`` computes the mean
and standard deviation from a table's "seed N" columns instead:

    python benchmarks/seed_means.py 'decay-sample:learning_rate_decay="auto"' \
        'decay-sample:learning_rate_decay=constant (1.0)' --column seeds --points \
        --section decay-sample-auto-vs-constant

Two models of one table, each kept by a ``COLUMN=VALUE`` selector, are
compared as one row named by ``--label``:

    python benchmarks/seed_means.py compare-imdb-lstm-gru:model=gru compare-imdb-lstm-gru:model=lstm \
        --seeds 3 --points --label "gru minus lstm" --section compare-imdb-gru-vs-lstm

Where each seed is a row of its own (the accuracy tables name a seed in the
configuration), a selector ``SECTION[+SECTION...]:COLUMN~REGEX`` takes the
rows of one or more sections whose COLUMN matches REGEX in full, and groups
them by the pattern's first capture group (all of them together, in one
row named by ``--label``, where it has none); the value read from each row
is ``--column``:

    python benchmarks/seed_means.py \
        'accuracy-decay+accuracy-decay-more:configuration~(simple_rnn|lstm)-(?:default|seed\d)-decay' \
        'accuracy+accuracy-more+accuracy-lstm-seeds:configuration~(simple_rnn|lstm)-(?:default|seed\d)-constant' \
        --column "test accuracy" --points --section accuracy-decay-vs-constant
"""

import argparse
import math
import re
import shlex
import statistics
import sys

from _common import write_section
from _results import load
from scipy import stats


def welch(a, b, n_a, n_b, confidence=0.95):
    """``a - b`` for two (mean, sd) pairs over ``n_a`` and ``n_b`` seeds: (difference, low, high, p)."""
    (mean_a, sd_a), (mean_b, sd_b) = a, b
    var_a, var_b = sd_a**2 / n_a, sd_b**2 / n_b
    difference = mean_a - mean_b
    if var_a + var_b == 0:
        return difference, difference, difference, float("nan")
    dof = (var_a + var_b) ** 2 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
    half = stats.t.ppf(0.5 + confidence / 2, dof) * math.sqrt(var_a + var_b)
    p = stats.ttest_ind_from_stats(mean_a, sd_a, n_a, mean_b, sd_b, n_b, equal_var=False).pvalue
    return difference, difference - half, difference + half, float(p)


def first_table(name):
    """The first table of stored section ``name``: ``{"columns": [...], "rows": [...], ...}``."""
    return next(block["table"] for block in load(name)["blocks"] if "table" in block)


#: The group of a ``COLUMN~REGEX`` selector whose pattern has no capture group (``--label`` renames it).
ALL = "selected rows"


def _parse(selector):
    """``(sections, match)``: a selector's sections and its ``COLUMN``, ``=`` or ``~``, ``VALUE`` (or None)."""
    names, _, where = selector.partition(":")
    return names, re.fullmatch(r"([^=~]+)([=~])(.*)", where)


def grouped(selector):
    """Whether a selector groups one-seed rows (``COLUMN~REGEX``)."""
    match = _parse(selector)[1]
    return bool(match) and match[2] == "~"


def rows(selector, column, seeds=3, label=ALL):
    """``{model: (mean, sd, n)}`` of the stored section(s) a selector names.

    ``column`` is a "mean ± sd" column (``n`` is ``seeds``), or ``"seeds"``:
    the mean and standard deviation of the row's "seed N" columns. With a
    ``COLUMN~REGEX`` selector, ``column`` holds one value per row, and the
    matching rows are grouped by the pattern's first capture group, or
    all under ``label`` where the pattern has none.
    """
    names, match = _parse(selector)
    if match and match[2] == "~":
        return _groups(names.split("+"), match[1], match[3], column, label)
    table = first_table(names)
    columns = table["columns"]
    seed_columns = [i for i, heading in enumerate(columns) if heading.startswith("seed ")]
    if column not in columns and not (column == "seeds" and len(seed_columns) > 1):
        raise SystemExit(f"{names} has no column {column!r} (nor two 'seed N' columns for 'seeds'); "
                         f"its columns are {', '.join(columns)}")
    keep = lambda row: True  # noqa: E731
    if match:
        key, value = match[1], match[3]
        if key not in columns:
            raise SystemExit(f"{names} has no column {key!r}; its columns are {', '.join(columns)}")
        at = columns.index(key)
        keep = lambda row: row[at] == value  # noqa: E731
    model, cell = columns.index("model"), columns.index(column) if column in columns else None
    found = {}
    for row in filter(keep, table["rows"]):
        if column == "seeds":
            values = [float(row[i]) for i in seed_columns]
            found[row[model]] = (statistics.mean(values), statistics.stdev(values), len(values))
        elif "±" in row[cell]:
            mean, sd = (float(part) for part in row[cell].split("±"))
            found[row[model]] = (mean, sd, seeds)
    return found


def _groups(names, key, pattern, column, label=ALL):
    """``{group: (mean, sd, n)}``: ``column`` over the rows of ``names`` whose ``key`` matches ``pattern``."""
    found = {}
    for name in names:
        table = first_table(name)
        columns = table["columns"]
        for needed in (key, column):
            if needed not in columns:
                raise SystemExit(f"{name} has no column {needed!r}; its columns are {', '.join(columns)}")
        by, value = columns.index(key), columns.index(column)
        for row in table["rows"]:
            match = re.fullmatch(pattern, row[by])
            if match:
                group = match[1] if match.re.groups else label
                found.setdefault(group, []).append(float(row[value]))
    few = [group for group, values in found.items() if len(values) < 2]
    if not found or few:
        raise SystemExit(f"{key}~{pattern} must match at least two rows of {'+'.join(names)} "
                         f"per group; it matched {({g: len(v) for g, v in found.items()})}")
    return {group: (statistics.mean(values), statistics.stdev(values), len(values))
            for group, values in found.items()}


def difference_rows(first, second, column="accuracy", seeds=3, points=False, label=ALL):
    """The table rows of ``first`` minus ``second`` (selectors), one per model both hold.

    ``label`` names the row of two grouping selectors whose patterns have no capture group.
    """
    grouping = grouped(first)
    if grouping != grouped(second):
        raise SystemExit(f"{first} and {second}: either both selectors group rows with COLUMN~REGEX or neither")
    a, b = rows(first, column, seeds, label), rows(second, column, seeds, label)
    if label != ALL and not grouping:
        # Two rows of one table (two models): each selector keeps one, compared under ``label``.
        if len(a) != 1 or len(b) != 1:
            raise SystemExit(f"with --label, {first} and {second} must keep one row each; "
                             f"they keep {len(a)} and {len(b)}")
        a, b = {label: next(iter(a.values()))}, {label: next(iter(b.values()))}
    models = [model for model in a if model in b]
    if not models:
        raise SystemExit(f"{first} and {second} share no model with a mean ± sd in {column!r}")
    scale, digits = (100, 2) if points else (1, 3)
    table = []
    for model in models:
        (mean_a, sd_a, n_a), (mean_b, sd_b, n_b) = a[model], b[model]
        difference, low, high, p = welch((mean_a, sd_a), (mean_b, sd_b), n_a, n_b)
        verdict = "no difference" if low <= 0 <= high else ("first higher" if difference > 0 else "first lower")
        shown = [f"{scale * value:+.{digits}f}" for value in (difference, low, high)]
        table.append([model, f"{mean_a:.4f}", f"{mean_b:.4f}", f"{n_a} + {n_b}", shown[0],
                      f"{shown[1]} to {shown[2]}", f"{p:.3g}", verdict])
    return table


def build_parser():
    """The command line's parser (the tests read a stored command with it)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    selector = "SECTION, SECTION:COLUMN=VALUE or SECTION[+SECTION...]:COLUMN~REGEX"
    parser.add_argument("first", help=f"{selector}: the minuend")
    parser.add_argument("second", help=f"{selector}: the subtrahend")
    parser.add_argument("--column", default="accuracy",
                        help='the "mean ± sd" column, seeds for the "seed N" columns, or with COLUMN~REGEX '
                             "the column of one value per row (default: accuracy)")
    parser.add_argument("--seeds", type=int, default=3, help="the seeds behind each mean (default: 3)")
    parser.add_argument("--points", action="store_true", help="show differences in points (x100)")
    parser.add_argument("--label", default=ALL,
                        help="the name of the one row compared: of COLUMN~REGEX patterns without a capture group, "
                             f"or of two COLUMN=VALUE selectors that keep one row each (default: {ALL})")
    parser.add_argument("--section", required=True, help="the docs/benchmarks.md section to write")
    return parser


def main():
    args = build_parser().parse_args()
    table = difference_rows(args.first, args.second, args.column, args.seeds, args.points, args.label)
    source = {"seeds": "the stored per-seed figures.",
              "grouped": "the stored single figures, one seed per row."}
    lines = [
        f"`{args.first}` minus `{args.second}`: {args.column} on the seed means, with Welch's t 95% interval, "
        "from " + source.get("grouped" if grouped(args.first) else args.column,
                             "the stored four-decimal means and standard deviations."),
        f"Command: `{shlex.join(['python', 'benchmarks/seed_means.py', *sys.argv[1:]])}`.",
        "",
        f"| model | first | second | seeds | difference{' (points)' if args.points else ''} | 95% interval | p "
        "| reads as |",
        "|---|---:|---:|---:|---:|---|---:|---|",
        *("| " + " | ".join(row) + " |" for row in table),
    ]
    print("\n".join(lines))
    write_section(args.section, "\n".join(lines))


if __name__ == "__main__":
    main()
