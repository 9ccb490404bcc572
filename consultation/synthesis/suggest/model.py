"""The learning part of theme suggestions: per-theme linear scores, one global calibration.

Each theme gets a linear SVM (one-vs-rest) over the text vectors, trained on the coded
items, with an analyst's rejections as extra negative examples, its features first scaled
by how much more often they occur in the theme's items than in the others (naive Bayes
log-count ratios, as in NBSVM, Wang and Manning 2012), which lends a theme with a handful
of examples the counts of all of them. Raw SVM scores are not comparable between a theme
with 300 examples and one with 4, so a single logistic regression, shared by all themes,
turns them into confidences: it sees each (item, theme) pair's score, its gap to the
item's best score, its rank, the item's cosine similarity to the mean of the theme's
examples, how common the theme is and how long the text is, and it is fitted on
out-of-fold scores of the coded items (internal cross-validation), so it learns how far to
trust a score the way the model will be used.
A global threshold on those confidences is chosen the same way. Nothing is tuned per
theme: with five examples a theme's own threshold would fit noise.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

# Scores outside this band say nothing more about confidence, and clipping keeps one
# extreme item from dominating the calibration.
SCORE_LIMIT = 3.0
THRESHOLD_GRID = np.round(np.arange(0.10, 0.901, 0.025), 3)


@dataclass(frozen=True)
class Settings:
    """How the engine learns; the defaults are what bench/theme_suggestions.py measured."""

    svm_c: float = 0.5
    svm_tol: float = 1e-2
    # NBSVM: each feature scaled by (1 - mix) + mix * its naive Bayes log-count ratio for
    # the theme (0: plain SVM), the ratios smoothed by adding `bayes_smoothing` to every
    # feature's sum of TF-IDF weights in and out of the theme.
    bayes_mix: float = 0.7
    bayes_smoothing: float = 0.1
    # Character n-grams within words (None: words only).
    char_ngrams: tuple[int, int] | None = (3, 5)
    # An analyst's "no" is stronger evidence than a theme merely not coded.
    rejection_weight: float = 3.0
    # Unlabelled texts stand in as weak negatives for a theme that has no negative example.
    unlabelled_weight: float = 0.2
    calibration_folds: int = 5
    min_coded_for_calibration: int = 12
    # Bounds the cost on a large consultation: cross-validation on a sample of the coded
    # items, and each theme's SVM on all its positives plus a weighted sample of negatives.
    max_calibration_items: int = 2000
    max_training_rows: int = 3000
    # A larger sample gives a stable calibration with three folds, which cost less.
    three_folds_above: int = 1500
    # Without calibration (too few coded items) a score of 0, the SVM's own boundary,
    # maps to this confidence.
    uncalibrated_threshold: float = 0.5
    # Cosine similarity to the mean of a theme's examples, beside the SVM score: steadier
    # than the SVM for a theme with a handful of examples.
    centroid_feature: bool = True


@dataclass(frozen=True)
class Training:
    """The learning problem in index form: rows of the text matrix and theme columns."""

    labels: np.ndarray  # bool, coded items x themes
    coded_rows: np.ndarray  # row of each coded item in the text matrix
    rejected: np.ndarray  # (row, theme column) pairs an analyst rejected
    unlabelled_rows: np.ndarray  # rows with no code


@dataclass(frozen=True)
class LinearModel:
    """One linear SVM per theme, stacked: scores = rows @ coef + intercept."""

    coef: np.ndarray  # features x themes
    intercept: np.ndarray  # themes
    present: np.ndarray  # bool: the theme had a positive example to learn from
    centroids: np.ndarray | None = None  # features x themes: mean of each theme's examples

    def similarities(self, rows):
        if self.centroids is None:
            return None
        return np.asarray(rows @ self.centroids)

    def scores(self, rows):
        raw = np.asarray(rows @ self.coef) + self.intercept
        raw[:, ~self.present] = -SCORE_LIMIT
        return np.clip(raw, -SCORE_LIMIT, SCORE_LIMIT)


def fit_linear(matrix, training, *, settings, seed, subset=None):
    """The per-theme SVMs, trained on the coded items `subset` (default: all of them)."""
    subset = np.arange(len(training.coded_rows)) if subset is None else subset
    labels = training.labels[subset]
    rows = training.coded_rows[subset]
    themes = labels.shape[1]
    coef = np.zeros((matrix.shape[1], themes))
    intercept = np.zeros(themes)
    present = labels.any(axis=0)
    rng = np.random.default_rng(seed)
    scaling = _bayes_scaling(matrix[rows], labels, settings)
    for theme in np.flatnonzero(present):
        fit_rows, targets, weights = _theme_rows(rows, labels[:, theme], theme, training, settings)
        fit_rows, targets, weights = _bounded(fit_rows, targets, weights, settings, rng)
        if targets.all():
            intercept[theme] = 1.0  # no text to tell apart: every item looks like it
            continue
        svm = LinearSVC(C=settings.svm_c, tol=settings.svm_tol, max_iter=2000, random_state=seed)
        # Scaling the features by s and learning w scores a text as x @ (s * w), so the
        # scaled weights are stored and scoring costs what a plain SVM costs.
        fit_matrix = _columns_scaled(matrix[fit_rows], scaling[:, theme])
        svm.fit(fit_matrix, targets, sample_weight=_balanced(targets, weights))
        coef[:, theme] = svm.coef_[0] * scaling[:, theme]
        intercept[theme] = svm.intercept_[0]
    centroids = None
    if settings.centroid_feature:
        sums = np.asarray((matrix[rows].T @ sparse.csr_matrix(labels.astype(np.float64))).todense())
        norms = np.linalg.norm(sums, axis=0)
        centroids = sums / np.where(norms > 0, norms, 1.0)
    return LinearModel(coef=coef, intercept=intercept, present=present, centroids=centroids)


def _columns_scaled(rows, factors):
    """`rows` (CSR) with each column multiplied by its factor, in the same sparsity layout.

    What `rows.multiply(factors[None, :])` computes, without its detour through COO,
    whose conversion back sorts every row's indices again: that sort was about a quarter of the
    training time on a 100,000-item consultation.
    """
    return sparse.csr_matrix(
        (rows.data * factors[rows.indices], rows.indices, rows.indptr), shape=rows.shape
    )


def _bayes_scaling(fitted, labels, settings):
    """Per feature and theme, (1 - mix) + mix * log(share in the theme / share outside it)."""
    inside = np.asarray((fitted.T @ sparse.csr_matrix(labels.astype(np.float64))).todense())
    outside = np.asarray(fitted.sum(axis=0)).reshape(-1, 1) - inside
    inside += settings.bayes_smoothing
    outside += settings.bayes_smoothing
    ratios = np.log(inside / inside.sum(axis=0)) - np.log(outside / outside.sum(axis=0))
    return (1.0 - settings.bayes_mix) + settings.bayes_mix * ratios


def _theme_rows(rows, targets, theme, training, settings):
    weights = np.ones(len(rows))
    rejected_rows = training.rejected[training.rejected[:, 1] == theme, 0]
    if rejected_rows.size:
        # A coded item keeps its code if it was also rejected; otherwise the rejection
        # makes it, or an uncoded item, a heavier negative example.
        coded_negative = np.isin(rows, rejected_rows) & ~targets
        weights[coded_negative] = settings.rejection_weight
        extra = np.setdiff1d(rejected_rows, rows)
        rows = np.concatenate([rows, extra])
        targets = np.concatenate([targets, np.zeros(len(extra), dtype=bool)])
        weights = np.concatenate([weights, np.full(len(extra), settings.rejection_weight)])
    if targets.all():
        extra = training.unlabelled_rows
        rows = np.concatenate([rows, extra])
        targets = np.concatenate([targets, np.zeros(len(extra), dtype=bool)])
        weights = np.concatenate([weights, np.full(len(extra), settings.unlabelled_weight)])
    return rows, targets, weights


def _bounded(rows, targets, weights, settings, rng):
    """At most max_training_rows: every positive, a sample of negatives weighted up."""
    if len(rows) <= settings.max_training_rows:
        return rows, targets, weights
    negatives = np.flatnonzero(~targets)
    room = max(settings.max_training_rows - int(targets.sum()), 1)
    if len(negatives) <= room:
        return rows, targets, weights
    kept = rng.choice(negatives, size=room, replace=False)
    weights = weights.copy()
    weights[kept] *= weights[negatives].sum() / weights[kept].sum()
    chosen = np.sort(np.concatenate([np.flatnonzero(targets), kept]))
    return rows[chosen], targets[chosen], weights[chosen]


def _balanced(targets, weights):
    # scikit-learn's class_weight="balanced", applied to the (possibly sampled) weights.
    positive = weights[targets].sum()
    negative = weights[~targets].sum()
    total = positive + negative
    factor = np.where(targets, total / (2 * positive), total / (2 * negative))
    return weights * factor


def meta_features(scores, *, prior, examples, word_counts, similarities=None):
    """Per (item, theme): what the global calibration sees (items x themes x features)."""
    items, themes = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(items)[:, None], order] = np.arange(themes)[None, :]
    gap = scores - scores.max(axis=1, keepdims=True)
    length = np.log1p(word_counts)[:, None] * np.ones((1, themes))
    first, second, third = (rank == 0), (rank == 1), (rank == 2)
    columns = [
        scores,
        gap,
        first,
        second,
        third,
        np.broadcast_to(np.log(prior), scores.shape),
        np.broadcast_to(np.log1p(examples), scores.shape),
        length,
        length * first,
        length * second,
    ]
    if similarities is not None:
        columns += [similarities, similarities - similarities.max(axis=1, keepdims=True)]
    return np.stack([np.asarray(column, dtype=np.float64) for column in columns], axis=-1)


def scored(linear, rows, *, labels, word_counts):
    """SVM scores of `rows` (a slice of the text matrix) and their meta features.

    `labels` are the coded items the model learnt from; `word_counts` those of `rows`.
    """
    scores = linear.scores(rows)
    features = meta_features(
        scores,
        prior=prior(labels),
        examples=labels.sum(axis=0),
        word_counts=word_counts,
        similarities=linear.similarities(rows),
    )
    return scores, features


@dataclass(frozen=True)
class Calibration:
    """Maps meta features to a confidence; `threshold` and `top_threshold` flag suggestions."""

    model: LogisticRegression | None
    threshold: float
    top_threshold: float

    def confidences(self, features, scores):
        if self.model is None:
            return 1.0 / (1.0 + np.exp(-2.0 * scores))
        flat = features.reshape(-1, features.shape[-1])
        return self.model.predict_proba(flat)[:, 1].reshape(scores.shape)


def uncalibrated(settings):
    bar = settings.uncalibrated_threshold
    return Calibration(model=None, threshold=bar, top_threshold=bar)


def calibrate(matrix, training, *, word_counts, settings, seed):
    """Fit the global calibration on out-of-fold scores of (a sample of) the coded items."""
    coded = len(training.coded_rows)
    if coded < settings.min_coded_for_calibration or training.labels.shape[1] < 2:
        return uncalibrated(settings)
    rng = np.random.default_rng(seed)
    sample = np.arange(coded)
    if coded > settings.max_calibration_items:
        sample = np.sort(rng.choice(coded, size=settings.max_calibration_items, replace=False))
    wanted = settings.calibration_folds if len(sample) <= settings.three_folds_above else 3
    folds = KFold(n_splits=min(wanted, len(sample)), shuffle=True, random_state=seed)
    features, targets, usable = [], [], []
    for fit_part, held_part in folds.split(sample):
        fit_items, held_items = sample[fit_part], sample[held_part]
        linear = fit_linear(matrix, training, settings=settings, seed=seed, subset=fit_items)
        held_rows = training.coded_rows[held_items]
        scores, held_features = scored(
            linear,
            matrix[held_rows],
            labels=training.labels[fit_items],
            word_counts=word_counts[held_rows],
        )
        features.append(held_features)
        targets.append(training.labels[held_items])
        usable.append(np.broadcast_to(linear.present, scores.shape))
    features = np.concatenate(features)
    targets = np.concatenate(targets)
    usable = np.concatenate(usable)
    if targets[usable].all() or not targets[usable].any():
        return uncalibrated(settings)
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(features[usable], targets[usable])
    out_of_fold = np.zeros(targets.shape)
    out_of_fold[usable] = model.predict_proba(features[usable])[:, 1]
    threshold, top_threshold = best_thresholds(out_of_fold, targets)
    return Calibration(model=model, threshold=threshold, top_threshold=top_threshold)


def best_thresholds(confidences, targets):
    """The global (threshold, top_threshold) that maximise micro-F1 on these items.

    An item's best theme is flagged from top_threshold, any other theme from threshold:
    every coded item has at least one theme, so the best guess often deserves a lower bar.
    """
    best = (-1.0, 0.5, 0.5)
    top = confidences.argmax(axis=1)
    top_mask = np.zeros_like(targets, dtype=bool)
    top_mask[np.arange(len(top)), top] = True
    relevant = targets.sum()
    for index, threshold in enumerate(THRESHOLD_GRID):
        others = (confidences >= threshold) & ~top_mask
        for top_threshold in THRESHOLD_GRID[: index + 1]:
            flagged = others | (top_mask & (confidences >= top_threshold))
            hits = (flagged & targets).sum()
            f1 = 2 * hits / max(flagged.sum() + relevant, 1)
            if f1 > best[0] + 1e-9:
                best = (f1, float(threshold), float(top_threshold))
    return best[1], best[2]


def prior(labels):
    """Smoothed share of coded items carrying each theme."""
    return (labels.sum(axis=0) + 1.0) / (len(labels) + 2.0)
