"""The local folder: the default destination, and what `make digest` writes.

A bundle lands whole or not at all: every changed file is first written in full to a temporary name
beside its target, and only then are they all renamed into place; a rename that fails puts back the
files already replaced. Runs on one machine take turns (a lock file in the temporary folder), so a
feed merged from the folder never loses another run's entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from hf_digest.adapters.publish import contents
from hf_digest.core.model import MAX_HELD_BYTES, Bundle, OutputFile, Oversized
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.errors import PublishError
from hf_digest.outbound.deadline import Deadline


class LocalPublisher:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _target(self, relative: str) -> Path:
        root = self.root.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root):  # a symlink inside the folder pointing out of it
            raise PublishError(f"local: {relative} would be written outside {self.root}")
        return target

    def publish(self, bundle: Bundle, deadline: Deadline) -> Delivery:
        """Write every changed file of the bundle, or none; equal files are left untouched."""
        files = bundle.files_for(self.name)
        targets = {f.path: self._target(f.path) for f in files}
        post = targets[bundle.files[0].path]
        try:
            with self._lock():
                new = contents(files, lambda path: _read(self._target(path)))
                held = [_read(targets[f.path]) for f in files]
                changed = [
                    (targets[f.path], content)
                    for f, content, was in zip(files, new, held, strict=True)
                    if not _holds(f, content, was) and not (f.amends and was is None)
                ]
                post_existed = post.is_file()
                _replace_all(changed)
        except OSError as exc:
            raise PublishError(f"local: cannot write {exc.filename or self.root}: {exc.strerror}") from exc
        status = Status.UNCHANGED if not changed else (Status.UPDATED if post_existed else Status.CREATED)
        return Delivery(self.name, status, location=str(post))

    def existing(self, paths: Sequence[str], deadline: Deadline) -> set[str]:
        """The paths that are files under the folder."""
        return {path for path in paths if self._target(path).is_file()}

    def read(self, path: str, deadline: Deadline) -> bytes | None:
        """The file's bytes, or None when there is no file at path."""
        return _read(self._target(path))

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the folder's lock for the read-merge-write (no-op where fcntl does not exist); the lock file
        lives in the temporary folder, so the output folder (often a git work tree) holds only posts."""
        try:
            import fcntl
        except ImportError:  # Windows: runs there are by hand, one at a time
            yield
            return
        self.root.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:24]
        with open(Path(tempfile.gettempdir()) / f"hf-digest-{name}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _read(target: Path) -> bytes | None:
    """The file's bytes (None: no file); a file over MAX_HELD_BYTES is not read (Oversized)."""
    if not target.is_file():
        return None
    size = target.stat().st_size
    return Oversized(size) if size > MAX_HELD_BYTES else target.read_bytes()


def _replace_all(changes: list[tuple[Path, bytes]]) -> None:
    """Stage every file, then rename each into place; on any failure the folder is as it was."""
    staged: list[tuple[Path, str]] = []
    try:
        for target, content in changes:
            staged.append((target, _stage(target, content)))
        done: list[tuple[Path, str | None]] = []
        try:
            for target, tmp in staged:
                backup = _keep(target)
                os.replace(tmp, target)
                done.append((target, backup))
        except OSError:
            for target, backup in reversed(done):
                if backup is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(backup, target)
            raise
        for _, backup in done:
            if backup is not None:
                Path(backup).unlink(missing_ok=True)
    finally:
        for _, tmp in staged:
            Path(tmp).unlink(missing_ok=True)


def _stage(target: Path, content: bytes) -> str:
    """content written and flushed to a temporary file beside target; its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _keep(target: Path) -> str | None:
    """A hard link to target's current file (None when there is none), to put it back on a rollback."""
    if not target.is_file():
        return None
    backup = f"{target.parent}/.{target.name}.{os.getpid()}.bak"
    Path(backup).unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(target, backup)
    return backup


def _holds(file: OutputFile, content: bytes, held: bytes | None) -> bool:
    """True when held shows what file shows now: content itself, or (given a pattern) all but its date."""
    if held is None:
        return False
    return held == content or (file.alike is not None and file.holds(held))
