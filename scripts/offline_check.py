"""Fail when a page of a built site would load something from the network.

Usage: ``python scripts/offline_check.py FOLDER``.  Looks at every ``.html``
and ``.css`` file under FOLDER for a resource named by an absolute or
protocol-relative URL: ``<script src>``, ``<link href>``, ``<img src>``,
``<iframe src>``, ``srcset`` and CSS ``url()`` / ``@import``.  A link a reader
may follow (``<a href>``) is not a request and is allowed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_REMOTE = r"""(?:https?:)?//"""
_PATTERNS = (
    re.compile(
        rf"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\bsrc\s*=\s*["']?{_REMOTE}""",
        re.I,
    ),
    re.compile(rf"""<link\b[^>]*?\bhref\s*=\s*["']?{_REMOTE}""", re.I),
    re.compile(rf"""\bsrcset\s*=\s*["'][^"']*{_REMOTE}""", re.I),
    re.compile(rf"""url\(\s*["']?{_REMOTE}""", re.I),
    re.compile(rf"""@import\s+["']{_REMOTE}""", re.I),
)


def remote_resources(folder: Path) -> list[str]:
    """``file: excerpt`` for every remote resource a page or style sheet under ``folder`` names."""
    found = []
    for path in sorted([*folder.rglob("*.html"), *folder.rglob("*.css")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in _PATTERNS:
            found += [
                f"{path.relative_to(folder)}: {m.group(0)[:120]}" for m in pattern.finditer(text)
            ]
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    if not any(folder.rglob("*.html")):
        print(f"offline check: no page in {folder}", file=sys.stderr)
        return 1
    found = remote_resources(folder)
    for line in found:
        print(f"offline check: remote resource in {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
