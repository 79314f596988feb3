"""The distribution: its name on PyPI, what the wheel and the sdist carry, the shipped data."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NAME = PYPROJECT["project"]["name"]

#: ``pip install 'NAME[extra]'`` or ``pip install NAME``: the distribution a message names.
_PIP_INSTALL = re.compile(r"pip install (?:-\S+ )*'?([A-Za-z][\w.-]*)(?:\[[\w,]+\])?'?")


def test_the_distribution_name_is_not_the_unrelated_geo_on_pypi() -> None:
    # `geo` on PyPI is another project with the same import name: installing it installs that
    assert NAME != "geo"
    assert re.fullmatch(r"[a-z][a-z0-9-]*", NAME)


def test_every_install_message_names_our_distribution() -> None:
    texts = {p: p.read_text(encoding="utf-8") for p in (ROOT / "geo").rglob("*.py")}
    texts[ROOT / "README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    ours = 0
    for path, text in texts.items():
        for match in _PIP_INSTALL.finditer(text):
            named = match.group(1)
            # a third-party library named by its own name (pyarrow, xstatic-...) is fine;
            # an extra of ours or the bare name `geo` must be the distribution's name
            extra = "[" in match.group(0)
            assert named != "geo", f"{path.name}: {match.group(0)!r} installs another project"
            if extra and named != ".":
                assert named == NAME, f"{path.name}: {match.group(0)!r}"
                ours += 1
    assert ours >= 5
