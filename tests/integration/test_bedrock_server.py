"""The local Bedrock Runtime itself: it refuses what real Bedrock would (unsigned, invalid) and answers
errors with Bedrock's statuses and shapes, so the summaries' tests can trust it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.bedrock_server import BedrockServer, Error

MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
REQUEST: dict[str, Any] = {
    "modelId": MODEL,
    "messages": [{"role": "user", "content": [{"text": '{"arxiv_id": "2602.00001"}'}]}],
    "inferenceConfig": {"maxTokens": 100},
}


def client(server: BedrockServer, **options: Any) -> Any:
    config = Config(retries={"total_max_attempts": 1}, parameter_validation=options.pop("validate", True))
    return boto3.client(
        "bedrock-runtime",
        region_name=options.pop("region", "us-east-1"),
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key=options.pop("secret", "testing"),
        config=config,
    )


def test_a_valid_signed_request_is_answered(bedrock: BedrockServer) -> None:
    answer = boto3.client("bedrock-runtime").converse(**REQUEST)  # through AWS_ENDPOINT_URL_BEDROCK_RUNTIME
    assert answer["output"]["message"]["content"][0]["text"]
    assert answer["usage"]["totalTokens"] == answer["usage"]["inputTokens"] + answer["usage"]["outputTokens"]
    assert bedrock.problems == [] and bedrock.calls[0].arxiv_id == "2602.00001"


def test_an_unsigned_request_is_refused(bedrock: BedrockServer) -> None:
    answer = requests.post(f"{bedrock.url}/model/{MODEL}/converse", json=REQUEST, timeout=10)
    assert answer.status_code == 400 and answer.headers["x-amzn-ErrorType"].startswith("ValidationException")
    assert bedrock.problems == ["not SigV4-signed: no AWS4-HMAC-SHA256 Authorization header"]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"secret": "not-the-secret"}, "SigV4 signature does not match the request"),
        ({"region": "eu-west-1"}, "credential scope eu-west-1/bedrock is not us-east-1/bedrock"),
    ],
)
def test_a_badly_signed_request_is_refused(
    bedrock: BedrockServer, options: dict[str, str], problem: str
) -> None:
    with pytest.raises(ClientError) as caught:
        client(bedrock, **options).converse(**REQUEST)
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert bedrock.problems == [problem]


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({"messages": [{"role": "robot", "content": [{"text": "x"}]}]}, "messages[0].role"),
        ({"inferenceConfig": {"maxTokens": 0}}, "inferenceConfig.maxTokens"),
        ({"toolConfig": {"tools": []}}, "toolConfig.tools"),
        ({"inferenceConfig": {"maxTokens": 10, "temperature": 3.0}}, "inferenceConfig.temperature: 3.0"),
        ({"modelId": "a." + "b" * 2047}, "modelId: longer than 2048"),
    ],
)
def test_a_request_outside_botocores_converse_shape_is_refused(
    bedrock: BedrockServer, change: dict[str, Any], found: str
) -> None:
    with pytest.raises(ClientError) as caught:
        client(bedrock, validate=False).converse(**(REQUEST | change))
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(bedrock.problems) == 1 and found in bedrock.problems[0]


def test_a_member_the_model_does_not_have_is_refused(bedrock: BedrockServer) -> None:
    signed = _signed(bedrock, {**REQUEST, "unknownMember": 1})
    answer = requests.post(signed.url, data=signed.body, headers=dict(signed.headers.items()), timeout=10)
    assert answer.status_code == 400
    assert bedrock.problems and 'Unknown parameter in input: "unknownMember"' in bedrock.problems[0]


def _signed(server: BedrockServer, params: dict[str, Any]) -> Any:
    body = json.dumps({k: v for k, v in params.items() if k != "modelId"}).encode()
    url = f"{server.url}/model/{quote(params['modelId'], safe='')}/converse"
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("testing", "testing"), "bedrock", "us-east-1").add_auth(request)
    return request.prepare()


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 429),
        ("AccessDeniedException", 403),
        ("ValidationException", 400),
        ("ModelTimeoutException", 408),
        ("ServiceUnavailableException", 503),
        ("InternalServerException", 500),
        ("ResourceNotFoundException", 404),
        ("ModelNotReadyException", 429),
        ("ModelErrorException", 424),
    ],
)
def test_scripted_errors_have_bedrocks_status_and_shape(
    bedrock: BedrockServer, code: str, status: int
) -> None:
    bedrock.script("2602.00001", Error(code, "it went wrong"))
    with pytest.raises(ClientError) as caught:
        client(bedrock).converse(**REQUEST)
    error = caught.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"]) == (code, "it went wrong")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status


def test_an_unknown_or_denied_model(bedrock: BedrockServer) -> None:
    bedrock.denied = frozenset({MODEL})
    with pytest.raises(ClientError, match="AccessDeniedException"):
        client(bedrock).converse(**REQUEST)
    with pytest.raises(ClientError, match="The provided model identifier is invalid"):
        client(bedrock).converse(**(REQUEST | {"modelId": "anthropic.claude-nope-v1:0"}))
