"""The Converse request as a chat completions body and back, whatever tool schema the prompt module gives,
and the provider's settings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hf_digest import config
from hf_digest.core.model import Paper
from hf_digest.enrich.summaries.converse import answer_called
from hf_digest.enrich.summaries.openai_chat import chat_request, converse_answer
from hf_digest.enrich.summaries.prompt import TOOL, converse_request, load_prompt
from hf_digest.errors import ConfigError
from tests.openai_server import request_problem

# Another schema than today's, as the prompt module may give: several fields, nested, two tools.
OTHER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title_ko": {"type": "string"},
        "lines": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3},
        "keywords": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title_ko", "lines", "keywords"],
    "additionalProperties": False,
}


def converse(choice: dict[str, Any], tools: int = 1) -> dict[str, Any]:
    specs = [
        {"toolSpec": {"name": f"tool_{n}", "description": "d", "inputSchema": {"json": OTHER_SCHEMA}}}
        for n in range(tools)
    ]
    return {
        "modelId": "gpt-4o-mini",
        "system": [{"text": "You summarise."}, {"text": "Be brief."}],
        "messages": [{"role": "user", "content": [{"text": "Summarise:"}, {"text": '{"arxiv_id": "1"}'}]}],
        "inferenceConfig": {"maxTokens": 300, "temperature": 0.2, "topP": 0.9, "stopSequences": ["END"]},
        "toolConfig": {"tools": specs, "toolChoice": choice},
    }


def test_any_schema_travels_unchanged_and_the_one_tool_is_forced() -> None:
    body = chat_request(converse({"any": {}}))
    assert body["messages"] == [
        {"role": "system", "content": "You summarise.\n\nBe brief."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Summarise:"},
                {"type": "text", "text": '{"arxiv_id": "1"}'},
            ],
        },
    ]
    assert body["tools"][0]["function"]["parameters"] == OTHER_SCHEMA
    assert body["tool_choice"] == {"type": "function", "function": {"name": "tool_0"}}
    assert (body["max_tokens"], body["temperature"], body["top_p"], body["stop"]) == (300, 0.2, 0.9, ["END"])
    assert request_problem(body) is None


@pytest.mark.parametrize(
    ("choice", "tools", "expected"),
    [
        ({"tool": {"name": "tool_1"}}, 2, {"type": "function", "function": {"name": "tool_1"}}),
        ({"any": {}}, 2, "required"),
        ({"auto": {}}, 2, "auto"),
    ],
)
def test_tool_choices(choice: dict[str, Any], tools: int, expected: object) -> None:
    body = chat_request(converse(choice, tools))
    assert body["tool_choice"] == expected and request_problem(body) is None


def test_the_papers_request_as_the_prompt_builds_it_is_valid() -> None:
    paper = Paper(arxiv_id="2602.00001", title="A title", abstract="An abstract.", upvotes=1)
    request = converse_request(load_prompt(None, "en"), paper, "gpt-4o-mini", 400)
    assert request_problem(chat_request(request)) is None


def test_an_answer_reads_back_as_converse_does() -> None:
    fields = {
        "title": "T",
        "problem": "P.",
        "method": "M.",
        "result": "R.",
        "keywords": ["a", "b", "c"],
    }
    completion: dict[str, Any] = {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": TOOL, "arguments": json.dumps(fields)},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    }
    called = answer_called(converse_answer(completion), 1)
    assert (called.fields, called.input_tokens, called.output_tokens, called.answered) == (
        fields,
        120,
        30,
        True,
    )
    cut = {**completion, "choices": [{**completion["choices"][0], "finish_reason": "length"}]}
    assert answer_called(converse_answer(cut), 1).problem == (
        "not parsed: cut off at the output token limit (DIGEST_SUMMARY_MAX_TOKENS)"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DIGEST_SUMMARY_PROVIDER": "azure"},
            "DIGEST_SUMMARY_PROVIDER: 'azure' is not one of bedrock, openai",
        ),
        (
            {"DIGEST_SUMMARY_PROVIDER": "openai", "DIGEST_SUMMARY_MODEL": "gpt 4o"},
            "DIGEST_SUMMARY_MODEL: 'gpt 4o' is not a model name the API could take "
            "(no spaces; e.g. gpt-4o-mini)",
        ),
        (
            {"OPENAI_BASE_URL": "api.openai.com/v1"},
            "OPENAI_BASE_URL: 'api.openai.com/v1' is not an http(s) address such as https://api.openai.com/v1",
        ),
        (
            {"OPENAI_API_KEY": "sk-pasted\nbadly"},
            "OPENAI_API_KEY: the token holds a line break, which cannot be sent in an HTTP header; "
            "copy the token again (its value is not shown)",
        ),
    ],
)
def test_the_provider_settings_are_refused_in_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        config.from_env(env)
    assert str(refused.value) == message


def test_the_provider_settings_are_read() -> None:
    env = {
        "DIGEST_SUMMARY_PROVIDER": "OpenAI",
        "DIGEST_SUMMARY_MODEL": "gemini-2.5-flash",
        "OPENAI_BASE_URL": "https://generativelanguage.googleapis.com/v1beta/openai/",
        "OPENAI_API_KEY": "key-123",
    }
    settings = config.from_env(env)
    assert settings.summary_provider == "openai" and settings.summary_model == "gemini-2.5-flash"
    assert settings.openai_base_url == "https://generativelanguage.googleapis.com/v1beta/openai"
    assert settings.openai_api_key is not None and "key-123" not in repr(settings)
    assert config.from_env({}).summary_provider == "bedrock"
