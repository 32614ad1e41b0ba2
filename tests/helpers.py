"""Helpers shared by tests and the bench (no fixtures here: those live in tests/conftest.py)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def create_state_table(client: DynamoDBClient, name: str | None = None) -> str:
    """A state table shaped as template.yaml makes it (hash key `key`, TTL on `expires_at`); its name."""
    name = name or f"digest-state-{uuid.uuid4().hex[:12]}"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    return name
