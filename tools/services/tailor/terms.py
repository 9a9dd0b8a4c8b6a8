"""Terms: the words that carry meaning in a job post or resume, and whether a text mentions them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# Tokens keep the punctuation of names such as C++, C#, Node.js, CI/CD and scikit-learn.
TOKEN = re.compile(r"[a-z0-9][a-z0-9+#./-]*[a-z0-9+#]|[a-z0-9]", re.I)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOPWORDS = _wordset(
    """a about above across after all also an and any are as at be been being both but by can could
    day days do does done each etc every for from had has have having how i ideal if in including into is it
    its know knows like may more most much must need needs nice not of on one or other our out over own per plus preferably
    same several should so some someone such than that the their them then there these they this those through
    to too two under up us using very via was we well were what when where which while who will with
    want wants within without would year years you your yours"""
)
# Words a requirement is made of that are not themselves a skill.
GENERIC = _wordset(
    """ability able background bring building build built candidate closely communication company
    culture deep degree demonstrated environment equivalent excellent experience experienced expertise
    familiarity familiar good great hands-on ideally join knowledge lead looking plus production proven
    proficiency proficient related relevant requirement requirements responsibilities role run running
    services skills solid strong team teams understanding work working world-class"""
)


def tokens(text: str) -> list[str]:
    return [t.lower().rstrip(".") for t in TOKEN.findall(text)]


def key_terms(text: str) -> list[str]:
    """The meaningful terms of a phrase, in order, without duplicates."""
    kept = [t for t in tokens(text) if t not in STOPWORDS and t not in GENERIC and len(t) > 1]
    return list(dict.fromkeys(t for t in kept if not t.rstrip("+").isdigit()))


def ranked_terms(texts: Iterable[str], limit: int = 25) -> list[str]:
    """The most frequent key terms across texts (ties in first-seen order)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(key_terms(text))
    return [term for term, _ in counts.most_common(limit)]


def stem(term: str) -> str:
    """A plain word without its inflection (mentoring, mentored -> mentor); other terms as they are."""
    if term.isalpha():
        for suffix in ("ing", "ed", "es", "s"):
            if term.endswith(suffix) and len(term) - len(suffix) >= 4:
                return term[: -len(suffix)]
    return term


def mentions(text: str, term: str) -> bool:
    """Whether ``text`` mentions ``term`` as a word (any inflection of a plain word), ignoring case."""
    root = stem(term)
    tail = r"[a-z]*" if root.isalpha() else r"(?![a-z0-9+#])"
    return re.search(rf"(?<![a-z0-9]){re.escape(root)}{tail}", text, re.I) is not None


def covered(text: str, terms: Iterable[str]) -> list[str]:
    return [t for t in terms if mentions(text, t)]
