"""Bytecode of a built function or layer: which modules ship a usable .pyc; read-only copies to import.

Lambda's /var/task and /opt are read-only, so a module without a valid .pyc is compiled from source on every
cold start. A .pyc is only used when its header is for this Python (magic number) and, for the timestamp kind,
when the source's mtime still matches; `unchecked-hash` ones are used as they are.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.runtime import Runtime

CACHE_TAG = "cpython-313"  # the Lambda runtime's sys.implementation.cache_tag
UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


@dataclass(frozen=True)
class Bytecode:
    sources: int  # .py files
    compiled: int  # of them with a cpython-313 .pyc beside them, in __pycache__
    unchecked_hash: int  # of those, `unchecked-hash` ones


def pyc_flags(pyc: Path) -> int:
    """The PEP 552 flags word of a .pyc (bytes 4-8, little-endian): 0 timestamp, 0b01 unchecked hash."""
    with pyc.open("rb") as handle:
        header = handle.read(8)
    return int.from_bytes(header[4:8], "little")


def pyc_of(source: Path) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc"


def inspect(folders: Iterable[Path]) -> Bytecode:
    sources = compiled = unchecked = 0
    for folder in folders:
        for source in folder.rglob("*.py"):
            sources += 1
            pyc = pyc_of(source)
            if pyc.is_file():
                compiled += 1
                unchecked += pyc_flags(pyc) == UNCHECKED_HASH
    return Bytecode(sources, compiled, unchecked)


def compiled_from_source(verbose_stderr: str, folders: Iterable[Path]) -> tuple[str, ...]:
    """Source files under folders that `python -v` compiled instead of loading a .pyc.

    importlib prints `# code object from '<x.pyc>'` for bytecode it used and `# code object from <x.py>`
    (unquoted) for source it had to compile.
    """
    roots = tuple(str(folder) + os.sep for folder in folders)
    found = []
    for line in verbose_stderr.splitlines():
        if line.startswith("# code object from ") and not line.endswith("'"):
            path = line.removeprefix("# code object from ").strip()
            if path.startswith(roots):
                found.append(path)
    return tuple(found)


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def read_only_copy(runtime: Runtime, into: Path, label: str, *, keep_bytecode: bool = True) -> Runtime:
    """runtime's folders copied under into and made read-only (chmod a-w), as Lambda mounts them; with
    keep_bytecode=False every __pycache__ is left out (a build without compiled bytecode)."""
    ignore = None if keep_bytecode else shutil.ignore_patterns("__pycache__")
    copies = []
    for index, folder in enumerate(runtime.path):
        target = into / f"{index}-{folder.name}"
        shutil.copytree(folder, target, ignore=ignore)
        _set_writable(target, False)
        copies.append(target)
    return Runtime(runtime.python, tuple(copies), label, runtime.built)


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary folder whose read-only copies are made writable again before it is removed."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        try:
            yield Path(tmp)
        finally:
            _set_writable(Path(tmp), True)
