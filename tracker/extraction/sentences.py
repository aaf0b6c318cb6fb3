"""Split an article into sentences and tokens, keeping offsets into the original text.

spaCy's blank English pipeline with the rule-based sentencizer does the work offline
(no model is downloaded). A line break always ends a sentence, because headlines and
subheadings carry no final full stop and would otherwise run into the next sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.language import Language

# A line that does not end like a sentence is a heading ("Russia offers new talks").
_SENTENCE_END = re.compile(r"[.!?\"”’')\]]\s*$")


@dataclass(frozen=True)
class Token:
    """One token of a sentence: its lower-case form and its offsets in the article."""

    text: str
    lower: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence: `article[start:end] == text`, with its tokens and paragraph."""

    text: str
    start: int
    end: int
    tokens: tuple[Token, ...]
    paragraph: int
    heading: bool


@cache
def _nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str, *, offset: int = 0) -> tuple[Token, ...]:
    """The spaCy tokens of `text`, with offsets shifted by `offset`."""
    return tuple(
        Token(t.text, t.text.lower(), offset + t.idx, offset + t.idx + len(t.text))
        for t in _nlp().tokenizer(text)
        if not t.is_space
    )


def _is_heading(line: str) -> bool:
    return not _SENTENCE_END.search(line)


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text` in order; each line is split on its own."""
    lines = [(match.group(), match.start()) for match in re.finditer(r"[^\n]+", text)]
    lines = [(line, start) for line, start in lines if line.strip()]
    sentences: list[Sentence] = []
    docs = _nlp().pipe(line for line, _ in lines)
    for paragraph, ((line, line_start), doc) in enumerate(
        zip(lines, docs, strict=True)
    ):
        heading = _is_heading(line)
        for span in doc.sents:
            raw = span.text
            stripped = raw.strip()
            if not stripped:
                continue
            start = line_start + span.start_char + (len(raw) - len(raw.lstrip()))
            tokens = tuple(
                Token(
                    t.text,
                    t.text.lower(),
                    line_start + t.idx,
                    line_start + t.idx + len(t),
                )
                for t in span
                if not t.is_space
            )
            sentences.append(
                Sentence(
                    stripped, start, start + len(stripped), tokens, paragraph, heading
                )
            )
    return sentences
