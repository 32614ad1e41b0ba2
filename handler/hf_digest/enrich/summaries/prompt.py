"""The summary prompt: templates beside the post's, the Converse request, and reading the answer back.

The paper goes into its own content block as JSON data, never into the system prompt. The prompt version
is a hash of the rendered prompt and the tool schema, so editing either one changes what the cache keys on.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from hf_digest.core.model import Paper
from hf_digest.errors import ConfigError
from hf_digest.rendering import TEMPLATES as PACKAGE_TEMPLATES

TOOL = "record_summary"
MIN_SENTENCES, MAX_SENTENCES = 2, 4
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {
            "type": "string",
            "description": "The summary: plain text, one paragraph, in the language asked for.",
        }
    },
    "required": ["summary"],
    "additionalProperties": False,
}
TEMPLATE_NAMES = ("{lang}/summary.system.j2", "{lang}/summary.user.j2")
# Bedrock documents toolChoice "tool" (this tool and no other) for Anthropic Claude and Amazon Nova only;
# other families get "any" (some tool, and we offer one).
_SPECIFIC_TOOL_CHOICE = ("anthropic.", "amazon.nova")


class AnswerError(ValueError):
    """The model's answer holds no summary we can read (the message says why)."""


@dataclass(frozen=True)
class Prompt:
    system: str
    instruction: str
    version: str  # 12 hex digits of sha256 over the prompt text and the schema


def load_prompt(template_dir: Path | None, lang: str) -> Prompt:
    """The prompt for lang from DIGEST_TEMPLATE_DIR if it has one, else ours."""
    return _load(template_dir, lang)


@functools.lru_cache(maxsize=8)
def _load(template_dir: Path | None, lang: str) -> Prompt:
    searched = [jinja2.FileSystemLoader(template_dir)] if template_dir is not None else []
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*searched, jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]),
        autoescape=False,  # noqa: S701 - a prompt is plain text; the paper never goes through a template
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    context = {"lang": lang, "tool": TOOL, "min_sentences": MIN_SENTENCES, "max_sentences": MAX_SENTENCES}
    texts = []
    for pattern in TEMPLATE_NAMES:
        name = pattern.format(lang=lang)
        try:
            texts.append(env.get_template(name).render(context).strip())
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(f"DIGEST_LANG: no summary prompt {name} in the templates") from exc
        except jinja2.TemplateError as exc:
            raise ConfigError(f"DIGEST_TEMPLATE_DIR: {name}: {exc}") from exc
    system, instruction = texts
    hashed = json.dumps([system, instruction, TOOL, SCHEMA], ensure_ascii=False, sort_keys=True)
    version = hashlib.sha256(hashed.encode("utf-8")).hexdigest()[:12]
    return Prompt(system=system, instruction=instruction, version=version)


def paper_block(paper: Paper) -> str:
    """The paper as the JSON data the model summarises (title, abstract, Hugging Face's keywords)."""
    data = {
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "abstract": paper.abstract,
        "keywords": list(paper.ai_keywords),
    }
    return json.dumps(data, ensure_ascii=False)


def converse_request(prompt: Prompt, paper: Paper, model: str, max_tokens: int) -> dict[str, Any]:
    """The keyword arguments of bedrock-runtime's converse() for one paper."""
    choice: dict[str, Any] = (
        {"tool": {"name": TOOL}} if model_family(model).startswith(_SPECIFIC_TOOL_CHOICE) else {"any": {}}
    )
    return {
        "modelId": model,
        "system": [{"text": prompt.system}],
        "messages": [
            {"role": "user", "content": [{"text": prompt.instruction}, {"text": paper_block(paper)}]}
        ],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.2},
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": TOOL,
                        "description": "Record the summary of the paper.",
                        "inputSchema": {"json": SCHEMA},
                    }
                }
            ],
            "toolChoice": choice,
        },
    }


def estimated_input_tokens(request: Mapping[str, Any]) -> int:
    """A generous guess of a request's input tokens (a token per 3 bytes, plus the tool's own prompt)."""
    return len(json.dumps(request, ensure_ascii=False).encode("utf-8")) // 3 + 400


def summary_from(response: Mapping[str, Any]) -> str:
    """The summary in a Converse answer: the tool's input, or a text block that is that JSON object."""
    if response.get("stopReason") == "max_tokens":
        raise AnswerError("cut off at the output token limit (DIGEST_SUMMARY_MAX_TOKENS)")
    content = response.get("output", {}).get("message", {}).get("content", [])
    for block in content:
        tool_use = block.get("toolUse") if isinstance(block, Mapping) else None
        if isinstance(tool_use, Mapping) and tool_use.get("name") == TOOL:
            return _summary_field(tool_use.get("input"))
    texts = [block["text"] for block in content if isinstance(block, Mapping) and "text" in block]
    if not texts:
        raise AnswerError("no tool call and no text in the answer")
    try:
        data = json.loads("".join(texts))
    except ValueError:
        raise AnswerError("the answer is text, not the tool's JSON") from None
    return _summary_field(data)


def _summary_field(data: object) -> str:
    if not isinstance(data, Mapping) or not isinstance(data.get("summary"), str):
        raise AnswerError("the answer's JSON has no 'summary' string")
    return str(data["summary"])


def model_family(model: str) -> str:
    """The provider and model name in a model id, inference profile id or ARN: "anthropic.claude-…"."""
    name = model.rsplit("/", 1)[-1]
    parts = name.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else name
