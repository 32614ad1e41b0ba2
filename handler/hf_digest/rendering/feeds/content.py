"""The HTML an entry carries: a post's Markdown through a CommonMark renderer that refuses raw HTML, and a
paper's card built from escaped text."""

from __future__ import annotations

import functools
import re
from html import escape, unescape

from markdown_it import MarkdownIt

from hf_digest.core.markdown import plain_math
from hf_digest.core.model import Paper


@functools.cache
def _renderer() -> MarkdownIt:
    # html=False: any tag in the text is shown as text; markdown-it also refuses javascript: and data: links.
    return MarkdownIt("commonmark", {"html": False})


# Our own templates' markup, which kramdown (`markdown="1"`) and GitHub read but a renderer that refuses raw
# HTML would show as text: the abstract's <details> wrapper, BibTeX's <pre><code>, Liquid's raw tags.
# Hugging Face text never forms these lines: the post escapes its `<` and braces.
_LIQUID_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_WRAPPER_LINE = re.compile(r'^[ \t]*(?:<details markdown="[01]">|</details>)[ \t]*\n', re.M)
_SUMMARY_LINE = re.compile(r"^([ \t]*)<summary>([^<>\n]+)</summary>[ \t]*$", re.M)
_PRE_CODE = re.compile(r"^([ \t]*)<pre><code>(.*?)</code></pre>[ \t]*$", re.M | re.S)


def post_body(markdown: str) -> str:
    """markdown without its YAML front matter and its leading `# title` line (the entry has a title)."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            markdown = markdown[end + len("\n---\n") :]
    lines = markdown.lstrip("\n").split("\n")
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip("\n") + "\n"


def _fenced(match: re.Match[str]) -> str:
    """A <pre><code> block of ours as a fenced code block at the same indent, its entities read back."""
    pad, code = match[1], unescape(match[2])
    lines = [line.removeprefix(pad) for line in code.split("\n")]
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", code))])
    return "\n".join([pad + fence, *(pad + line for line in lines), pad + fence])


def plain_markdown(body: str) -> str:
    """body with our templates' HTML turned into Markdown a CommonMark reader shows as meant: the
    <details> label as a bold line, its wrapper dropped, BibTeX as a fenced code block."""
    body = _LIQUID_RAW.sub("", body)
    body = _PRE_CODE.sub(_fenced, body)
    body = _SUMMARY_LINE.sub(lambda m: f"{m[1]}**{m[2]}**", body)
    return _WRAPPER_LINE.sub("", body)


def post_html(markdown: str) -> str:
    """The post as HTML: CommonMark, raw HTML shown as text, the front matter and title left out, and our
    templates' own markup as the elements it stands for (a feed reader never shows `<details>` as text)."""
    html: str = _renderer().render(plain_markdown(post_body(markdown)))
    return html


LABELS = {
    "ko": {
        "rank": "{n}위", "upvotes": "좋아요 {n}", "listed": "{day} 목록", "hf": "HF 페이지",
        "arxiv": "논문 링크", "code": "코드", "project": "프로젝트 페이지", "summary": "요약",
        "ai_summary": "AI 요약 (영문)", "abstract": "초록",
    },
    "en": {
        "rank": "#{n}", "upvotes": "{n} upvotes", "listed": "listed {day}", "hf": "HF page", "arxiv": "Paper",
        "code": "Code", "project": "Project page", "summary": "Summary", "ai_summary": "AI summary",
        "abstract": "Abstract",
    },
}  # fmt: skip


def shown_summary(paper: Paper) -> tuple[str, str | None]:
    """The summary the post shows for paper, and its label's key: ours (Bedrock) when it has one, else
    Hugging Face's AI summary (English), else none."""
    if paper.summary is not None:
        return "summary", plain_math(paper.summary.text)
    return "ai_summary", plain_math(paper.ai_summary) if paper.ai_summary else None


def paper_html(paper: Paper, rank: int, day: str, lang: str) -> str:
    """A paper as a short HTML card: rank, upvotes, links, the post's summary and the abstract, escaped."""
    words = LABELS.get(lang, LABELS["en"])
    facts = [
        words["rank"].format(n=rank),
        words["upvotes"].format(n=paper.upvotes),
        words["listed"].format(day=day),
    ]
    if paper.organization:
        facts.append(paper.organization.fullname)
    links = [(words["hf"], paper.hf_url), (words["arxiv"], paper.arxiv_url)]
    if paper.github_repo:
        stars = f" ⭐ {paper.github_stars}" if paper.github_stars is not None else ""
        links.append((words["code"] + stars, paper.github_repo))
    if paper.project_page:
        links.append((words["project"], paper.project_page))
    parts = [
        f"<p>{escape(' · '.join(facts))}</p>",
        "<p>" + " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in links) + "</p>",
    ]
    label, summary = shown_summary(paper)
    if summary:
        parts.append(f"<p><strong>{escape(words[label])}</strong>: {escape(summary)}</p>")
    if paper.abstract:
        parts.append(
            f"<p><strong>{escape(words['abstract'])}</strong>: {escape(plain_math(paper.abstract))}</p>"
        )
    return "\n".join(parts) + "\n"
