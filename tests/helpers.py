"""Helpers shared by tests and the bench (no fixtures here: those live in tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from hf_digest.model import Organization, Paper

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


def hostile_papers(papers: Sequence[Paper], count: int = 10) -> list[Paper]:
    """papers with long Korean titles, organizations and summaries full of markup and emoji."""
    title = "<b>굵게</b> & 한국어로 쓴 아주 긴 제목 _밑줄_ *별표* | 파이프 `코드` [링크](x) @everyone 🚀🔥 "
    summary = "이 논문은 <모델> & 데이터를 제안한다. 결과는 *좋았다* _정말로_ | 그렇다! "
    return [
        replace(
            paper,
            title=(f"{n}번 " + title * 6).strip(),
            organization=Organization(
                paper.organization.name if paper.organization else "org", "<i>Lab</i> & *Co*"
            ),
            ai_summary=(summary * 20).strip(),
        )
        for n, paper in enumerate(papers[:count], start=1)
    ]
