"""Groups identical and near-identical responses (a campaign's template letter and the
copies people personalise) so that an analyst codes one and applies the code to the group.

Pure Python over plain data (no models): `find_campaigns` groups a whole set of responses,
`assign` adds new responses to existing groups and finds new groups among them, and every
`Campaign` turns into plain data (`to_data`) that the database can keep and back
(`Campaign.from_data`).

The method (consultation/README.md, "Campaigns and near-duplicates", has the figures):

- **Reading.** A response is its set of shingles: word 3-grams (words are runs of Unicode
  word characters after NFKC normalisation and case folding, so case, punctuation and
  spacing do not count), each hashed to 50 bits. Responses with the same set are exact
  duplicates: one entry with a weight.
- **Stubs never group.** A response with fewer than `min_shingles` (10) distinct shingles,
  about twelve words, takes no part, nor does a template that short: "see attached",
  "I agree", "no comment" or an empty body are never a campaign however many send them.
- **Candidates** come from datasketch. Each response with at least half of its shingles in
  some other response too (the anchors: every typical member of a campaign is one) gets a
  MinHash, computed for all at once in numpy with datasketch's own permutations (the same
  values as `MinHash.update_batch`), and goes into a `MinHashLSH`; responses that share a
  band bucket are candidates for one another.
- **Templates.** Anchors are taken as seeds, the most connected first. The candidates that
  share at least half of the seed's shingles or of their own with it vote on a template:
  the shingles that more than half of them (by weight) contain. The candidates containing
  at least `containment` (two fifths) of it vote again, and those containing as much of
  the new template are its group. A template must have `min_shingles`, a weight of two
  behind it, make up at least `template_share` (half) of its typical (weighted median)
  member, and not have `containment` of it inside a template found before (a line of a
  letter that two people quote is no campaign of its own); a seed that already contains a
  known template is skipped.
- **Membership is exact and never chained.** Every response is compared with every
  template (all at once, in numpy): it belongs to a group if it contains at least
  `containment` of the group's template, and at least `min_shingles` of its shingles; to
  the one it shares the most shingles with if several. Its score is the share of the
  template it contains. A personalised copy (a greeting, a paragraph about the writer, a
  sentence added or cut) scores high; an original response that quotes one line of the
  letter scores that line's small share and stays out, however much it resembles some
  member, since nothing is joined through a member. A group needs a weight of two.
- The template text shown is the member most like the template (Jaccard similarity): the
  letter itself when anyone sent it unchanged.
- **New responses** (`assign`) join the group whose template they contain, as above; the
  rest, with the ungrouped responses passed along, are searched for new templates, the
  existing ones counting as found before. On the same responses this makes the groups a
  full recompute makes whenever the templates come out the same (tested, and measured in
  bench/campaigns.py).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

# Stored with every group, so that groups made by an earlier method can be told apart.
METHOD_VERSION = 1

Progress = Callable[[str, int, int], None]

# Odd multipliers that make a shingle's hash depend on the order of its words.
_MULTIPLIERS = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0x27D4EB2F165667C5),
    np.uint64(0xFF51AFD7ED558CCD),
)
# Responses tokenised at once: bounds the memory of the word lists, and must stay below
# 2**14: shingle hashes keep 50 bits (a collision among ten million shingles is unlikely),
# which leaves 14 bits to number the texts of a chunk.
_CHUNK = 5_000
_POLYNOMIAL = np.uint64(0x100000001B3)  # odd, so invertible modulo 2**64
_POLYNOMIAL_INVERSE = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_SHINGLE_BITS = np.uint64(50)
_SHINGLE_MASK = np.uint64((1 << 50) - 1)


@dataclass(frozen=True)
class Settings:
    """The rules of grouping; the defaults are those measured in bench/campaigns.py."""

    shingle_words: int = 3
    min_shingles: int = 10
    containment: float = 0.4
    template_share: float = 0.5
    num_perm: int = 32
    lsh_threshold: float = 0.3
    seed: int = 1

    def __post_init__(self):
        if not 1 <= self.shingle_words <= len(_MULTIPLIERS):
            raise ValueError(f"shingle_words must be between 1 and {len(_MULTIPLIERS)}")
        if self.min_shingles < 1:
            raise ValueError("min_shingles must be at least 1")
        for name in ("containment", "template_share", "lsh_threshold"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be more than 0 and at most 1")

    def enough(self, overlap, template_size):
        """Whether sharing `overlap` shingles with a template of `template_size` makes a
        member: at least `containment` of the template, and never fewer shingles than a
        stub lacks (`min_shingles`), so a common phrase does not make one of a short one."""
        overlap = np.asarray(overlap)
        return (overlap >= self.containment * np.asarray(template_size)) & (
            overlap >= self.min_shingles
        )


DEFAULT_SETTINGS = Settings()


@dataclass
class Campaign:
    """A group: its template (the text of one member, `template_member`, and the shingles
    its members hold in common) and its members with their scores, the share of the
    template each contains."""

    id: int
    template_text: str
    template: np.ndarray = field(repr=False)  # sorted distinct shingle hashes
    members: dict[Hashable, float]
    template_member: Hashable = None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def member_ids(self) -> list:
        return list(self.members)

    def to_data(self) -> dict:
        """Plain data (JSON-safe when the member ids are) that `from_data` reads back."""
        encoded = base64.b64encode(self.template.astype("<u8").tobytes()).decode("ascii")
        return {
            "version": METHOD_VERSION,
            "id": self.id,
            "size": self.size,
            "template_text": self.template_text,
            "template_member": self.template_member,
            "template": encoded,
            "members": [[member, score] for member, score in self.members.items()],
        }

    @classmethod
    def from_data(cls, data: dict) -> Campaign:
        if data.get("version") != METHOD_VERSION:
            raise ValueError("These groups were made by another method: recompute them.")
        template = np.frombuffer(base64.b64decode(data["template"]), dtype="<u8")
        return cls(
            id=int(data["id"]),
            template_text=str(data["template_text"]),
            template=template.astype(np.uint64),
            members={member: float(score) for member, score in data["members"]},
            template_member=data["template_member"],
        )


def find_campaigns(
    items: Iterable[tuple[Hashable, str]],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    previous: Iterable[Campaign] = (),
    progress: Progress | None = None,
) -> list[Campaign]:
    """Group `items`, pairs of (id, text), from scratch; largest group first.

    A group that holds more than half of the members of one of `previous` keeps that
    group's id, so a recompute does not renumber what analysts already know; other groups
    get new ids. `progress(stage, done, total)` is called as the work goes on ("reading",
    "indexing", "grouping", "assigning"), for a progress bar."""
    corpus = _Corpus(items, settings, progress)
    entries = np.flatnonzero(corpus.eligible)
    templates = _Grouper(corpus, progress).templates(entries)
    previous = list(previous)
    groups = _memberships(corpus, entries, templates, progress)
    return _numbered(corpus, groups, previous, next_id=_next_id(previous))


def assign(
    new_items: Iterable[tuple[Hashable, str]],
    campaigns: Iterable[Campaign],
    *,
    ungrouped: Iterable[tuple[Hashable, str]] = (),
    settings: Settings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> list[Campaign]:
    """Add new responses to `campaigns`: each joins a group whose template it holds enough
    of (`Settings.enough`), the one it shares the most shingles with; the rest, with the
    `ungrouped` responses (those already here that are in no group), are searched for new
    groups as `find_campaigns` does. Returns every group, the old ones with their new
    members and the new ones, largest first; the arguments are not changed."""
    campaigns = sorted((_copy(campaign) for campaign in campaigns), key=lambda c: (-c.size, c.id))
    corpus = _Corpus([*new_items, *ungrouped], settings, progress)
    taken = {member for campaign in campaigns for member in campaign.members}
    if clash := taken.intersection(corpus.ids):
        raise ValueError(f"already in a group, remove them first: {sorted(map(str, clash))[:5]}")
    entries = np.flatnonzero(corpus.eligible)
    known = _Templates([campaign.template for campaign in campaigns], settings)
    joined, owners, scores = known.best(corpus, entries)
    for entry, owner, score in zip(joined.tolist(), owners.tolist(), scores.tolist(), strict=True):
        for index in corpus.responses_of(entry):
            campaigns[owner].members[corpus.ids[index]] = round(score, 4)
    left = entries[~np.isin(entries, joined)]
    known = [campaign.template for campaign in campaigns]
    templates = _Grouper(corpus, progress, known).templates(left)
    groups = _memberships(corpus, left, templates, progress)
    fresh = _numbered(corpus, groups, (), next_id=_next_id(campaigns))
    return sorted([*campaigns, *fresh], key=lambda campaign: (-campaign.size, campaign.id))


def remove(
    campaigns: Iterable[Campaign],
    ids: Iterable[Hashable],
    *,
    text_of: Callable[[Hashable], str] | None = None,
) -> list[Campaign]:
    """The groups without the responses `ids` (withdrawn, purged, or edited and to be
    assigned again); a group left with fewer than two members is dissolved. When the
    response whose text is a group's template text goes, the highest-scoring member left
    takes its place, its text from `text_of(member id)` (blank without it), so no removed
    text is kept."""
    gone = set(ids)
    kept = []
    for campaign in campaigns:
        members = {key: score for key, score in campaign.members.items() if key not in gone}
        if len(members) < 2:
            continue
        campaign = replace(campaign, members=members)
        if campaign.template_member in gone:
            campaign.template_member = max(members, key=members.__getitem__)
            campaign.template_text = text_of(campaign.template_member) if text_of else ""
        kept.append(campaign)
    return kept


def shingles(text: str, settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    """The sorted distinct shingle hashes of one text (what grouping compares)."""
    return _Corpus([(0, text)], settings, None).shingles_of(0)


def is_stub(text: str, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether a text is too short to take part in any group."""
    return shingles(text, settings).size < settings.min_shingles


