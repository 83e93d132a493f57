"""Names that look alike: what stops "Safe Durham Partnershp", or the same name with
a Cyrillic "о", from quietly becoming a second provider.

A name's *match key* is what a reader sees in it: case, accents, punctuation and
"the" ignored, "&" read as "and", and letters of other scripts that look like Latin
ones (confusables, as Unicode lists them) folded to those Latin letters. Two names
with the same key look the same; keys that differ by a slip of the keyboard are near.
"""

import re
import unicodedata
from dataclasses import dataclass

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


def near_matches(name: str, candidates, *, limit: int = 5) -> list[NearMatch]:
    """Of ``candidates`` (``(pk, name, key)`` triples), those whose names look like
    ``name`` or nearly so, nearest first.

    Near is the ratio of the characters two keys share in order to their lengths
    (RapidFuzz's normalised Indel similarity, computed in C++: an import of thousands
    of new names asks this of every provider for each)."""
    key = match_key(name)
    if not key:
        return []
    scored = []
    others = []
    for pk, other_name, other_key in candidates:
        if other_key == key:
            scored.append((2.0, other_name, pk, True))
        elif other_key.startswith(key + " ") or key.startswith(other_key + " "):
            # "Victim Care" and "Victim Care and Advice": maybe the same body.
            scored.append((NEAR - 0.01, other_name, pk, False))
        else:
            others.append((pk, other_name, other_key))
    near = process.extract(
        key,
        [other_key for _, _, other_key in others],
        scorer=fuzz.ratio,
        score_cutoff=NEAR * 100,
        limit=None,
    )
    for _, score, index in near:
        pk, other_name, _ = others[index]
        scored.append((score / 100, other_name, pk, False))
    scored.sort(key=lambda match: (-match[0], match[1]))
    return [NearMatch(pk, other, lookalike) for _, other, pk, lookalike in scored[:limit]]
