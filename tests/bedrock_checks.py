"""How the local Bedrock Runtime checks a request: its SigV4 signature, and its body against the
bedrock-runtime service model botocore ships (ParamValidator, plus the enums, maxima and patterns
ParamValidator leaves unchecked)."""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import botocore.session
import jsonschema
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape
from botocore.validate import ParamValidator

SERVICE_MODEL = botocore.session.get_session().get_service_model("bedrock-runtime")
CONVERSE = SERVICE_MODEL.operation_model("Converse")
_input = CONVERSE.input_shape
assert _input is not None
INPUT: StructureShape = _input
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)"
    r"/(?P<service>[a-z0-9-]+)/aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+),"
    r" ?Signature=(?P<signature>[0-9a-f]{64})"
)


def converse_params(model_id: str, body: bytes) -> tuple[dict[str, Any], str | None]:
    """The Converse parameters in a request body (with modelId from the path), and why they are invalid."""
    try:
        params = {"modelId": model_id, **from_wire(INPUT, json.loads(body or b"{}"))}
    except ValueError as exc:
        return {}, f"body is not JSON: {exc}"
    report = ParamValidator().validate(params, INPUT)
    if report.has_errors():
        return params, str(report.generate_report())
    return params, "; ".join([*limits_broken(INPUT, params, ""), *schema_problems(params)]) or None


def schema_problems(params: Mapping[str, Any]) -> list[str]:
    """Each tool's inputSchema must be a JSON Schema (Bedrock passes it on to the model as one)."""
    found = []
    for index, tool in enumerate(params.get("toolConfig", {}).get("tools", [])):
        schema = tool.get("toolSpec", {}).get("inputSchema", {}).get("json")
        if schema is None:
            continue
        try:
            jsonschema.validators.validator_for(schema).check_schema(schema)
        except jsonschema.SchemaError as exc:
            found.append(f"toolConfig.tools[{index}].toolSpec.inputSchema.json: {exc.message}")
    return found


def signature_problem(
    path: str, body: bytes, headers: Mapping[str, str], region: str, secret_key: str | None
) -> str | None:
    """Why the request is not SigV4-signed for bedrock in region (recomputed when the secret is known)."""
    auth = _AUTH.fullmatch(headers.get("authorization", ""))
    stamp = headers.get("x-amz-date", "")
    if auth is None:
        return "not SigV4-signed: no AWS4-HMAC-SHA256 Authorization header"
    if not re.fullmatch(r"\d{8}T\d{6}Z", stamp) or not stamp.startswith(auth["date"]):
        return f"X-Amz-Date {stamp!r} does not match the credential scope's date"
    if (auth["region"], auth["service"]) != (region, SERVICE_MODEL.signing_name):
        return f"credential scope {auth['region']}/{auth['service']} is not {region}/bedrock"
    if "host" not in auth["signed"].split(";") or "x-amz-date" not in auth["signed"].split(";"):
        return "SignedHeaders leaves out host or x-amz-date"
    if secret_key is None:
        return None
    signed = {name: headers.get(name, "") for name in auth["signed"].split(";")}
    request = AWSRequest(method="POST", url=f"http://{headers['host']}{path}", data=body, headers=signed)
    request.context["timestamp"] = stamp
    token = headers.get("x-amz-security-token")
    signer = SigV4Auth(Credentials(auth["key"], secret_key, token), "bedrock", region)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    return None if expected == auth["signature"] else "SigV4 signature does not match the request"


def from_wire(shape: Shape, value: Any) -> Any:
    """A rest-json body value as botocore's parameters: blobs decoded, names as in the model."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        by_wire = {m.serialization.get("name", name): name for name, m in shape.members.items()}
        return {
            by_wire.get(key, key): from_wire(shape.members[by_wire[key]], item) if key in by_wire else item
            for key, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [from_wire(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: from_wire(shape.value, item) for key, item in value.items()}
    if shape.type_name == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    if shape.type_name == "timestamp" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return value


def limits_broken(shape: Shape, value: Any, name: str) -> list[str]:
    """What ParamValidator leaves unchecked: enum values, maximum lengths and values, string patterns."""
    found: list[str] = []
    limits = shape.metadata
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                found += limits_broken(shape.members[key], item, f"{name}.{key}".lstrip("."))
    elif isinstance(shape, ListShape) and isinstance(value, list):
        found += (
            [f"{name}: more than {limits['max']} items"] if len(value) > limits.get("max", len(value)) else []
        )
        for index, item in enumerate(value):
            found += limits_broken(shape.member, item, f"{name}[{index}]")
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            found += limits_broken(shape.value, item, f"{name}.{key}")
    elif isinstance(shape, StringShape) and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            found.append(f"{name}: {value!r} is not one of {', '.join(shape.enum)}")
        if len(value) > limits.get("max", len(value)):
            found.append(f"{name}: longer than {limits['max']}")
        if "pattern" in limits and not _pattern(limits["pattern"]).search(value):
            found.append(f"{name}: {value[:40]!r} does not match the model's pattern")
    elif shape.type_name in ("integer", "long", "float", "double") and isinstance(value, int | float):
        if value > limits.get("max", value):
            found.append(f"{name}: {value} is above {limits['max']}")
    return found


@functools.lru_cache(maxsize=64)
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)
