"""Names that look alike: what stops "Safe Durham Partnershp", or the same name with
a Cyrillic "о", from quietly becoming a second provider.

A name's *match key* is what a reader sees in it: case, accents, punctuation and
"the" ignored, "&" read as "and", and letters of other scripts that look like Latin
ones (confusables, as Unicode lists them) folded to those Latin letters. Two names
with the same key look the same; keys that differ by a slip of the keyboard are near.
"""

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables
from rapidfuzz import fuzz, process

# How alike two keys must be (their share of characters in common, in order, 0 to
# 1) to be worth asking about: "safe durham partnershp" against "safe durham
# partnership" is 0.98.
NEAR = 0.85
DROPPED_WORDS = frozenset({"the"})
# As long as the key a provider keeps (``Provider.match_key``): a typed name's key is
# cut the same way, or a long name's lookalike would differ from it by what was cut.
KEY_LENGTH = 255
# Letters that are drawn as nothing: the Hangul fillers.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def _shown(character: str) -> bool:
    """Whether ``character`` shows as a letter of its own: not a mark drawn on the
    letter before (an accent, a variation selector), not a format character (a
    zero-width space or joiner, a soft hyphen, a direction mark), not a blank letter.
    Between the letters of a name they would make it look the same and read apart."""
    return not (
        unicodedata.combining(character)
        or unicodedata.category(character) in ("Mn", "Me", "Cf")
        or character in BLANK_LETTERS
    )


def fold_lookalikes(text: str) -> str:
    """``text`` with each letter of another script that looks like a Latin letter
    (a Cyrillic "о", a Greek "Α") replaced by that Latin letter. Punctuation stays:
    the confusables list would turn "!" into a click letter."""
    if text.isascii():
        return text  # every ASCII letter is a Latin one already
    found = confusables.is_confusable(text, preferred_aliases=["latin"], greedy=True) or []
    latin = {}
    for item in found:
        if not unicodedata.category(item["character"]).startswith("L"):
            continue
        for homoglyph in item["homoglyphs"]:
            if homoglyph["c"].isascii() and homoglyph["c"].isalnum():
                latin[item["character"]] = homoglyph["c"]
                break
    return "".join(latin.get(character, character) for character in text)


@lru_cache(maxsize=65_536)
def match_key(name: str) -> str:
    """What a reader sees in ``name``: ``"The Safe  Durham Partnershiр!"`` (with a
    Cyrillic "р", or a zero-width space between each letter) and ``"safe durham
    partnership"`` have the same key, of at most ``KEY_LENGTH`` characters."""
    text = unicodedata.normalize("NFKD", fold_lookalikes(name))
    text = "".join(character for character in text if _shown(character))
    text = text.casefold().replace("&", " and ")
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(word for word in words if word not in DROPPED_WORDS)[:KEY_LENGTH]


@dataclass(frozen=True)
class NearMatch:
    pk: int
    name: str
    lookalike: bool  # the same key: the names differ only in letters that look alike


class NearNames:
    """Names to match against, indexed once: the same key found by a look-up, a
    longer or shorter name by a sorted list, the rest scored in C++ by RapidFuzz (its
    normalised Indel similarity: the share of characters two keys have in common, in
    order). An import of thousands of new names asks this of every provider for each,
    and of every name before it."""

    def __init__(self, candidates=()):
        self._entries: list[tuple[int | None, str, str]] = []
        self._keys: list[str] = []
        self._by_key: dict[str, list[int]] = {}
        self._sorted: list[tuple[str, int]] = []
        for pk, name, key in candidates:
            self.add(pk, name, key)

    def add(self, pk: int | None, name: str, key: str) -> None:
        index = len(self._entries)
        self._entries.append((pk, name, key))
        self._keys.append(key)
        self._by_key.setdefault(key, []).append(index)
        bisect.insort(self._sorted, (key, index))

    def near(self, name: str, *, limit: int = 5) -> list[NearMatch]:
        key = match_key(name)
        if not key:
            return []
        scores: dict[int, tuple[float, bool]] = {}
        for index in self._by_key.get(key, ()):
            scores[index] = (2.0, True)
        # "Victim Care" and "Victim Care and Advice": maybe the same body.
        longer = bisect.bisect_left(self._sorted, (key + " ", -1))
        while longer < len(self._sorted) and self._sorted[longer][0].startswith(key + " "):
            scores.setdefault(self._sorted[longer][1], (NEAR - 0.01, False))
            longer += 1
        for end in (i for i, character in enumerate(key) if character == " "):
            for index in self._by_key.get(key[:end], ()):
                scores.setdefault(index, (NEAR - 0.01, False))
        # The nearest are enough: a file of lookalike names would otherwise list every
        # earlier one for each.
        for _, score, index in process.extract(
            key, self._keys, scorer=fuzz.ratio, score_cutoff=NEAR * 100, limit=limit + len(scores)
        ):
            scores.setdefault(index, (score / 100, False))
        ranked = sorted(scores.items(), key=lambda item: (-item[1][0], self._entries[item[0]][1]))
        return [
            NearMatch(self._entries[index][0], self._entries[index][1], lookalike)
            for index, (_, lookalike) in ranked[:limit]
        ]


def near_matches(name: str, candidates, *, limit: int = 5) -> list[NearMatch]:
    """Of ``candidates`` (``(pk, name, key)`` triples), those whose names look like
    ``name`` or nearly so, nearest first."""
    return NearNames(candidates).near(name, limit=limit)
