"""The summary prompt: templates beside the post's, the Converse request, and reading the answer back.

The paper goes into its own content block as JSON data, never into the system prompt. The prompt version
is a hash of the rendered prompt and the tool schema, so editing either one changes what the cache keys on.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from hf_digest.core.model import Paper
from hf_digest.errors import ConfigError
from hf_digest.rendering import TEMPLATES as PACKAGE_TEMPLATES

TOOL = "record_summary"
DAY_TOOL = "record_day"
MIN_SENTENCES, MAX_SENTENCES = 2, 4
TITLE_MAX, LINE_MAX, KEYWORD_MAX = 60, 120, 40
MIN_KEYWORDS, MAX_KEYWORDS = 3, 5
LINES = ("problem", "method", "result")
_LINE_SAID = {
    "problem": "The problem the paper addresses",
    "method": "What the paper proposes and how it works",
    "result": "What the paper finds, as the abstract states it",
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {
            "type": "string",
            "description": f"The paper's title in the language asked for, at most {TITLE_MAX} characters.",
        },
        **{
            line: {
                "type": "string",
                "description": f"{said}: one plain sentence, at most {LINE_MAX} characters.",
            }
            for line, said in _LINE_SAID.items()
        },
        "keywords": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": MIN_KEYWORDS,
            "maxItems": MAX_KEYWORDS,
            "description": f"{MIN_KEYWORDS} to {MAX_KEYWORDS} short technical keywords.",
        },
    },
    "required": ["title", *LINES, "keywords"],
    "additionalProperties": False,
}
DAY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "brief": {
            "type": "string",
            "description": "What the day's papers share: plain text, one paragraph, in the language asked.",
        }
    },
    "required": ["brief"],
    "additionalProperties": False,
}
TEMPLATE_NAMES = ("{lang}/{kind}.system.j2", "{lang}/{kind}.user.j2")
SUMMARY, DAY = "summary", "day"  # the two prompts: one paper's summary, the day's brief
# Bedrock documents toolChoice "tool" (this tool and no other) for Anthropic Claude and Amazon Nova only;
# other families get "any" (some tool, and we offer one).
_SPECIFIC_TOOL_CHOICE = ("anthropic.", "amazon.nova")


class AnswerError(ValueError):
    """The model's answer holds no summary we can read (the message says why)."""


Fields = dict[str, Any]  # the tool's input as the model wrote it, its shape checked (see answer_from)


@dataclass(frozen=True)
class Prompt:
    system: str
    instruction: str
    version: str  # 12 hex digits of sha256 over the prompt text and the schema


def load_prompt(template_dir: Path | None, lang: str, kind: str = SUMMARY) -> Prompt:
    """The prompt for lang (a paper's summary, or the day's brief) from DIGEST_TEMPLATE_DIR if it has one,
    else ours."""
    return _load(template_dir, lang, kind)


@functools.lru_cache(maxsize=8)
def _load(template_dir: Path | None, lang: str, kind: str) -> Prompt:
    searched = [jinja2.FileSystemLoader(template_dir)] if template_dir is not None else []
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*searched, jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]),
        autoescape=False,  # noqa: S701 - a prompt is plain text; the paper never goes through a template
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    tool, schema = (TOOL, SCHEMA) if kind == SUMMARY else (DAY_TOOL, DAY_SCHEMA)
    context = {
        "lang": lang,
        "tool": tool,
        "min_sentences": MIN_SENTENCES,
        "max_sentences": MAX_SENTENCES,
        "title_max": TITLE_MAX,
        "line_max": LINE_MAX,
        "min_keywords": MIN_KEYWORDS,
        "max_keywords": MAX_KEYWORDS,
    }
    texts = []
    for pattern in TEMPLATE_NAMES:
        name = pattern.format(lang=lang, kind=kind)
        try:
            texts.append(env.get_template(name).render(context).strip())
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(f"DIGEST_LANG: no {kind} prompt {name} in the templates") from exc
        except jinja2.TemplateError as exc:
            raise ConfigError(f"DIGEST_TEMPLATE_DIR: {name}: {exc}") from exc
    system, instruction = texts
    hashed = json.dumps([system, instruction, tool, schema], ensure_ascii=False, sort_keys=True)
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
    return _request(
        prompt, paper_block(paper), model, max_tokens, TOOL, SCHEMA, "Record the summary of the paper."
    )


