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
    text_blocks = []
    unigrams = None
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
            text_blocks.append(_tfidf(phrase_counts))
        single = np.flatnonzero([" " not in name for name in names])
        unigrams = counts[:, single]
        if char_ngrams:
            char_counts = _char_counts(unigrams, names[single], char_ngrams)
            if char_counts is not None:
                text_blocks.append(_tfidf(char_counts))
    # The words and their characters together have unit length, as one block would.
    blocks = _unit_rows(text_blocks) if text_blocks else [_zeros(len(texts))]
    if contexts is not None:
        ids = _context_ids(contexts)
        blocks.append(CONTEXT_WEIGHT * _one_hot(ids))
        if unigrams is not None:
            blocks.append(CROSSED_WEIGHT * _words_in_context(unigrams, ids))
    # One stacking of every block: each one copies the whole matrix.
    return TextVectors(
        matrix=sparse.hstack(blocks, format="csr", dtype=np.float64),
        phrase_presence=phrase_presence.tocsr(),
        phrases=phrases,
        word_counts=word_counts,
    )


def _unit_rows(blocks):
    """`blocks` (CSR, side by side) scaled so that each row of all of them has length 1."""
    squares = sum(np.asarray(block.multiply(block).sum(axis=1)).ravel() for block in blocks)
    lengths = np.sqrt(squares)
    scale = np.divide(1.0, lengths, out=np.zeros_like(lengths), where=lengths > 0)
    return [
        sparse.csr_matrix(
            (block.data * np.repeat(scale, np.diff(block.indptr)), block.indices, block.indptr),
            shape=block.shape,
        )
        for block in blocks
    ]


def _words_in_context(unigrams, ids):
    """Each word paired with its text's context: "nothing" under "What was good?" is one
    feature and "nothing" under "What could we do better?" another, which a linear model
    cannot make of a word feature and a context feature added side by side.

    `unigrams` counts each word per text (CSR) and `ids` numbers each text's context; a
    pair is the column context x vocabulary + word, numbered in arithmetic rather than by
    spelling out and counting a string per word, which cost a fifth of the vectors' time.
    """
    lengths = np.diff(unigrams.indptr)
    pairs = np.repeat(ids, lengths) * unigrams.shape[1] + unigrams.indices
    # A word appears once per row of `unigrams`, so a pair's count is its document frequency.
    _, column, frequency = np.unique(pairs, return_inverse=True, return_counts=True)
    kept = frequency >= 2
    if not kept.any():
        return _zeros(unigrams.shape[0])
    renumbered = np.cumsum(kept) - 1
    present = kept[column]
    indptr = np.concatenate([[0], np.cumsum(present)])[unigrams.indptr]
    counts = sparse.csr_matrix(
        (unigrams.data[present], renumbered[column[present]], indptr),
        shape=(unigrams.shape[0], int(kept.sum())),
    )
    return normalize(_tfidf(counts))


def _context_ids(contexts):
    ids = {}
    return np.array(
        [ids.setdefault(str(context or ""), len(ids)) for context in contexts], dtype=np.int64
    )


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


def _one_hot(columns):
    rows = np.arange(len(columns))
    data = np.ones(len(columns))
    shape = (len(columns), int(columns.max(initial=-1)) + 1)
    return sparse.csr_matrix((data, (rows, columns)), shape=shape)


def _zeros(rows):
    return sparse.csr_matrix((rows, 1))


def _empty_presence(rows):
    return sparse.csr_matrix((rows, 0), dtype=np.float32), np.array([], dtype=object)
