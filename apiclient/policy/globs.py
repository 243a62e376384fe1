"""IAM wildcard patterns (`*`, `?`) matched by an ordered chunk search, in time linear in the text.

A pattern is a sequence of tokens: single characters, or the wildcards ``STAR`` and
``ONE``. Tokens let a policy variable escape (``${*}``) put a literal ``*`` into a
pattern without it becoming a wildcard [IAM:reference_policies_variables].

No regular expression is involved: a backtracking ``.*`` per ``*`` takes seconds on a few
hundred characters (``*a*a*a*b``) and a User-Agent is the caller's to choose. The pattern is
split on ``*`` into fixed-length chunks; the first is anchored at the start, the last at the
end, and each middle chunk is taken at its leftmost place after the previous one, which is
always right because a ``*`` between them absorbs any gap. A chunk is found with ``str.find``
on its longest literal run, then checked run by run, so the work is bounded by
``len(text) * len(pattern)`` whatever the number of ``*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Literal

__all__ = [
    "ONE",
    "STAR",
    "Glob",
    "Tokens",
    "as_text",
    "compile_arn",
    "compile_glob",
    "literal_tokens",
    "tokens_of",
]

STAR = "\x00*"
ONE = "\x00?"

Tokens = tuple[str, ...]

# The five ARN fields before the resource part (arn, partition, service, region, account).
_PREFIX_FIELDS = 5


def tokens_of(text: str) -> Tokens:
    """Tokens of a pattern written in a policy: every `*` and `?` is a wildcard."""
    return tuple(STAR if ch == "*" else ONE if ch == "?" else ch for ch in text)


def literal_tokens(text: str) -> Tokens:
    """Tokens that match ``text`` exactly (no wildcards)."""
    return tuple(text)


def as_text(tokens: Iterable[str]) -> str:
    """The pattern written back as text (wildcards as `*` and `?`)."""
    return "".join(tok[-1] if tok in (STAR, ONE) else tok for tok in tokens)


def _fold_char(ch: str) -> str:
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def _fold(text: str) -> str:
    """Lower case, one character for one, so that positions (and ``?``) keep their meaning."""
    lower = text.lower()
    # lower() only ever lengthens (U+0130); equal lengths mean a one-for-one mapping.
    return lower if len(lower) == len(text) else "".join(map(_fold_char, text))


class _Chunk:
    """A run of literal characters and ``?`` between two ``*``: fixed length, found left to right."""

    __slots__ = ("anchor", "length", "literal", "runs", "text")

    def __init__(self, tokens: Tokens, fold: bool) -> None:
        self.length = len(tokens)
        runs: list[tuple[int, str]] = []
        start = 0
        for index, tok in enumerate((*tokens, ONE)):
            if tok == ONE:
                if index > start:
                    text = "".join(tokens[start:index])
                    runs.append((start, _fold(text) if fold else text))
                start = index + 1
        self.runs = tuple(runs)
        # The longest literal run is searched for; the others are checked where it lands.
        self.anchor = max(runs, key=lambda run: len(run[1])) if runs else None
        self.literal = ONE not in tokens
        self.text = runs[0][1] if self.literal and runs else ""

    def at(self, text: str, position: int) -> bool:
        """Whether the chunk matches ``text`` at ``position`` (the caller checked the length)."""
        if self.literal:
            return text.startswith(self.text, position)
        return all(text.startswith(run, position + offset) for offset, run in self.runs)

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost position >= ``start`` where the chunk matches inside ``text[:end]``, or -1."""
        if self.literal:
            return text.find(self.text, start, end)
        last = end - self.length
        if last < start:
            return -1
        if self.anchor is None:
            return start  # only `?`: any place long enough
        offset, run = self.anchor
        found = text.find(run, start + offset, last + offset + len(run))
        while found >= 0:
            position = found - offset
            if self.at(text, position):
                return position
            found = text.find(run, found + 1, last + offset + len(run))
        return -1


Matcher = Callable[[str], "Literal[True] | None"]


def _everything(text: str) -> Literal[True]:
    return True


