"""Benchmark results as JSON, and their rendering into docs/benchmarks.md.

Each benchmark script hands its section (text lines and Markdown tables,
with the command that reproduces it and the hardware it ran on) to
:func:`write_results`, which stores it as ``benchmarks/results/<name>.json``
and renders it into the section of docs/benchmarks.md between the markers
``<!-- name -->`` and ``<!-- /name -->``. The JSON is the one place each
figure lives; the page is generated from it (``python
benchmarks/render_docs.py``), and ``tests/test_benchmark_docs.py`` fails when
the two disagree.
"""

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DOC = REPO / "docs" / "benchmarks.md"

_ALIGN = {"---": "left", ":---": "left", "---:": "right", ":---:": "center"}
_RULE = {"left": "---", "right": "---:", "center": ":---:"}


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse(markdown):
    """A section's Markdown as blocks: ``{"text": line}`` and ``{"table": ...}``."""
    lines = markdown.strip("\n").split("\n")
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        is_rule = i + 1 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip() or "x")
        if line.startswith("|") and is_rule:
            columns = _cells(line)
            align = [_ALIGN.get(rule.replace(" ", ""), "left") for rule in _cells(lines[i + 1])]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            blocks.append({"table": {"columns": columns, "align": align, "rows": rows}})
            continue
        blocks.append({"text": line})
        i += 1
    return blocks


def render(blocks):
    """The Markdown of a section's blocks (the inverse of :func:`parse`)."""
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"])
            continue
        table = block["table"]
        out.append("| " + " | ".join(table["columns"]) + " |")
        out.append("|" + "|".join(_RULE[a] for a in table["align"]) + "|")
        out += ["| " + " | ".join(row) + " |" for row in table["rows"]]
    return "\n".join(out)


def load(name):
    """The stored section ``name``."""
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def section_names():
    """Every stored section, by name."""
    return sorted(path.stem for path in RESULTS.glob("*.json"))


def render_into_page(text, name):
    """``text`` (the page) with section ``name`` rendered from its JSON."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{render(load(name)['blocks'])}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        return before + block + after
    return text.rstrip() + "\n\n" + block + "\n"


def write_results(name, markdown):
    """Store a benchmark's section as JSON and render it into the page."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "blocks": parse(markdown)}
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    DOC.write_text(render_into_page(DOC.read_text(encoding="utf-8"), name), encoding="utf-8")
    print(f"(results in benchmarks/results/{name}.json, rendered into docs/benchmarks.md)")
