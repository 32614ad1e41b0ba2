"""Lexical relevance: TF-IDF cosine between the interests and each paper's title, abstract and keywords.
Pure Python (no numpy: the Lambda layer stays small and a cold start loads nothing new). No I/O.

Words are Unicode word runs, case folded (NFKC), so text in any language tokenizes; the papers are in
English, so only the interests' English words can match them. The day's papers are the corpus the inverse
document frequency is counted over (smoothed, as scikit-learn's `smooth_idf`), so a word every paper uses
weighs least. A library's entries are averaged: a paper scores its cosine with what they share, and the
entry nearest to it is its reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from hf_digest.core.model import Paper
from hf_digest.enrich.interests.parse import Interests
from hf_digest.enrich.interests.relevance import Score

REASON_TERMS = 5
_WORD = re.compile(r"\w+")
# English function words and the filler every abstract uses; a match on these says nothing.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing done during each few for from further had has have having
    he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
    once only or other our ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours via using use used uses based new novel show shows shown propose
    proposed proposes present presents introduce introduces paper papers work works approach approaches method
    methods result results study studies first one two three many various several however thus therefore well
    across within without achieve achieves achieving demonstrate demonstrates significantly existing recent
    interested interest interests like want mostly especially particularly""".split()
)


def stem(word: str) -> str:
    """A light English plural fold (robots -> robot, policies -> policy); other words as they are."""
    if not word.isascii():
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """text's words, folded and stemmed, without stop words, numbers or single characters."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = (word.strip("_") for word in _WORD.findall(folded))
    return [stem(word) for word in words if len(word) > 1 and not word.isdigit() and word not in STOPWORDS]


def paper_tokens(paper: Paper) -> list[str]:
    """What a paper is compared on: its title twice (a title names the topic), abstract, keywords."""
    title = tokens(paper.title)
    return [*title, *title, *tokens(paper.abstract), *tokens(" ".join(paper.ai_keywords))]


Vector = dict[str, float]


class Corpus:
    """The day's papers as TF-IDF vectors (sublinear term frequency, smoothed idf, unit length)."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        docs = [paper_tokens(paper) for paper in papers]
        df = Counter(term for doc in docs for term in set(doc))
        n = len(docs)
        self.idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
        self.vectors = {paper.arxiv_id: self.vector(doc) for paper, doc in zip(papers, docs, strict=True)}

    def vector(self, words: Sequence[str]) -> Vector:
        """words as a unit vector over the corpus' terms (a word no paper holds cannot match, so it does not
        dilute the rest: a Korean sentence with three English terms ranks by those three)."""
        counts = Counter(word for word in words if word in self.idf)
        weights = {term: (1 + math.log(count)) * self.idf[term] for term, count in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {term: w / norm for term, w in weights.items()} if norm else {}


def cosine(query: Vector, doc: Vector) -> tuple[float, list[tuple[float, str]]]:
    """The cosine of two unit vectors, and each shared term's share of it."""
    if len(doc) < len(query):
        query, doc = doc, query
    shares = [(weight * doc[term], term) for term, weight in query.items() if term in doc]
    return sum(share for share, _ in shares), shares


def centroid(vectors: Sequence[Vector]) -> Vector:
    """The unit-length mean of vectors: what a library is about, its shared terms weighing most."""
    total: Vector = {}
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    norm = math.sqrt(sum(w * w for w in total.values()))
    return {term: w / norm for term, w in total.items()} if norm else {}


def score(papers: Sequence[Paper], interests: Interests) -> dict[str, Score]:
    """Every paper's relevance to interests: its cosine with what the entries share (their centroid: one
    stray word of one library paper does not carry a day's paper), the shared terms that weigh most, and
    (for a library) the title of the entry it is closest to."""
    corpus = Corpus(papers)
    queries = [(entry, corpus.vector(tokens(entry.text))) for entry in interests.entries]
    queries = [(entry, vector) for entry, vector in queries if vector]
    whole = centroid([vector for _, vector in queries])
    found = {}
    for paper in papers:
        doc = corpus.vectors[paper.arxiv_id]
        value, shares = cosine(whole, doc)
        if value <= 0:
            found[paper.arxiv_id] = Score(0.0)
            continue
        terms = tuple(term for _, term in sorted(shares, key=lambda s: (-s[0], s[1]))[:REASON_TERMS])
        closest = max(queries, key=lambda q: cosine(q[1], doc)[0])[0].title if interests.library else None
        found[paper.arxiv_id] = Score(min(value, 1.0), terms, closest or None)
    return found


def has_english(interests: Interests) -> bool:
    """Whether the interests hold a word the (English) papers could share: a Korean-only text holds none."""
    return any(word.isascii() for entry in interests.entries for word in tokens(entry.text))
