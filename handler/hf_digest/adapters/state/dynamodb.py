"""The state store in a DynamoDB table (hash key `key`, TTL attribute `expires_at`), with conditional writes.

Each item holds the key, its status, owner and claimed_at, the value as one JSON string, and expires_at
(epoch seconds) for DynamoDB's TTL, which deletes expired items only within a day or two: reads skip them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from hf_digest.adapters.state.store import CLAIM_KEPT_S, BatchReads, StateError
from hf_digest.core.outcomes import Status

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

BATCH_GET_LIMIT = 100  # keys per BatchGetItem, DynamoDB's maximum
UNPROCESSED_ROUNDS = 5  # BatchGetItem may hand back keys it did not read (throttling, 16 MB): ask again
# `key`, `status` and `owner` are DynamoDB reserved words: every expression names attributes through these.
_NAMES = {"#k": "key", "#s": "status", "#o": "owner", "#c": "claimed_at", "#v": "value", "#e": "expires_at"}
_CONDITION_FAILED = "ConditionalCheckFailedException"


class DynamoStore(BatchReads):
    """The state store in an existing table; build the client with `outbound.aws.client("dynamodb")`."""

    batch_size = BATCH_GET_LIMIT

    def __init__(self, table: str, client: DynamoDBClient, *, clock: Callable[[], float] = time.time) -> None:
        self.table = table
        self._client = client
        self._clock = clock

    def _live(self, batch: list[str], now: float) -> Iterator[tuple[str, object]]:
        """The batch's live items, BatchGetItem asked again for what it left unprocessed."""
        wanted: list[Mapping[str, AttributeValueTypeDef]] = [{"key": {"S": key}} for key in batch]
        for _ in range(UNPROCESSED_ROUNDS):
            answer = self._call(
                "BatchGetItem",
                self._client.batch_get_item,
                RequestItems={self.table: {"Keys": wanted, "ConsistentRead": True}},
            )
            for item in answer.get("Responses", {}).get(self.table, []):
                if _live_value(item, now):
                    yield item["key"]["S"], item["value"]["S"]
            wanted = list(answer.get("UnprocessedKeys", {}).get(self.table, {}).get("Keys", []))
            if not wanted:
                return
            time.sleep(0.1)
        raise StateError(f"DIGEST_STATE_TABLE {self.table}: BatchGetItem left keys unread")

    def put(self, key: str, value: Mapping[str, Any], *, ttl_s: float | None = None) -> None:
        item: dict[str, AttributeValueTypeDef] = {
            "key": {"S": key},
            "status": {"S": Status.DONE},
            "value": {"S": _json(value)},
        }
        if ttl_s is not None:
            item["expires_at"] = {"N": str(int(self._clock() + ttl_s))}
        self._call("PutItem", self._client.put_item, TableName=self.table, Item=item)

    def claim(self, key: str, *, owner: str, lease_s: float, now: float) -> bool:
        try:
            self._client.put_item(
                TableName=self.table,
                Item={
                    "key": {"S": key},
                    "status": {"S": Status.CLAIMED},
                    "owner": {"S": owner},
                    "claimed_at": {"N": repr(float(now))},
                    "expires_at": {"N": str(int(now + lease_s + CLAIM_KEPT_S))},
                },
                ConditionExpression=(
                    "attribute_not_exists(#k) OR (attribute_exists(#e) AND #e <= :now) "
                    "OR (#s = :claimed AND (#o = :owner OR #c <= :stale))"
                ),
                ExpressionAttributeNames={n: _NAMES[n] for n in ("#k", "#e", "#s", "#o", "#c")},
                ExpressionAttributeValues={
                    ":now": {"N": repr(float(now))},
                    ":claimed": {"S": Status.CLAIMED},
                    ":owner": {"S": owner},
                    ":stale": {"N": repr(float(now - lease_s))},
                },
            )
        except ClientError as exc:
            if _code(exc) == _CONDITION_FAILED:
                return False
            raise self._error("PutItem", exc) from None
        except BotoCoreError as exc:
            raise self._error("PutItem", exc) from None
        return True

    def mark_done(
        self, key: str, *, owner: str, value: Mapping[str, Any], ttl_s: float | None = None
    ) -> None:
        values: dict[str, AttributeValueTypeDef] = {
            ":done": {"S": Status.DONE},
            ":owner": {"S": owner},
            ":value": {"S": _json(value)},
            ":now": {"N": str(int(self._clock()))},
        }
        update = "SET #s = :done, #o = :owner, #v = :value"
        if ttl_s is None:
            update += " REMOVE #e"
        else:
            update += ", #e = :expires"
            values[":expires"] = {"N": str(int(self._clock() + ttl_s))}
        try:
            self._client.update_item(
                TableName=self.table,
                Key={"key": {"S": key}},
                UpdateExpression=update,
                ConditionExpression=(
                    "attribute_not_exists(#s) OR #s <> :done OR (attribute_exists(#e) AND #e <= :now)"
                ),
                ExpressionAttributeNames={n: _NAMES[n] for n in ("#s", "#o", "#v", "#e")},
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if _code(exc) != _CONDITION_FAILED:  # already done: the first value stays
                raise self._error("UpdateItem", exc) from None
        except BotoCoreError as exc:
            raise self._error("UpdateItem", exc) from None

    def release(self, key: str, *, owner: str) -> None:
        try:
            self._client.delete_item(
                TableName=self.table,
                Key={"key": {"S": key}},
                ConditionExpression="#s = :claimed AND #o = :owner",
                ExpressionAttributeNames={n: _NAMES[n] for n in ("#s", "#o")},
                ExpressionAttributeValues={":claimed": {"S": Status.CLAIMED}, ":owner": {"S": owner}},
            )
        except ClientError as exc:
            if _code(exc) != _CONDITION_FAILED:  # not ours (or gone): nothing to give up
                raise self._error("DeleteItem", exc) from None
        except BotoCoreError as exc:
            raise self._error("DeleteItem", exc) from None

    def add(self, key: str, amount: int, *, ttl_s: float | None = None) -> int:
        # UpdateItem's ADD is atomic on the item: concurrent adds all count.
        update = "ADD #t :amount SET #s = :counter"
        values: dict[str, AttributeValueTypeDef] = {
            ":amount": {"N": str(amount)},
            ":counter": {"S": Status.COUNTER},
        }
        if ttl_s is not None:
            update += ", #e = :expires"
            values[":expires"] = {"N": str(int(self._clock() + ttl_s))}
        answer = self._call(
            "UpdateItem",
            self._client.update_item,
            TableName=self.table,
            Key={"key": {"S": key}},
            UpdateExpression=update,
            ExpressionAttributeNames={
                "#t": "total",
                "#s": "status",
                **({"#e": "expires_at"} if ttl_s is not None else {}),
            },
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",  # moto leaves an unchanged total out of UPDATED_NEW (add 0)
        )
        return int(answer["Attributes"]["total"]["N"])

    def _call(self, operation: str, method: Callable[..., Any], **params: Any) -> Any:
        try:
            return method(**params)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(operation, exc) from None

    def _error(self, operation: str, exc: Exception) -> StateError:
        # botocore's message names the error code and operation, never the item's values or credentials.
        reason = str(exc).splitlines()[0][:300]
        return StateError(f"DIGEST_STATE_TABLE {self.table}: {operation} failed: {reason}")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _live_value(item: Mapping[str, Any], now: float) -> bool:
    if item.get("status", {}).get("S") != Status.DONE or "S" not in item.get("value", {}):
        return False
    expires = item.get("expires_at", {}).get("N")
    return expires is None or float(expires) > now


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
