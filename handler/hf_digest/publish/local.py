"""The local folder: the default destination, and what `make digest` writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hf_digest.deadline import Deadline
from hf_digest.errors import PublishError
from hf_digest.model import Bundle
from hf_digest.publish import CREATED, UNCHANGED, UPDATED, Delivery


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
        """Write each changed file atomically (temporary file, then rename); leave equal files untouched."""
        targets = [(self._target(f.path), f) for f in bundle.files]
        changed = [(t, f.content) for t, f in targets if not (t.is_file() and f.holds(t.read_bytes()))]
        existed = any(t.exists() for t, _ in changed)
        try:
            for target, content in changed:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(content)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.chmod(tmp, 0o644)
                    os.replace(tmp, target)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
        except OSError as exc:
            raise PublishError(f"local: cannot write {exc.filename or self.root}: {exc.strerror}") from exc
        status = UNCHANGED if not changed else (UPDATED if existed else CREATED)
        return Delivery(destination=self.name, status=status, location=str(targets[0][0]))

    def existing(self, paths: Sequence[str], deadline: Deadline) -> set[str]:
        """The paths that are files under the folder."""
        return {path for path in paths if self._target(path).is_file()}
