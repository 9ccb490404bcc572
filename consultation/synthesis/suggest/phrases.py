"""Key phrases per theme: the words and two-word phrases that most set its items apart.

Scored by the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
Quinn, "Fightin' Words", 2008): how much more often a phrase appears in the theme's coded
items than in the other coded items, divided by its standard error, with the whole
consultation's use of the phrase as the prior. Unlike raw frequency it ignores words every
theme uses, and unlike a plain ratio it does not crown a phrase seen once.
"""

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

PRIOR_STRENGTH = 10.0


def key_phrases(presence, phrases, labels, coded_rows, *, limit):
    """For each theme column of `labels`, up to `limit` phrases, most distinctive first.

    `presence` is the 0/1 text x phrase matrix, `labels` coded items x themes (bool).
    """
    themes = labels.shape[1]
    if presence.shape[1] == 0 or len(coded_rows) == 0:
        return [[] for _ in range(themes)]
    useful = np.array([_is_content(phrase) for phrase in phrases], dtype=bool)
    background = np.asarray(presence.sum(axis=0)).ravel() + 0.01
    alpha = PRIOR_STRENGTH * background / background.sum()
    alpha_total = alpha.sum()
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
        log_odds = _log_odds(inside, n_inside, alpha, alpha_total) - _log_odds(
            outside, n_outside, alpha, alpha_total
        )
        z = log_odds / np.sqrt(1.0 / (inside + alpha) + 1.0 / (outside + alpha))
        least = 2 if n_inside >= 4 else 1
        eligible = useful & (inside >= least) & (z > 0)
        ranked = [k for k in np.argsort(-z, kind="stable") if eligible[k]]
        result.append(_without_overlap([str(phrases[k]) for k in ranked], limit))
    return result


def _log_odds(counts, total, alpha, alpha_total):
    return np.log(counts + alpha) - np.log(np.maximum(total + alpha_total - counts - alpha, 1e-9))


def _is_content(phrase):
    words = phrase.split(" ")
    if any(word.isdigit() or len(word) < 2 for word in words):
        return False
    return not all(word in ENGLISH_STOP_WORDS for word in words) and (
        len(words) > 1 or words[0] not in ENGLISH_STOP_WORDS
    )


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