class _Segment:
    """A whole-string matcher for one token sequence; `*` matches anything, `?` one character.

    ``match`` is the test for its shape: the shapes nearly every policy uses ("lit", "lit*",
    "*lit", "lit*lit", "lit*lit*...*lit", "*") are plain string comparisons and ``str.find``;
    the rest (a `?` somewhere) go through the chunk search.
    """

    __slots__ = ("chunks", "fold", "head", "match", "middle", "minimum", "shape", "starred", "tail")

    def __init__(self, tokens: Tokens, fold: bool) -> None:
        self.fold = fold
        pieces: list[list[str]] = [[]]
        for tok in tokens:
            if tok == STAR:
                pieces.append([])
            else:
                pieces[-1].append(tok)
        self.starred = len(pieces) > 1
        self.chunks = tuple(_Chunk(tuple(piece), fold) for piece in pieces)
        self.middle = self.chunks[1:-1]
        self.minimum = sum(chunk.length for chunk in self.chunks)
        first, last = self.chunks[0], self.chunks[-1]
        self.head = first.runs[0][1] if first.runs else ""
        self.tail = last.runs[0][1] if last.runs else ""
        literal = all(chunk.literal for chunk in self.chunks)
        if not self.starred:
            self.shape = "exact" if literal else "general"
        elif self.minimum == 0:
            self.shape = "any"
        elif literal:
            self.shape = "ends" if len(self.chunks) == 2 else "chunks"
        else:
            self.shape = "general"
        self.match: Matcher = self._matcher()

    def _matcher(self) -> Matcher:
        shape, fold, head, tail, minimum = self.shape, self.fold, self.head, self.tail, self.minimum
        if shape == "any":
            return _everything
        if shape == "general":
            return self._general
        middles = tuple(chunk.text for chunk in self.middle)
        start, stop = len(head), len(tail)

        def match(text: str) -> Literal[True] | None:
            if fold:
                lower = text.lower()
                # lower() only ever lengthens (U+0130): then fold one character at a time.
                text = lower if len(lower) == len(text) else _fold(text)
            if shape == "exact":
                return True if text == head else None
            size = len(text)
            if size < minimum or not (text.startswith(head) and text.endswith(tail)):
                return None
            # Each middle chunk at its leftmost place after the previous one (see the module docstring).
            position, end = start, size - stop
            for middle in middles:
                found = text.find(middle, position, end)
                if found < 0:
                    return None
                position = found + len(middle)
            return True

        return match

    def _general(self, text: str) -> Literal[True] | None:
        if self.fold:
            text = _fold(text)
        size = len(text)
        if size < self.minimum or (not self.starred and size != self.minimum):
            return None
        first, last = self.chunks[0], self.chunks[-1]
        if not first.at(text, 0):
            return None
        if not self.starred:
            return True
        end = size - last.length
        if not last.at(text, end):
            return None
        position = first.length
        for chunk in self.middle:
            found = chunk.find(text, position, end)
            if found < 0:
                return None
            position = found + chunk.length
        return True


def _arn_matcher(segments: tuple[_Segment, ...]) -> Matcher:
    """Split on the first colons and test each field; fields a bare `*` covers need no test."""
    count = len(segments)
    last = count - 1
    # Case-insensitive literal fields (`arn`, `aws`, `execute-api`, an account) are compared inline.
    folded = tuple((n, s.head) for n, s in enumerate(segments) if s.shape == "exact" and s.fold)
    others = tuple(
        (n, s.match)
        for n, s in enumerate(segments)
        if s.shape != "any" and not (s.shape == "exact" and s.fold)
    )

    def fullmatch(text: str) -> Literal[True] | None:
        # Fields before the last pattern segment are colon-free; the last one takes the rest.
        fields = text.split(":", last)
        if len(fields) != count:
            return None
        for number, literal in folded:
            value = fields[number]
            lower = value.lower()
            if len(lower) != len(value):
                lower = _fold(value)
            if lower != literal:
                return None
        for number, match in others:
            if match(fields[number]) is None:
                return None
        return True

    return fullmatch


class Glob:
    """A compiled IAM pattern; ``fullmatch(text)`` is True or None, as ``re.Pattern.fullmatch`` is truthy.

    ``text`` is the pattern as written (wildcards as `*` and `?`).
    """

    __slots__ = ("fullmatch", "text")

    def __init__(self, text: str, segments: tuple[_Segment, ...], *, arn: bool) -> None:
        self.text = text
        # True when the whole of ``text`` matches, else None.
        self.fullmatch: Matcher
        if len(segments) == 1 and segments[0].shape == "any":
            self.fullmatch = _everything
        elif not arn:
            self.fullmatch = segments[0].match
        else:
            self.fullmatch = _arn_matcher(segments)

    def __repr__(self) -> str:
        return f"Glob({self.text!r})"


@lru_cache(maxsize=8192)
def compile_glob(tokens: Tokens, ignore_case: bool) -> Glob:
    """A whole-string matcher; `*` matches anything, `/` included.

    [IAM:reference_policies_elements_resource]
    """
    return Glob(as_text(tokens), (_Segment(tokens, ignore_case),), arn=False)


@lru_cache(maxsize=8192)
def compile_arn(tokens: Tokens, case_sensitive_prefix: bool) -> Glob:
    """An ARN matcher, segment by segment.

    The five segments before the resource part (arn, partition, service, region,
    account) match case-insensitively in the Resource element; the resource part is
    case-sensitive and its `*` crosses `/` (IAM User Guide, "IAM JSON policy elements: Resource"). A `*`
    in a prefix segment stays inside that segment. ``case_sensitive_prefix`` is for
    the Arn* condition operators, which are case-sensitive throughout.
    """
    if tokens == (STAR,):
        return Glob("*", (_Segment(tokens, False),), arn=False)
    segments: list[list[str]] = [[]]
    for tok in tokens:
        if tok == ":" and len(segments) <= _PREFIX_FIELDS:
            segments.append([])
        else:
            segments[-1].append(tok)
    # A pattern cut short (`arn:aws:execute-api:*`) lets its last segment, `*` included, cover the rest.
    compiled = tuple(
        _Segment(tuple(segment), number != _PREFIX_FIELDS and not case_sensitive_prefix)
        for number, segment in enumerate(segments)
    )
    return Glob(as_text(tokens), compiled, arn=True)
