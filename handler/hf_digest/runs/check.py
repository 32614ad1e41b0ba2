"""`hf-digest check` and the `{"check": true}` event: the settings, then each configured part proven with the
least-privileged call that shows it will work, one line each (✓ or ✗ with the fix). No secret is shown.

The parts are built by the same factories the digest uses (publishers, the Bedrock client, the channels'
secrets), so a check that passes means the next run gets as far as its first request.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest.config import Settings
from hf_digest.core.outcomes import Status
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline
from hf_digest.runs import check_channels, check_parts
from hf_digest.runs.check_parts import Line, Probe, failed, passed
from hf_digest.runs.result import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckOutcome:
    """Every part's line; an outcome of the run layer like a digest's, so the CLI and Lambda present it."""

    lines: tuple[Line, ...]

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": True,
            "status": Status.CHECKED if self.ok else Status.CHECK_FAILED,
            "parts": [line.to_json() for line in self.lines],
            "lines": [line.text() for line in self.lines],
        }

    def log(self) -> None:
        failing = [line.part for line in self.lines if not line.ok]
        level = logging.INFO if self.ok else logging.WARNING
        log.log(level, "check finished", extra={"status": self.to_json()["status"], "failing": failing})

    def record(self, metrics: Metrics) -> None:
        metrics.add_metric(
            name="CheckFailedParts", unit=MetricUnit.Count, value=sum(not x.ok for x in self.lines)
        )

    def failure(self) -> DigestError | None:
        """None: a failed check is an answer (its lines say what to fix), not a run for Lambda to retry."""
        return None

    def summary(self) -> str:
        return "\n".join(line.text() for line in self.lines)


def run_check(settings: Settings, deadline: Deadline, *, send_test: bool = False) -> CheckOutcome:
    """The settings (already parsed), then each destination, the summaries model and each channel."""
    lines = [passed("settings", _settings_said(settings))]
    probes: list[tuple[str, Probe]] = []
    for name in settings.destinations:
        probes.append((name, check_parts.DESTINATIONS.get(name, _unknown)))
    if settings.summary_model:
        probes.append(("bedrock", check_parts.bedrock))
    for channel in settings.notify:
        probe = check_channels.channel(channel, send_test)
        probes.append((channel, probe))
    for part, probe in probes:
        lines.append(_guarded(part, probe, settings, deadline))
    return CheckOutcome(tuple(lines))


def _guarded(part: str, probe: Probe, settings: Settings, deadline: Deadline) -> Line:
    """probe's line; a setting or secret the factories refuse, or a failed request, becomes a ✗ line."""
    try:
        return probe(settings, deadline)
    except DigestError as exc:  # its message names the part already ("github: octo/blog: ...")
        return failed(part, str(exc).removeprefix(f"{part}: "))


def _unknown(settings: Settings, deadline: Deadline) -> Line:
    return failed("destination", "unknown", "DIGEST_DESTINATIONS takes local, github and s3")


def _settings_said(settings: Settings) -> str:
    parts = [f"destinations {','.join(settings.destinations) or 'none'}"]
    if settings.summary_model:
        parts.append(f"summaries by {settings.summary_model}")
    if settings.notify:
        parts.append(f"channels {','.join(settings.notify)}")
    return "read; " + ", ".join(parts)


def lines_of(outcome: CheckOutcome) -> Sequence[str]:
    return [line.text() for line in outcome.lines]
