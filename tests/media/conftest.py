"""Media made once per test session (per xdist worker): see ``mediakit.make_footage`` and ``make_sounds``."""

from __future__ import annotations

import pytest
from mediakit import Footage, Sounds, make_footage, make_sounds


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Footage:
    return make_footage(tmp_path_factory.mktemp("footage"))


@pytest.fixture(scope="session")
def sounds(tmp_path_factory: pytest.TempPathFactory) -> Sounds:
    return make_sounds(tmp_path_factory.mktemp("sounds"))
