"""Theme suggestions computed on the server: for each uncoded item, the themes it likely has.

Pure Python over plain data, so the coding workspace, a background task and
`manage.py suggest_themes` can all call it: give it every item's text in one consultation,
the themes coded so far and the suggestions analysts rejected; it returns, per uncoded
item, its themes ranked by confidence (0..1) with the ones worth suggesting flagged, and
the key phrases of each theme. No text leaves the process and no model is downloaded: it
learns from the consultation's own coded items each time. The method, and why its
thresholds are chosen as they are, is in consultation/README.md ("Theme suggestions").
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from consultation.synthesis.suggest.features import vectorise
from consultation.synthesis.suggest.model import (
    Settings,
    Training,
    calibrate,
    fit_linear,
    scored,
)
from consultation.synthesis.suggest.phrases import key_phrases

__all__ = ["Settings", "Suggestion", "ThemeSuggestions", "suggest_themes"]

# Items scored at a time: bounds memory on a 100,000-item consultation.
CHUNK = 8192


@dataclass(frozen=True, slots=True)
class Suggestion:
    theme: Hashable
    confidence: float  # 0..1, comparable between themes
    suggested: bool  # passes the global acceptance threshold


@dataclass(frozen=True)
class ThemeSuggestions:
    """What the engine found. `items` holds uncoded items only, best suggestion first."""

    items: dict[Hashable, list[Suggestion]]
    key_phrases: dict[Hashable, list[str]]
    threshold: float  # any theme at or above this confidence is suggested
    top_threshold: float  # an item's best theme is suggested from this confidence
    calibrated: bool  # False: too few coded items to calibrate, scores mapped as they are


def suggest_themes(
    *,
    texts: Mapping[Hashable, str],
    codes: Mapping[Hashable, Iterable[Hashable]],
    rejections: Iterable[tuple[Hashable, Hashable]] = (),
    contexts: Mapping[Hashable, str] | None = None,
    per_item: int = 5,
    phrases_per_theme: int = 8,
    settings: Settings | None = None,
    seed: int = 0,
) -> ThemeSuggestions:
    """Suggest themes for every item of `texts` that has no code in `codes`.

    `texts` maps each item of one consultation to its plain text; `codes` maps coded items
    to their themes (several per item are fine); `rejections` are (item, theme) pairs an
    analyst turned down: never suggested again, and negative evidence for that theme.
    `contexts` optionally gives each item the question or section it answers. Each uncoded
    item with any words gets up to `per_item` themes (rejected ones left out), ranked even
    when none passes the threshold. Same inputs and seed, same result.
    """
    settings = settings or Settings()
    item_ids = list(texts)
    row_of = {item: row for row, item in enumerate(item_ids)}
    themes = _themes(codes, row_of)
    column_of = {theme: column for column, theme in enumerate(themes)}
    vectors = vectorise(
        [texts[item] for item in item_ids],
        contexts=None if contexts is None else [contexts.get(item, "") for item in item_ids],
        char_ngrams=settings.char_ngrams,
    )
    coded = {item: set(codes[item]) for item in item_ids if codes.get(item)}
    coded_rows = np.array([row_of[item] for item in coded], dtype=np.int64)
    labels = np.zeros((len(coded_rows), len(themes)), dtype=bool)
    for index, item in enumerate(coded):
        labels[index, [column_of[theme] for theme in coded[item]]] = True
    rejected = _rejected_pairs(rejections, row_of, column_of)
    uncoded_rows = np.array(
        [row for row, item in enumerate(item_ids) if item not in coded], dtype=np.int64
    )
    phrases = key_phrases(
        vectors.phrase_presence, vectors.phrases, labels, coded_rows, limit=phrases_per_theme
    )
    result = ThemeSuggestions(
        items={item_ids[row]: [] for row in uncoded_rows},
        key_phrases={theme: phrases[column_of[theme]] for theme in themes},
        threshold=settings.uncalibrated_threshold,
        top_threshold=settings.uncalibrated_threshold,
        calibrated=False,
    )
    # Texts without a word teach nothing and can be told nothing.
    has_words = vectors.word_counts > 0
    learn = has_words[coded_rows]
    targets = uncoded_rows[has_words[uncoded_rows]]
    if not themes or not learn.any() or not targets.size:
        return result
    training = Training(
        labels=labels[learn],
        coded_rows=coded_rows[learn],
        rejected=rejected,
        unlabelled_rows=targets,
    )
    calibration = calibrate(
        vectors.matrix, training, word_counts=vectors.word_counts, settings=settings, seed=seed
    )
    linear = fit_linear(vectors.matrix, training, settings=settings, seed=seed)
    rejected_by_row = _by_row(rejected)
    items = result.items
    for start in range(0, len(targets), CHUNK):
        rows = targets[start : start + CHUNK]
        scores, features = scored(
            linear,
            vectors.matrix[rows],
            labels=training.labels,
            word_counts=vectors.word_counts[rows],
        )
        confidences = calibration.confidences(features, scores)
        # A rejected theme is never suggested again for that item.
        for position in np.flatnonzero(np.isin(rows, list(rejected_by_row))):
            confidences[position, list(rejected_by_row[int(rows[position])])] = -1.0
        items.update(_ranked(rows, confidences, item_ids, themes, per_item, calibration))
    return ThemeSuggestions(
        items=items,
        key_phrases=result.key_phrases,
        threshold=calibration.threshold,
        top_threshold=calibration.top_threshold,
        calibrated=calibration.model is not None,
    )


def _themes(codes, row_of):
    seen = {}
    for item, item_themes in codes.items():
        if item in row_of:
            for theme in item_themes or ():
                seen.setdefault(theme, None)
    try:
        return sorted(seen)
    except TypeError:  # themes of mixed types: keep the order they came in
        return list(seen)


def _rejected_pairs(rejections, row_of, column_of):
    pairs = {
        (row_of[item], column_of[theme])
        for item, theme in rejections
        if item in row_of and theme in column_of
    }
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def _by_row(rejected):
    by_row = {}
    for row, column in rejected:
        by_row.setdefault(int(row), set()).add(int(column))
    return by_row


def _ranked(rows, confidences, item_ids, themes, per_item, calibration):
    """Each row's best `per_item` themes (rejected ones, at -1, left out), best first."""
    order = np.argsort(-confidences, axis=1, kind="stable")[:, :per_item]
    best = np.take_along_axis(confidences, order, axis=1)
    bars = np.full(order.shape[1], calibration.threshold)
    bars[0] = calibration.top_threshold
    flagged = best >= bars
    ranked = {}
    for row, columns, values, marks in zip(
        rows, order.tolist(), best.tolist(), flagged.tolist(), strict=True
    ):
        ranked[item_ids[row]] = [
            Suggestion(themes[column], value, mark)
            for column, value, mark in zip(columns, values, marks, strict=True)
            if value >= 0.0
        ]
    return ranked
