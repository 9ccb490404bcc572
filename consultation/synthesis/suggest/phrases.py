"""Key phrases per theme: the words and two-word phrases that most set its items apart.

Each phrase is scored by the log odds ratio of appearing in the theme's coded items rather
than in the other coded items (half a count added to each cell of the 2x2 table), divided
by its standard error: a z-score. Unlike raw frequency it ignores words every theme uses;
unlike a plain ratio it does not crown a phrase seen once, and a phrase seen in four of a
theme's seven items and nowhere else still stands out, which matters when themes have a
handful of examples.
"""

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# A phrase must stand out by about two standard errors: below that, common words ("care",
# "staff") float into a small theme's list by chance.
MIN_Z = 2.0
# Negations carry meaning in a phrase ("not clean") though they are stop words.
NEGATIONS = frozenset({"no", "not", "never", "nothing", "none", "nobody"})


def key_phrases(presence, phrases, labels, coded_rows, *, limit):
    """For each theme column of `labels`, up to `limit` phrases, most distinctive first.

    `presence` is the 0/1 text x phrase matrix, `labels` coded items x themes (bool).
    """
    themes = labels.shape[1]
    if presence.shape[1] == 0 or len(coded_rows) == 0:
        return [[] for _ in range(themes)]
    useful = np.array([_is_content(phrase) for phrase in phrases], dtype=bool)
    coded = presence[coded_rows]
    per_theme = np.asarray(coded.T @ labels.astype(np.float32)).T  # themes x phrases
    everywhere = np.asarray(coded.sum(axis=0)).ravel()
    items = labels.sum(axis=0)
    result = []
    for theme in range(themes):
        inside, outside = per_theme[theme], everywhere - per_theme[theme]
        n_inside, n_outside = items[theme], len(coded_rows) - items[theme]
        if n_inside == 0:
            result.append([])
            continue
        cells = [inside, n_inside - inside, outside, n_outside - outside]
        with_in, without_in, with_out, without_out = (cell + 0.5 for cell in cells)
        log_odds = np.log(with_in * without_out / (without_in * with_out))
        error = np.sqrt(1 / with_in + 1 / without_in + 1 / with_out + 1 / without_out)
        z = log_odds / error
        least = 2 if n_inside >= 4 else 1
        eligible = useful & (inside >= least) & (z >= MIN_Z)
        ranked = [k for k in np.argsort(-z, kind="stable") if eligible[k]]
        result.append(_without_overlap([str(phrases[k]) for k in ranked], limit))
    return result


def _is_content(phrase):
    """Words that say something: no stop word alone or at either end of a pair."""
    words = phrase.split(" ")
    if any(word.isdigit() or len(word) < 2 for word in words):
        return False
    return not _is_stop(words[0]) and not _is_stop(words[-1])


def _is_stop(word):
    return word in ENGLISH_STOP_WORDS and word not in NEGATIONS


def _without_overlap(ranked, limit):
    """Skip a phrase that repeats a word of one already chosen ("staff" after "kind staff")."""
    chosen, seen = [], set()
    for phrase in ranked:
        words = set(phrase.split(" ")) - ENGLISH_STOP_WORDS
        if words & seen:
            continue
        chosen.append(phrase)
        seen |= words
        if len(chosen) == limit:
            break
    return chosen
