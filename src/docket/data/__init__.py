"""Domain knowledge as data files: taxonomy, gazetteer tables, aliases, patterns."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> Any:
    """A data file shipped in this package, parsed once."""
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