# --- reading texts -----------------------------------------------------------------------


def _text(value) -> str:
    # Texts are read together, one NUL between two: a NUL inside a text is a space.
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text.replace("\x00", " ")


@lru_cache(maxsize=1)
def _word_characters() -> np.ndarray:
    """Which characters of the Basic Multilingual Plane are word characters (regex \\w)."""
    word = re.compile(r"\w")
    return np.array([word.match(chr(code)) is not None for code in range(0x10000)])


def _word_hashes(joined: str):
    """The 64-bit hash of each word of `joined` (runs of letters, digits and underscores:
    Unicode \\w in the Basic Multilingual Plane, and the ideographs beyond it), and the
    number of NULs before it (which text it is in), computed in numpy: one pass over the
    characters instead of a Python string per word."""
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if not codes.size:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    word = np.zeros(codes.size, dtype=bool)
    basic = codes < 0x10000
    word[basic] = _word_characters()[codes[basic]]
    word[~basic] = (codes[~basic] >= 0x20000) & (codes[~basic] < 0x40000)
    edges = np.flatnonzero(np.diff(word.astype(np.int8), prepend=0, append=0))
    starts, ends = edges[0::2], edges[1::2]
    owner = np.cumsum(codes == 0)[starts]
    # A polynomial hash of each word from prefix sums: the sum of code[k] * P**(k - start)
    # over its characters (arithmetic modulo 2**64; P is odd, so it has an inverse).
    powers = np.full(codes.size, _POLYNOMIAL, dtype=np.uint64)
    powers[0] = 1
    np.cumprod(powers, out=powers)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    np.cumsum(codes.astype(np.uint64) * powers, out=prefix[1:])
    inverse = np.full(codes.size, _POLYNOMIAL_INVERSE, dtype=np.uint64)
    inverse[0] = 1
    np.cumprod(inverse, out=inverse)
    hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
    lengths = (ends - starts).astype(np.uint64)
    return _fmix(hashes ^ (lengths * _MULTIPLIERS[4])), owner


