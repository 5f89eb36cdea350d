"""Simulator tests: the ``slow`` ones run only when asked for.

``pytest -m slow tests/simulators`` (or ``STATENGINE_SLOW=1``) runs the long
validations against queueing theory; the default run keeps a fast version
of each. The skip applies to this directory only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("STATENGINE_SLOW") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or STATENGINE_SLOW=1")
    for item in items:
        if item.get_closest_marker("slow") is not None and _HERE in Path(item.path).parents:
            item.add_marker(skip)
