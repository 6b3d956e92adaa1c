#!/usr/bin/env python3
"""Keeps the code in a Markdown file identical to the code it quotes.

A quoted block is announced by a comment naming a source region, followed by
a fenced block:

    <!-- snippet: tests/consumer/main.cpp#hello-route -->
    ```cpp
    ...
    ```

The region is the text between the lines "// [NAME]" and "// [/NAME]"
("# [NAME]" in CMake files) in that file (common indentation removed). `snippets.py check DOC` fails if any
block differs from its region; `snippets.py write DOC` rewrites the blocks.
"""
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANNOUNCE = re.compile(r"<!-- snippet: (?P<path>[^#\s]+)#(?P<name>[\w-]+) -->")


def region(path, name):
    lines = (ROOT / path).read_text().splitlines()
    begin = [i for i, l in enumerate(lines) if l.strip() in (f"// [{name}]", f"# [{name}]")]
    end = [i for i, l in enumerate(lines) if l.strip() in (f"// [/{name}]", f"# [/{name}]")]
    if len(begin) != 1 or len(end) != 1 or end[0] <= begin[0]:
        raise SystemExit(f"{path}: region [{name}] not found exactly once")
    return textwrap.dedent("\n".join(lines[begin[0] + 1 : end[0]])).strip("\n")


def process(doc, write):
    lines = Path(doc).read_text().splitlines()
    out, stale, i = [], [], 0
    while i < len(lines):
        out.append(lines[i])
        m = ANNOUNCE.fullmatch(lines[i].strip())
        i += 1
        if not m:
            continue
        if i >= len(lines) or not lines[i].startswith("```"):
            raise SystemExit(f"{doc}:{i}: a fenced block must follow the snippet comment")
        out.append(lines[i])
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        quoted = "\n".join(lines[i + 1 : j])
        want = region(m["path"], m["name"])
        if quoted != want:
            stale.append(f"{m['path']}#{m['name']}")
        out.extend(want.splitlines())
        i = j  # the closing fence is copied by the loop
    if write:
        Path(doc).write_text("\n".join(out) + "\n")
    elif stale:
        raise SystemExit(f"{doc}: out of date with the code it quotes: {', '.join(stale)}"
                         f" (run tests/docs/snippets.py write {doc})")
    print(f"{doc}: snippets match the code")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("check", "write"):
        raise SystemExit("usage: snippets.py check|write DOC")
    process(sys.argv[2], sys.argv[1] == "write")