# The MurmurHash3 finalizer's (shift, multiplier, shift, multiplier, shift) per width.
_FMIX = {
    np.uint32: (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16),
    np.uint64: (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33),
}


def _fmix(values: np.ndarray) -> np.ndarray:
    """The MurmurHash3 finalizer on 32- or 64-bit values: a bijection that spreads every
    input bit over the output (datasketch applies the 32-bit one to each input hash)."""
    width = values.dtype.type
    shift, multiplier, second_shift, second_multiplier, last_shift = map(width, _FMIX[width])
    values = values ^ (values >> shift)
    values = values * multiplier
    values = values ^ (values >> second_shift)
    values = values * second_multiplier
    return values ^ (values >> last_shift)


class _Corpus:
    """The responses as distinct shingle sets: exact duplicates (the same set) are one
    "unique" entry with a weight. Shingles of unique entry u are
    `flat[starts[u]:starts[u] + counts[u]]`, sorted; the responses it stands for are
    `responses_of(u)`."""

    def __init__(self, items, settings: Settings, progress: Progress | None):
        self.settings = settings
        self.ids, self.texts = [], []
        for key, text in items:
            self.ids.append(key)
            self.texts.append(text)
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("response ids must be distinct")
        parts, sizes = [], []
        for begin in range(0, len(self.texts), _CHUNK):
            flat, counts = self._shingle(self.texts[begin : begin + _CHUNK])
            parts.append(flat)
            sizes.append(counts)
            if progress:
                progress("reading", min(begin + _CHUNK, len(self.texts)), len(self.texts))
        flat = np.concatenate(parts) if parts else np.empty(0, np.uint64)
        counts = np.concatenate(sizes) if sizes else np.empty(0, np.int64)
        self._collapse(flat, np.cumsum(counts) - counts, counts)

    def _shingle(self, texts):
        """Sorted distinct shingles of each text, all in one array, and how many each has."""
        size = self.settings.shingle_words
        joined = unicodedata.normalize("NFKC", "\x00".join(map(_text, texts))).casefold()
        hashes, owner = _word_hashes(joined)
        if hashes.size < size:
            return np.empty(0, np.uint64), np.zeros(len(texts), np.int64)
        span = hashes.size - size + 1
        combined = np.zeros(span, dtype=np.uint64)
        for offset in range(size):
            combined += hashes[offset : offset + span] * _MULTIPLIERS[offset]
        inside = owner[:span] == owner[size - 1 :]  # a shingle never spans two texts
        # One sort of (text, shingle) packed in 64 bits puts each text's shingles in order:
        # shingles keep the top _SHINGLE_BITS bits of their hash, texts the rest.
        packed = (owner[:span][inside].astype(np.uint64) << _SHINGLE_BITS) | (
            combined[inside] >> np.uint64(64 - _SHINGLE_BITS)
        )
        packed = _distinct(packed)
        owner = (packed >> _SHINGLE_BITS).astype(np.int64)
        return packed & _SHINGLE_MASK, np.bincount(owner, minlength=len(texts)).astype(np.int64)

    def _collapse(self, flat, starts, counts):
        """One unique entry per distinct shingle set, found by sorting 128-bit keys of the
        sets; each text without shingles is an entry of its own (it never groups)."""
        total = len(counts)
        filled = np.flatnonzero(counts > 0)
        first_key = np.arange(total, dtype=np.uint64)  # distinct for the empty ones
        second_key = np.zeros(total, dtype=np.uint64)
        if filled.size:
            # Shingle hashes are already random: their xor and a weighted sum will do.
            first_key[filled] = np.bitwise_xor.reduceat(flat, starts[filled])
            second_key[filled] = np.add.reduceat(flat * _MULTIPLIERS[0], starts[filled])
        order = np.lexsort((np.arange(total), first_key, second_key, counts))
        fresh = np.ones(total, dtype=bool)
        for key in (first_key, second_key, counts):
            ordered = key[order]
            fresh[1:] &= ordered[1:] == ordered[:-1]
        fresh[1:] = ~fresh[1:]
        group = np.cumsum(fresh) - 1
        # Number the entries in the order of their first response.
        representatives = order[fresh]
        rank = np.argsort(representatives, kind="stable")
        number = np.empty_like(rank)
        number[rank] = np.arange(rank.size)
        unique_of = np.empty(total, dtype=np.int64)
        unique_of[order] = number[group]
        self.representatives = representatives[rank]
        self.counts = counts[self.representatives]
        self.starts = np.cumsum(self.counts) - self.counts
        self.flat = _gather(flat, starts[self.representatives], self.counts)[0]
        self.weights = np.bincount(unique_of, minlength=rank.size)
        self.response_order = np.argsort(unique_of, kind="stable")
        self.response_starts = np.cumsum(self.weights) - self.weights
        self.eligible = self.counts >= self.settings.min_shingles

    def responses_of(self, unique: int) -> list[int]:
        start = self.response_starts[unique]
        return self.response_order[start : start + self.weights[unique]].tolist()

    def shingles_of(self, unique: int) -> np.ndarray:
        start = self.starts[unique]
        return self.flat[start : start + self.counts[unique]]

    def shingles_of_many(self, uniques: np.ndarray):
        return _gather(self.flat, self.starts[uniques], self.counts[uniques])


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique without its slower hash-table path)."""
    values = np.sort(values)
    fresh = np.ones(values.size, dtype=bool)
    fresh[1:] = values[1:] != values[:-1]
    return values[fresh]


def _candidates(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where in `values` there may be one of `keys`, by a table of their low bits: never
    misses one, and rules out most others in one pass (a binary search of every value
    into a large array is what grouping would spend most of its time on otherwise)."""
    bits = min(24, max(10, keys.size.bit_length() + 4))
    mask = np.uint64((1 << bits) - 1)
    table = np.zeros(1 << bits, dtype=bool)
    table[keys & mask] = True
    return np.flatnonzero(table[values & mask])


