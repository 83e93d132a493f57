"""Words for searching text where PostgreSQL's full-text search is not at hand (SQLite).

``stems`` makes of a text what PostgreSQL's ``english`` configuration makes of it: the
words in lower case, English stop words left out, each reduced to its Snowball stem
("Knife crime prevention" → ``knife``, ``crime``, ``prevent``). Stored as ``stemmed``
text, with a space either side of each stem, a word is found by looking for
``" stem "`` in it, word by word, as PostgreSQL matches a plain query.
"""

import re

import snowballstemmer

# PostgreSQL's list for the english configuration (tsearch_data/english.stop).
ENGLISH_STOP_LIST = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs themselves
    what which who whom this that these those am is are was were be been being have
    has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above
    below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor
    not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(ENGLISH_STOP_LIST.split())
WORD = re.compile(r"[^\W_]+")


def stems(text: str) -> list[str]:
    """The English stems of the words of ``text``, in order, stop words left out."""
    words = [word for word in WORD.findall(text.casefold()) if word not in STOP_WORDS]
    # A stemmer keeps state between calls: one for each call, so threads share none.
    return snowballstemmer.stemmer("english").stemWords(words)


def stemmed(text: str) -> str:
    """``" knife crime prevent "`` for "Knife crime prevention": each stem once, with a
    space either side, so that ``contains_stem`` finds whole words only; empty when
    the text has no word to find."""
    unique = dict.fromkeys(stems(text))
    return f" {' '.join(unique)} " if unique else ""


def contains_stem(stem: str) -> str:
    """What a ``stemmed`` text contains when it has the word: ``" knife "``."""
    return f" {stem} "
