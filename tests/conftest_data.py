"""Helpers to make broken copies of the shipped data in a temporary folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import geo

DATA = geo.default_data_dir()


def copy_data(tmp_path: Path) -> Path:
    """Copy the shipped data folder (places and reference tables) to ``tmp_path/data``."""
    target = tmp_path / "data"
    target.mkdir(parents=True)
    for path in DATA.iterdir():
        if path.is_file():
            shutil.copy(path, target / path.name)
    return target


def edit_feature(folder: Path, file: str, feature_id: str, change: Any) -> None:
    """Apply ``change(feature)`` to the feature with ``feature_id`` in ``folder/file``."""
    path = folder / file
    doc = json.loads(path.read_text(encoding="utf-8"))
    for feature in doc["features"]:
        if feature["properties"]["id"] == feature_id:
            change(feature)
            break
    else:
        raise KeyError(feature_id)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
