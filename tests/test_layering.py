"""The core stays sans-IO (DESIGN.md): no trio, no sockets, no clock, no files."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import statengine

CORE = pathlib.Path(statengine.__file__).parent / "core"

FORBIDDEN_MODULES = {"time", "os", "socket", "trio", "asyncio", "selectors", "threading"}


def _core_files() -> list[pathlib.Path]:
    files = sorted(CORE.glob("*.py"))
    assert len(files) > 5
    return files


def test_importing_the_core_loads_no_trio() -> None:
    code = "import sys, statengine.core; print('trio' in sys.modules, 'socket' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_core_modules_use_no_io_clock_or_global_random() -> None:
    problems = []
    for path in _core_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [(node.module or "").split(".")[0]]
            else:
                names = []
            for name in names:
                if name in FORBIDDEN_MODULES or name == "random":
                    problems.append(f"{path.name}:{node.lineno} imports {name}")
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in {"open", "eval", "exec"}:
                    problems.append(f"{path.name}:{node.lineno} calls {func.id}()")
                if isinstance(func, ast.Attribute) and func.attr in {"now", "utcnow", "today"}:
                    problems.append(f"{path.name}:{node.lineno} reads the clock ({func.attr})")
    assert problems == []


def test_public_api_is_what_all_says() -> None:
    for name in statengine.__all__:
        assert hasattr(statengine, name), name
    assert {"Engine", "FeedResult", "ObjectRef", "Status", "BadEventError"} <= set(
        statengine.__all__
    )
