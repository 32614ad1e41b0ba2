"""The HTML an entry carries: a post's Markdown through a CommonMark renderer that refuses raw HTML, and a
paper's card built from escaped text."""

from __future__ import annotations

import functools
from html import escape

from markdown_it import MarkdownIt

from hf_digest.markdown import plain_math
from hf_digest.model import Paper


@functools.cache
def _renderer() -> MarkdownIt:
    # html=False: any tag in the text is shown as text; markdown-it also refuses javascript: and data: links.
    return MarkdownIt("commonmark", {"html": False})


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


def post_html(markdown: str) -> str:
    """The post as HTML: CommonMark, raw HTML shown as text, the front matter and title left out."""
    html: str = _renderer().render(post_body(markdown))
    return html


LABELS = {
    "ko": {
        "rank": "{n}위", "upvotes": "좋아요 {n}", "listed": "{day} 목록", "hf": "HF 페이지",
        "arxiv": "논문 링크", "code": "코드", "project": "프로젝트 페이지", "summary": "AI 요약",
        "abstract": "Abstract",
    },
    "en": {
        "rank": "#{n}", "upvotes": "{n} upvotes", "listed": "listed {day}", "hf": "HF page", "arxiv": "Paper",
        "code": "Code", "project": "Project page", "summary": "AI summary", "abstract": "Abstract",
    },
}  # fmt: skip


def paper_html(paper: Paper, rank: int, day: str, lang: str) -> str:
    """A paper as a short HTML card: rank, upvotes, links, the AI summary and the abstract, all escaped."""
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
    if paper.ai_summary:
        parts.append(
            f"<p><strong>{escape(words['summary'])}</strong>: {escape(plain_math(paper.ai_summary))}</p>"
        )
    if paper.abstract:
        parts.append(
            f"<p><strong>{escape(words['abstract'])}</strong>: {escape(plain_math(paper.abstract))}</p>"
        )
    return "\n".join(parts) + "\n"