def day_block(papers: Sequence[tuple[Paper, Mapping[str, Any]]]) -> str:
    """The day's shown papers as JSON data for the brief: each title with its checked summary's fields."""
    data = {
        "papers": [
            {"title": paper.title, **{k: v for k, v in fields.items() if k in ("title", *LINES, "keywords")}}
            for paper, fields in papers
        ]
    }
    return json.dumps(data, ensure_ascii=False)


def day_request(
    prompt: Prompt, papers: Sequence[tuple[Paper, Mapping[str, Any]]], model: str, max_tokens: int
) -> dict[str, Any]:
    """The keyword arguments of converse() for the day's brief, written from the papers' summaries."""
    block = day_block(papers)
    return _request(prompt, block, model, max_tokens, DAY_TOOL, DAY_SCHEMA, "Record the brief of the day.")


def _request(
    prompt: Prompt, block: str, model: str, max_tokens: int, tool: str, schema: Mapping[str, Any], said: str
) -> dict[str, Any]:
    choice: dict[str, Any] = (
        {"tool": {"name": tool}} if model_family(model).startswith(_SPECIFIC_TOOL_CHOICE) else {"any": {}}
    )
    return {
        "modelId": model,
        "system": [{"text": prompt.system}],
        "messages": [{"role": "user", "content": [{"text": prompt.instruction}, {"text": block}]}],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.2},
        "toolConfig": {
            "tools": [{"toolSpec": {"name": tool, "description": said, "inputSchema": {"json": schema}}}],
            "toolChoice": choice,
        },
    }


def estimated_input_tokens(request: Mapping[str, Any]) -> int:
    """A generous guess of a request's input tokens (a token per 3 bytes, plus the tool's own prompt)."""
    return len(json.dumps(request, ensure_ascii=False).encode("utf-8")) // 3 + 400


def answer_from(response: Mapping[str, Any]) -> Fields:
    """The tool's input in a Converse answer (or a text block that is that JSON object), its shape checked:
    a paper's title, three lines and keywords, or the day's brief."""
    if response.get("stopReason") == "max_tokens":
        raise AnswerError("cut off at the output token limit (DIGEST_SUMMARY_MAX_TOKENS)")
    content = response.get("output", {}).get("message", {}).get("content", [])
    for block in content:
        tool_use = block.get("toolUse") if isinstance(block, Mapping) else None
        if isinstance(tool_use, Mapping) and tool_use.get("name") in (TOOL, DAY_TOOL):
            return _fields(tool_use.get("input"))
    texts = [block["text"] for block in content if isinstance(block, Mapping) and "text" in block]
    if not texts:
        raise AnswerError("no tool call and no text in the answer")
    try:
        data = json.loads("".join(texts))
    except ValueError:
        raise AnswerError("the answer is text, not the tool's JSON") from None
    return _fields(data)


def _fields(data: object) -> Fields:
    if not isinstance(data, Mapping):
        raise AnswerError("the answer's JSON is not an object")
    if isinstance(data.get("brief"), str):
        return {"brief": str(data["brief"])}
    for name in ("title", *LINES):
        if not isinstance(data.get(name), str):
            raise AnswerError(f"the answer's JSON has no {name!r} string")
    keywords = data.get("keywords")
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise AnswerError("the answer's JSON has no 'keywords' list of strings")
    return {name: str(data[name]) for name in ("title", *LINES)} | {"keywords": [str(k) for k in keywords]}


def model_family(model: str) -> str:
    """The provider and model name in a model id, inference profile id or ARN: "anthropic.claude-…"."""
    name = model.rsplit("/", 1)[-1]
    parts = name.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else name
