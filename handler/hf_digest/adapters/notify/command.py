"""`hf-digest notify --date D [--channel ...] [--dry-run]`: tell (or show) what a day's post announces.

The digest comes from the run layer (runs/announce.py), so the message lists what the post shows. Telling
goes through the same ledger as a run, so a day already told is not told again; a channel that failed
earlier is retried. What the command did (runs/result.py: NotifyCommandResult) is built by runs/announce.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hf_digest.adapters.notify.channel import Notifier
from hf_digest.adapters.notify.herald import owed
from hf_digest.adapters.notify.ledger import notify_digest
from hf_digest.adapters.notify.message import DigestMessage
from hf_digest.adapters.notify.report import NotifyReport
from hf_digest.adapters.state.store import StateStore
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline


def preview(message: DigestMessage, notifiers: Sequence[Notifier]) -> dict[str, dict[str, Any]]:
    """What each channel would get: the payload its notifier would send, with no secret in it."""
    return {n.channel: n.render(message) for n in notifiers}


def tell(
    message: DigestMessage,
    notifiers: Sequence[Notifier],
    ledger: StateStore,
    deadline: Deadline,
    now: float,
) -> NotifyReport:
    """Tell each channel not yet told, through the ledger a run uses."""
    try:
        _, interrupted = owed(ledger, message)  # channels a run killed mid-send left: warned about
    except DigestError:
        interrupted = []
    return notify_digest(message, notifiers, ledger, deadline, now, interrupted=interrupted)
