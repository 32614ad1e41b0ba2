"""The time a run has left, so no wait or retry outlives the Lambda deadline."""

from __future__ import annotations

import time
from dataclasses import dataclass

# Time kept back for writing the result and logs after the last network call (hf_digest.outbound.budget holds
# every request to it).
SAFETY_MARGIN_S = 5.0
# What an optional feature (summaries, released artifacts) leaves for rendering and
# publishing the post after its last request, so it can never take the post's time.
PUBLISH_RESERVE_S = 30.0


@dataclass(frozen=True)
class Deadline:
    """A point on the monotonic clock by which the run must have finished."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    @classmethod
    def from_lambda_context(cls, remaining_ms: int) -> Deadline:
        return cls.after(remaining_ms / 1000.0)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def keeping(self, seconds: float = PUBLISH_RESERVE_S) -> Deadline:
        """An optional feature's deadline: this one less seconds kept for the post."""
        return Deadline(self.at - seconds)

    def allows(self, wait_s: float, then_s: float = SAFETY_MARGIN_S) -> bool:
        """True when waiting wait_s still leaves then_s for the work after it."""
        return self.remaining() - wait_s >= then_s
