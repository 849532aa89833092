"""Render every stored benchmark result into docs/benchmarks.md.

The benchmark scripts store their sections as JSON in
``benchmarks/results/`` (and render them as they go); this renders all of
them again, e.g. after editing the page's prose by hand.

    python benchmarks/render_docs.py
"""

from _results import DOC, render_into_page, section_names


def main():
    text = DOC.read_text(encoding="utf-8")
    for name in section_names():
        text = render_into_page(text, name)
    DOC.write_text(text, encoding="utf-8")
    print(f"rendered {len(section_names())} sections into {DOC}")


if __name__ == "__main__":
    main()
