"""Text to vectors for theme suggestions: TF-IDF over every text of one consultation.

Word 1-2-grams carry the meaning; character 3-5-grams within words carry spelling variants
and word families ("friendly", "friendliness", "frendly"), which matter when a theme has
five examples. Both are fitted on all the consultation's texts, coded or not (they are all
on the server), so rare words get their weight from the whole consultation. An optional
context per item (the question it answers, the section it is about) becomes one extra
feature and, beside the plain words, each word paired with the context, because a short
answer such as "Nothing." means different things under "What was good?" and "What could
we do better?".
"""

import itertools
import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

# Words of up to 30 letters: longer runs (a pasted hash, a hostile 10,000-character "word")
# would only add features nobody shares. Apostrophes are dropped so that "don't" and
# "dont" are one word.
WORD = re.compile(r"\b\w{1,30}\b")
APOSTROPHES = str.maketrans("", "", "'\u2019")
CONTEXT_WEIGHT = 0.5
# The words-within-context block beside the plain words (measured on the development data:
# 0.3 to 0.5 alike, 1.0 worse: the plain words must stay the main evidence).
CROSSED_WEIGHT = 0.4


def words(text):
    """Lower-case word tokens of one text; anything that is not a word is dropped."""
    return WORD.findall((text or "").lower().translate(APOSTROPHES))


def _word_ngrams(tokens):
    return tokens + [f"{first} {second}" for first, second in itertools.pairwise(tokens)]


@dataclass(frozen=True)
class TextVectors:
    """The consultation's texts as rows of one sparse matrix, with what phrases need."""

    matrix: sparse.csr_matrix  # one l2-normalised row per text (empty texts: a zero row)
    phrase_presence: sparse.csr_matrix  # 0/1: does text i contain word n-gram k
    phrases: np.ndarray  # the word n-gram of each column of phrase_presence
    word_counts: np.ndarray  # words per text


def vectorise(texts, *, contexts=None, char_ngrams=(3, 5)):
    """Vectors for `texts` (a list of str); `contexts` is None or one str per text."""
    tokens = [words(text) for text in texts]
    word_counts = np.array([len(t) for t in tokens], dtype=np.int64)
    blocks = []
    phrase_presence, phrases = _empty_presence(len(texts))
    if word_counts.any():
        # One pass over the texts counts every word and word pair.
        vectorizer = CountVectorizer(analyzer=_word_ngrams, dtype=np.float32)
        counts = vectorizer.fit_transform(tokens).tocsr()
        names = vectorizer.get_feature_names_out()
        # A feature seen in one text only links it to nothing else, so it cannot help a
        # suggestion; dropping it keeps a 100,000-item consultation's matrix small.
        shared = np.flatnonzero(_document_frequency(counts) >= 2)
        if shared.size:
            phrase_counts = counts[:, shared]
            phrases = names[shared]
            phrase_presence = (phrase_counts > 0).astype(np.float32)
            blocks.append(_tfidf(phrase_counts))
        if char_ngrams:
            single = np.flatnonzero([" " not in name for name in names])
            char_counts = _char_counts(counts[:, single], names[single], char_ngrams)
            if char_counts is not None:
                blocks.append(_tfidf(char_counts))
    matrix = normalize(sparse.hstack(blocks).tocsr()) if blocks else _zeros(len(texts))
    if contexts is not None:
        blocks = [matrix, CONTEXT_WEIGHT * _one_hot(contexts)]
        if word_counts.any():
            blocks.append(CROSSED_WEIGHT * _words_in_context(tokens, contexts))
        matrix = sparse.hstack(blocks).tocsr()
    return TextVectors(
        matrix=matrix.astype(np.float64),
        phrase_presence=phrase_presence.tocsr(),
        phrases=phrases,
        word_counts=word_counts,
    )


def _words_in_context(tokens, contexts):
    """Each word paired with its text's context: "nothing" under "What was good?" is one
    feature and "nothing" under "What could we do better?" another, which a linear model
    cannot make of a word feature and a context feature added side by side."""
    ids = _context_ids(contexts)
    paired = [
        [f"{context} {word}" for word in text] for context, text in zip(ids, tokens, strict=True)
    ]
    counts = CountVectorizer(analyzer=_as_is, dtype=np.float32).fit_transform(paired).tocsr()
    kept = np.flatnonzero(_document_frequency(counts) >= 2)
    if not kept.size:
        return _zeros(len(tokens))
    return normalize(_tfidf(counts[:, kept]))


def _as_is(tokens):
    return tokens


def _context_ids(contexts):
    ids = {}
    return [ids.setdefault(str(context or ""), len(ids)) for context in contexts]


def _document_frequency(counts):
    return np.bincount(counts.indices, minlength=counts.shape[1])


def _char_counts(word_counts, vocabulary, ngram_range):
    """Character n-grams within words, as scikit-learn's "char_wb" analyzer counts them.

    Counted once per distinct word and summed through the word counts (one sparse
    product), which gives the same counts many times faster than analysing every text.
    """
    spelling = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, dtype=np.float32)
    counts = (word_counts @ spelling.fit_transform(vocabulary)).tocsr()
    kept = np.flatnonzero(_document_frequency(counts) >= 2)
    return counts[:, kept] if kept.size else None


def _tfidf(counts):
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


def _one_hot(contexts):
    columns = _context_ids(contexts)
    rows = np.arange(len(columns))
    data = np.ones(len(columns))
    shape = (len(columns), max(columns, default=-1) + 1)
    return sparse.csr_matrix((data, (rows, columns)), shape=shape)


def _zeros(rows):
    return sparse.csr_matrix((rows, 1))


def _empty_presence(rows):
    return sparse.csr_matrix((rows, 0), dtype=np.float32), np.array([], dtype=object)