def _isin(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which of `values` are among `keys` (sorted, distinct): np.isin, faster here."""
    inside = np.zeros(values.size, dtype=bool)
    if keys.size:
        maybe = _candidates(values, keys)
        found = np.minimum(np.searchsorted(keys, values[maybe]), keys.size - 1)
        inside[maybe] = keys[found] == values[maybe]
    return inside


def _gather(flat, starts, counts):
    """The slices flat[start:start + count] one after another, and where each begins."""
    begins = np.cumsum(counts) - counts
    positions = np.arange(int(counts.sum()), dtype=np.int64)
    positions += np.repeat(starts - begins, counts)
    return flat[positions], begins


# --- MinHash and the LSH index -----------------------------------------------------------


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def minhash_input(shingle_hashes: np.ndarray) -> np.ndarray:
    """The 32-bit values a MinHash is fed for these (50-bit) shingle hashes."""
    return (shingle_hashes >> np.uint64(18)).astype(np.uint32)


def signatures(flat: np.ndarray, counts: np.ndarray, settings: Settings) -> np.ndarray:
    """The MinHash values of many shingle sets at once, one row each (`flat` holds the sets
    one after another, `counts` their sizes, none empty): the same values as datasketch's
    `MinHash(scheme="affine32").update_batch(minhash_input(set))`, computed one permutation
    at a time over every set (a few arrays as long as `flat`, instead of a Python call and
    a (set x num_perm) array per set)."""
    a, b = _permutations(settings.num_perm, settings.seed)
    mixed = _fmix(minhash_input(flat))
    begins = np.cumsum(counts) - counts
    rows = np.empty((len(counts), settings.num_perm), dtype=np.uint32)
    permuted = np.empty_like(mixed)
    for column in range(settings.num_perm):
        np.multiply(mixed, a[column], out=permuted)
        np.add(permuted, b[column], out=permuted)
        rows[:, column] = np.minimum.reduceat(permuted, begins)
    return rows


@lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return index.b, index.r


def _lean(values: np.ndarray, settings: Settings) -> LeanMinHash:
    return LeanMinHash(seed=settings.seed, hashvalues=values, scheme="affine32")


# --- finding templates -------------------------------------------------------------------


class _Templates:
    """Templates looked up together: which of them each response contains the most."""

    def __init__(self, templates: list[np.ndarray], settings: Settings):
        self.settings = settings
        self.sizes = np.array([template.size for template in templates], dtype=np.int64)
        every = np.concatenate(templates) if templates else np.empty(0, np.uint64)
        owner = np.repeat(np.arange(len(templates)), self.sizes)
        order = np.argsort(every, kind="stable")
        self.every, self.owner = every[order], owner[order]

    def shared(self, shingles: np.ndarray) -> np.ndarray:
        """How many of the distinct `shingles` each template has."""
        left = np.searchsorted(self.every, shingles, side="left")
        hits = np.searchsorted(self.every, shingles, side="right") - left
        at = np.arange(int(hits.sum())) + np.repeat(left - (np.cumsum(hits) - hits), hits)
        return np.bincount(self.owner[at], minlength=len(self.sizes))

    def contained_in(self, shingles: np.ndarray) -> bool:
        """Whether these shingles hold at least `containment` of some template."""
        return bool(np.any(self.settings.enough(self.shared(shingles), self.sizes)))

    def holds_most_of(self, template: np.ndarray) -> bool:
        """Whether some template holds at least `containment` of this one."""
        return bool(np.any(self.shared(template) >= self.settings.containment * template.size))

    def best(self, corpus: _Corpus, entries: np.ndarray):
        """(entries, template numbers, scores) for the entries that contain at least
        `containment` of some template: of those, the one each shares the most shingles
        with (then the larger share, then the lower number)."""
        nothing = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
        if not self.every.size or not len(entries):
            return nothing
        flat, _ = corpus.shingles_of_many(entries)
        position = np.repeat(np.arange(len(entries)), corpus.counts[entries])
        maybe = _candidates(flat, self.every)
        flat, position = flat[maybe], position[maybe]
        left = np.searchsorted(self.every, flat, side="left")
        hits = np.searchsorted(self.every, flat, side="right") - left
        found = hits > 0
        left, hits, position = left[found], hits[found], position[found]
        # A shingle may be in several templates: one (entry, template) pair for each.
        at = np.arange(int(hits.sum())) + np.repeat(left - (np.cumsum(hits) - hits), hits)
        templates = len(self.sizes)
        pairs, overlap = np.unique(
            np.repeat(position, hits) * templates + self.owner[at], return_counts=True
        )
        position, owner = pairs // templates, pairs % templates
        score = overlap / self.sizes[owner]
        keep = self.settings.enough(overlap, self.sizes[owner])
        position, owner, score, overlap = position[keep], owner[keep], score[keep], overlap[keep]
        # The most words in common first: a copy of a letter contains all of a template
        # made of one line of it too, and belongs to the letter's.
        order = np.lexsort((owner, -score, -overlap, position))
        position, owner, score = position[order], owner[order], score[order]
        first = np.ones(position.size, dtype=bool)
        first[1:] = position[1:] != position[:-1]
        return entries[position[first]], owner[first], score[first]


class _Grouper:
    """Finds the templates of the groups among some unique entries of a corpus (see the
    module's docstring): seeds in the order of how connected they are, each grown into a
    template, unless the seed already contains a template found before it."""

    def __init__(self, corpus: _Corpus, progress: Progress | None, known=()):
        self.corpus, self.settings, self.progress = corpus, corpus.settings, progress
        self.known = list(known)  # templates of the groups there already are

    def templates(self, entries: np.ndarray) -> list[np.ndarray]:
        corpus, settings = self.corpus, self.settings
        entries = self._anchors(entries)
        if not len(entries):
            return []
        flat, _ = corpus.shingles_of_many(entries)
        rows = signatures(flat, corpus.counts[entries], settings)
        self.index = MinHashLSH(
            num_perm=settings.num_perm, params=_bands(settings.lsh_threshold, settings.num_perm)
        )
        with self.index.insertion_session() as session:
            for position, entry in enumerate(entries.tolist()):
                session.insert(entry, _lean(rows[position], settings), check_duplication=False)
                if self.progress and (position + 1) % 10_000 == 0:
                    self.progress("indexing", position + 1, len(entries))
        if self.progress:
            self.progress("indexing", len(entries), len(entries))
        self._buckets()
        self.free = np.zeros(len(corpus.weights), dtype=bool)
        self.free[entries] = True
        found: list[np.ndarray] = []
        known = _Templates(self.known, settings)
        seeds = self._seed_order(entries)
        for done, seed in enumerate(seeds, start=1):
            # A seed that holds a template already found belongs to that template's group;
            # a template that is mostly part of one found before (a line of a letter that
            # two people quote) is no campaign of its own.
            if self.free[seed] and not known.contained_in(corpus.shingles_of(seed)):
                grown = self._grow(seed)
                if grown is not None and not known.holds_most_of(grown[0]):
                    template, members = grown
                    self.free[members] = False
                    found.append(template)
                    known = _Templates([*self.known, *found], settings)
            if self.progress and (done % 1_000 == 0 or done == len(seeds)):
                self.progress("grouping", done, len(seeds))
        return found

    def _anchors(self, entries: np.ndarray) -> np.ndarray:
        """The entries that can seed a group or vote on its template: those with at least
        `template_share` of their shingles in another response too. Every template shingle
        is in two responses or more, and the typical member of a group has that share of
        its shingles in the template, so no group is lost; originals, most of whose words
        nobody else wrote, stay out of the index (the bulk of the responses, and of the
        time). The others still join groups in the final assignment."""
        flat, begins = self.corpus.shingles_of_many(entries)
        if not flat.size:
            return entries
        ordered = np.sort(flat)
        elsewhere = _isin(flat, _distinct(ordered[1:][ordered[1:] == ordered[:-1]]))
        counts = self.corpus.counts[entries]
        shared = np.add.reduceat(elsewhere.astype(np.int64), begins)
        shared[self.corpus.weights[entries] > 1] = counts[self.corpus.weights[entries] > 1]
        return entries[shared >= self.settings.template_share * counts]

    def _buckets(self):
        """Which entries share an LSH bucket: bucket -> entries and entry -> buckets, and
        how much weight shares a bucket with each entry."""
        buckets = [
            table.get(key)
            for table in self.index.hashtables
            for key, size in table.itemcounts().items()
            if size > 1
        ]
        sizes = np.fromiter(map(len, buckets), dtype=np.int64, count=len(buckets))
        flat = np.fromiter(chain.from_iterable(buckets), dtype=np.int64, count=int(sizes.sum()))
        owners = np.repeat(np.arange(len(buckets)), sizes)
        everyone = len(self.corpus.weights)
        self.bucket_members, self.bucket_sizes = flat, sizes
        self.bucket_starts = np.cumsum(sizes) - sizes
        self.entry_buckets = owners[np.argsort(flat, kind="stable")]
        self.entry_bucket_counts = np.bincount(flat, minlength=everyone)
        self.entry_bucket_starts = np.cumsum(self.entry_bucket_counts) - self.entry_bucket_counts
        weights = self.corpus.weights[flat]
        bucket_weight = np.bincount(owners, weights=weights, minlength=len(sizes))
        self.support = np.bincount(flat, weights=bucket_weight[owners], minlength=everyone)

    def _seed_order(self, entries: np.ndarray) -> list[int]:
        """Entries that share a bucket or have exact duplicates, most connected first."""
        weights = self.corpus.weights[entries]
        useful = (self.entry_bucket_counts[entries] > 0) | (weights > 1)
        entries, support = entries[useful], (self.support[entries] + weights)[useful]
        return entries[np.lexsort((entries, -support))].tolist()

    def _neighbours(self, entries: np.ndarray) -> np.ndarray:
        """The free entries among `entries` and those sharing a bucket with any of them."""
        buckets, _ = _gather(
            self.entry_buckets,
            self.entry_bucket_starts[entries],
            self.entry_bucket_counts[entries],
        )
        buckets = _distinct(buckets)
        found, _ = _gather(
            self.bucket_members, self.bucket_starts[buckets], self.bucket_sizes[buckets]
        )
        found = _distinct(np.concatenate([found, entries]))
        return found[self.free[found]]

    def _query(self, template: np.ndarray) -> np.ndarray:
        values = signatures(template, np.array([template.size]), self.settings)[0]
        found = np.fromiter(self.index.query(_lean(values, self.settings)), dtype=np.int64)
        return found[self.free[found]]

    def _overlaps(self, shingles: np.ndarray, entries: np.ndarray) -> np.ndarray:
        """How many of `shingles` (sorted, distinct) each entry contains."""
        flat, begins = self.corpus.shingles_of_many(entries)
        if not flat.size:
            return np.zeros(len(entries), dtype=np.int64)
        return np.add.reduceat(_isin(flat, shingles).astype(np.int64), begins)

    def _vote(self, entries: np.ndarray) -> np.ndarray:
        """The shingles that more than half of `entries` contain, by weight."""
        flat, _ = self.corpus.shingles_of_many(entries)
        weights = self.corpus.weights[entries]
        # One copy of each shingle per response that sent it, sorted: a plain sort is much
        # faster than np.unique's inverse, and the copies are as many as the words sent.
        ballots = np.sort(np.repeat(flat, np.repeat(weights, self.corpus.counts[entries])))
        starts = np.flatnonzero(np.diff(ballots, prepend=~ballots[:1]) != 0)
        tally = np.diff(np.append(starts, ballots.size))
        return ballots[starts[tally * 2 > weights.sum()]]

    def _grow(self, seed: int):
        """(template, members) grown from `seed`, or None when it makes no group."""
        corpus, settings = self.corpus, self.settings
        seed_shingles = corpus.shingles_of(seed)
        pool = self._neighbours(np.array([seed]))
        shared = self._overlaps(seed_shingles, pool)
        members = pool[shared * 2 >= np.minimum(corpus.counts[pool], seed_shingles.size)]
        if corpus.weights[members].sum() < 2:  # nobody else says half of what it says
            return None
        for _ in range(2):  # vote a template, gather its members, and once more from them
            template = self._vote(members)
            if template.size < settings.min_shingles:
                return None
            pool = _distinct(np.concatenate([self._neighbours(members), self._query(template)]))
            overlap = self._overlaps(template, pool)
            inside = settings.enough(overlap, template.size)
            members, overlap = pool[inside], overlap[inside]
            weights = corpus.weights[members]
            if weights.sum() < 2:
                return None
        # The template must be most of what its typical member says (weighted median).
        share = overlap / corpus.counts[members]
        order = np.argsort(share, kind="stable")
        middle = np.searchsorted(np.cumsum(weights[order]), weights.sum() / 2)
        if share[order][middle] < settings.template_share:
            return None
        return template, members


def _memberships(corpus: _Corpus, entries: np.ndarray, templates: list[np.ndarray], progress):
    """(template, members, scores) for each template that at least two responses (by
    weight) belong to: each entry belongs to the template it contains the largest share of."""
    members, owners, scores = _Templates(templates, corpus.settings).best(corpus, entries)
    if progress:
        progress("assigning", len(entries), len(entries))
    order = np.argsort(owners, kind="stable")
    members, owners, scores = members[order], owners[order], scores[order]
    bounds = np.flatnonzero(np.diff(owners)) + 1
    groups = []
    for part in np.split(np.arange(owners.size), bounds) if owners.size else []:
        if corpus.weights[members[part]].sum() >= 2:
            groups.append((templates[owners[part[0]]], members[part], scores[part]))
    return groups


def _numbered(corpus: _Corpus, groups, previous, *, next_id: int) -> list[Campaign]:
    """Campaigns from found groups, largest first; a group that holds more than half of the
    members of one of `previous` takes that group's id, every other group a new one."""
    made = []
    for template, members, scores in groups:
        joined = {}
        for entry, score in zip(members.tolist(), scores.tolist(), strict=True):
            for index in corpus.responses_of(entry):
                joined[corpus.ids[index]] = round(score, 4)
        made.append((_representative(corpus, members, scores, template), template, joined))
    made.sort(key=lambda group: (-len(group[2]), min(map(str, group[2]))))
    earlier = {member: old.id for old in previous for member in old.members}
    sizes = {old.id: old.size for old in previous}
    claimed, campaigns = set(), []
    for (member, text), template, members in made:
        shared = Counter(earlier[member] for member in members if member in earlier)
        carried = next(
            (
                old_id
                for old_id, count in shared.most_common()
                if count * 2 > sizes[old_id] and old_id not in claimed
            ),
            None,
        )
        if carried is None:
            carried, next_id = next_id, next_id + 1
        claimed.add(carried)
        campaigns.append(Campaign(carried, text, template, members, template_member=member))
    return campaigns


def _representative(corpus: _Corpus, members, scores, template) -> tuple[Hashable, str]:
    """The id and text of the member most like the template (Jaccard), the most sent on a
    tie."""
    overlap = scores * template.size
    similarity = overlap / (template.size + corpus.counts[members] - overlap)
    best = np.lexsort((members, -corpus.weights[members], -similarity))[0]
    first = corpus.representatives[members[best]]
    text = corpus.texts[first]
    return corpus.ids[first], text if isinstance(text, str) else str(text or "")


def _next_id(campaigns) -> int:
    return max((campaign.id for campaign in campaigns), default=0) + 1


def _copy(campaign: Campaign) -> Campaign:
    return replace(campaign, members=dict(campaign.members))
