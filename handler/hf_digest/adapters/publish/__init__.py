"""Destinations behind one small protocol: a publisher takes a bundle and returns a Delivery.

A new destination is a new module here and one line in `build`; the pipeline never changes.
GitHub and S3 modules are imported only when chosen, so a local run never loads boto3.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from hf_digest.config import Settings
from hf_digest.core.model import Bundle, OutputFile
from hf_digest.core.outcomes import Delivery
from hf_digest.outbound.deadline import Deadline


class Publisher(Protocol):
    name: str

    def publish(self, bundle: Bundle, deadline: Deadline) -> Delivery:
        """Write every file of bundle, or none; raise PublishError (or DeadlineExceeded) on failure.

        A file whose destination already holds what it shows (`OutputFile.holds`) is left alone.
        """
        ...

    def existing(self, paths: Sequence[str], deadline: Deadline) -> set[str]:
        """Which of paths the destination holds now; read only and cheap (catch-up asks for many days)."""
        ...

    def read(self, path: str, deadline: Deadline) -> bytes | None:
        """The bytes the destination holds at path now, or None when it holds nothing there."""
        ...


def contents(files: Sequence[OutputFile], held: Callable[[str], bytes | None]) -> list[bytes]:
    """Each file's bytes: a derived file is merged from its source as this bundle leaves it (an earlier
    file of the bundle), else as held(path) says the destination holds it; held is asked once per path."""
    cache: dict[str, bytes | None] = {}
    written: dict[str, bytes] = {}
    result = []
    for file in files:
        if file.is_derived and file.source not in written and file.source not in cache:
            cache[file.source] = held(file.source)
        source = written.get(file.source, cache.get(file.source))
        content = file.content_for(source) if file.is_derived else file.content
        written[file.path] = content
        result.append(content)
    return result


def build(
    destinations: Sequence[str], settings: Settings, deadline: Deadline | None = None
) -> list[Publisher]:
    """The publishers for the named destinations, each configured from settings (a GitHub token read from
    Secrets Manager within deadline's budget, when given)."""
    publishers: list[Publisher] = []
    for name in destinations:
        if name == "local":
            from hf_digest.adapters.publish.local import LocalPublisher

            publishers.append(LocalPublisher(settings.output_dir))
        elif name == "github":
            from hf_digest.adapters.publish.github import GitHubPublisher

            publishers.append(GitHubPublisher.from_settings(settings, deadline))
        elif name == "s3":
            from hf_digest.adapters.publish.s3 import S3Publisher

            publishers.append(S3Publisher.from_settings(settings))
        else:  # config validation names the destinations; this is a programming error
            raise ValueError(f"unknown destination {name!r}")
    return publishers
