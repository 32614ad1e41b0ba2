"""The escaping filters: Hugging Face text reaches the page as text, never as Liquid, HTML or Markdown."""

from __future__ import annotations

import pytest

from hf_digest.core.markdown import code_block, is_http_url, md_text, md_url, plain_math

ARXIV = "https://arxiv.org/abs/2602.06422"


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("{{ site.title }}", "\\{\\{ site.title }}"),
        ("{% endraw %}", "&#123;% endraw %}"),
        ("{% raw %}", "&#123;% raw %}"),
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ("A & B &amp; C", "A & B &amp;amp; C"),
        ("a | b | c", "a \\| b \\| c"),
        ("**bold** and _it_", "\\*\\*bold\\*\\* and \\_it\\_"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("`code` ~~gone~~", "\\`code\\` &#126;&#126;gone&#126;&#126;"),
        ("$a_b_c$ and $$x$$", "\\$a\\_b\\_c\\$ and \\$\\$x\\$\\$"),
        ("back\\slash\\", "back\\\\slash\\\\"),
        ("key: value # not a comment", "key: value # not a comment"),
        ("한국어 제목 🤗", "한국어 제목 🤗"),
    ],
)
def test_specials_are_escaped(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        # Plain wherever Liquid, kramdown and GitHub show the character as typed: the raw file reads well.
        ("S&P 500, R&D and Q&A", "S&P 500, R&D and Q&A"),
        ("sets {0,1} and maps {a: 1} -> x > y", "sets {0,1} and maps {a: 1} -> x > y"),
        # Escaped only where it would start something.
        ("&lt; and &#123; and &#x7B; typed", "&amp;lt; and &amp;#123; and &amp;#x7B; typed"),
        ("ends with &", "ends with &amp;"),
        ("{{{x}}} and {{- y -}}", "\\{\\{\\{x}}} and {\\{- y -}}"),
        ("{%- tag -%} and x{%y", "&#123;%- tag -%} and x&#123;%y"),
        ("ends with {", "ends with &#123;"),
        ("x {: .class} and {::nomarkdown}", "x \\{: .class} and \\{::nomarkdown}"),
        ("a >> b >>> c", "a >\\> b >\\>\\> c"),
    ],
)
def test_plain_characters_stay_plain_where_they_are_safe(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("1. not a list", "1\\. not a list"),
        ("2026) a year", "2026\\) a year"),
        ("# not a heading", "\\# not a heading"),
        ("- not an item", "\\- not an item"),
        ("+ not an item", "\\+ not an item"),
        ("> not a quote", "\\> not a quote"),
        (": not a definition", "\\: not a definition"),
        ("=== not a rule", "\\=== not a rule"),
        ("^", "&#94;"),
        ("x 1. # - in the middle", "x 1. # - in the middle"),
    ],
)
def test_block_markers_at_the_start_are_escaped(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


def test_arxiv_placeholder_becomes_a_link_to_the_paper() -> None:
    text = "Code is at this https URL . Data: this http URL"
    assert md_text(text, ARXIV) == (f"Code is at [arXiv]({ARXIV}) . Data: [arXiv]({ARXIV})")
    assert "URL" not in md_text(text)


def test_bare_urls_become_links_without_the_sentence_punctuation() -> None:
    text = "Demo at https://github.com/YunzeTong/Turning_Point-GRPO. See (https://x.io/a_(b))."
    assert md_text(text) == (
        "Demo at [https://github.com/YunzeTong/Turning\\_Point-GRPO]"
        "(https://github.com/YunzeTong/Turning_Point-GRPO). "
        "See ([https://x.io/a\\_(b)](https://x.io/a_%28b%29))."
    )


def test_a_url_glued_to_an_arxiv_placeholder_keeps_braces_as_text() -> None:
    text = "available at https://github.com/aiming-lab/Agent0/Agent0-VL{this https URL}."
    assert md_text(text, ARXIV) == (
        "available at [https://github.com/aiming-lab/Agent0/Agent0-VL](https://github.com/aiming-lab/Agent0/Agent0-VL)"
        f"&#123;[arXiv]({ARXIV})}}."
    )


def test_whitespace_collapses_and_none_is_empty() -> None:
    assert md_text("  a\n  b\t c ") == "a b c"
    assert md_text(None) == ""


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://github.com/a/b", "https://github.com/a/b"),
        ("https://x.io/a b(c)<d>", "https://x.io/a%20b%28c%29%3Cd%3E"),
        ("https://x.io/{{site.title}}", "https://x.io/%7B%7Bsite.title%7D%7D"),
        ("https://x.io/p?q=1&r=%20#top", "https://x.io/p?q=1&r=%20#top"),
        ("https://例え.jp/파일", "https://%E4%BE%8B%E3%81%88.jp/%ED%8C%8C%EC%9D%BC"),
    ],
)
def test_urls_cannot_break_out_of_the_link(url: str, safe: str) -> None:
    assert md_url(url) == safe


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.io/a", "//x.io", "", None, "https://"])
def test_only_http_urls_are_links(url: str | None) -> None:
    assert not is_http_url(url)
    with pytest.raises(ValueError, match="not an http"):
        md_url(url)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("a $\\times$ b", "a × b"),
        ("$3\\times$ faster, $\\sim$10%", "3× faster, ∼10%"),
        ("$\\alpha \\leq \\beta$", "α ≤ β"),
        ("$10^{3}$ and $2^n$", "10³ and 2ⁿ"),
        ("\\textbf{Bold} and \\emph{it}", "Bold and it"),
        ("59.88\\% win rate", "59.88% win rate"),
        ("$a_b_c$", "$a_b_c$"),
        ("$\\mathcal{O}(n)$", "𝒪(n)"),
        ("$\\frac{a}{b}$", "$\\frac{a}{b}$"),
        ("costs $5 and $10", "costs $5 and $10"),
        ("$$x^2$$", "$$x^2$$"),
    ],
)
def test_plain_math_converts_only_simple_latex(latex: str, text: str) -> None:
    assert plain_math(latex) == text


def test_code_blocks_are_fenced_longer_than_any_tilde_run_and_indented_under_the_item() -> None:
    assert code_block("@misc{k,\n  title = {A ~ B},\n\n}", "bibtex", "   ") == (
        "~~~ bibtex\n   @misc{k,\n     title = {A ~ B},\n   }\n   ~~~"
    )
    assert code_block("a\n~~~~~\nb").splitlines() == ["~~~~~~", "a", "~~~~~", "b", "~~~~~~"]


def test_code_blocks_sit_in_raw_only_where_liquid_would_read_them() -> None:
    assert "raw" not in code_block("@misc{k, title = {x}}")
    assert code_block("{{ site.title }} {%- endraw -%}").splitlines() == [
        "{% raw %}", "~~~", "{{ site.title }} { %- endraw -%}", "~~~", "{% endraw %}"
    ]  # fmt: skip
