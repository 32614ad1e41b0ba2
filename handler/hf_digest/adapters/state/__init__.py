"""The project's one state store: what must outlive a run (summaries, the notifications' ledger).

A small protocol with two adapters: SQLite on disk (the CLI's default) and a DynamoDB table (in AWS).
Values are JSON objects. A key is either *claimed* (someone is working on it, under a lease) or *done*
(it holds a value); `get_many` returns only done values that have not expired.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from hf_digest.adapters.state.sqlite import SQLiteStore
from hf_digest.adapters.state.store import (
    CLAIM_KEPT_S,
    StateError,
    StateStore,
    UnavailableStore,
)
from hf_digest.config import Settings, default_state_path

__all__ = [
    "CLAIM_KEPT_S",
    "DynamoStore",
    "SQLiteStore",
    "StateError",
    "StateStore",
    "UnavailableStore",
    "default_state_path",
    "open_store",
]

if TYPE_CHECKING:
    from hf_digest.adapters.state.dynamodb import DynamoStore

log = logging.getLogger(__name__)


def __getattr__(name: str) -> Any:
    # DynamoStore imports botocore: only a run that uses it pays for that (app.py's import stays light).
    if name == "DynamoStore":
        from hf_digest.adapters.state.dynamodb import DynamoStore

        return DynamoStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: Settings) -> StateStore:
    """DynamoDB when DIGEST_STATE_TABLE is set, else SQLite at DIGEST_STATE_PATH (or the default path).

    A SQLite file that cannot be opened (a read-only home, a corrupt file, a folder that cannot be made)
    gives a store whose every call fails: the features that use it degrade, the post is still published.
    """
    if settings.state_table:
        from hf_digest.adapters.state.dynamodb import DynamoStore
        from hf_digest.outbound import aws, budget

        client = budget.guard(aws.client("dynamodb", setting=f"DIGEST_STATE_TABLE {settings.state_table}"))
        return DynamoStore(settings.state_table, client)
    try:
        return SQLiteStore(settings.state_path or default_state_path())
    except StateError as exc:
        log.warning("state store not opened; the features that use it go without: %s", exc)
        return UnavailableStore(exc)
