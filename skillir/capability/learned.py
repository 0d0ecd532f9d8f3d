"""A learned second opinion on a skill's requirements: one logistic-regression
classifier per primitive, over the words of SKILL.md, its code-fence languages, its
size and step count, and what the rules already found.

The weights live in `skillir/data/learned_requirements.json`, trained by
`benchmarks/devset/train_requirements.py` on the hand-labelled development set, which
also measures the model leaving one labelled set out at a time. Only primitives whose
rules miss most (the file's `primitives`) have a classifier; a primitive the rules did
not find becomes a skill-wide requirement when its classifier is sure enough
(`threshold`), at the level most labelled skills had where the rules missed that
primitive (the entry's `level`). Nothing the rules found is ever dropped.

Levels: a primitive under the file's `levels` (those whose learned levels beat the
rules' levels leaving one set out) has two more classifiers, "the level is at least 2",
"at least 3"; when the level they give is higher than the rules', the skill gets a
skill-wide requirement at that level (`raised`). Levels are only ever raised.

IR-free: `predict(text, rule_levels)` takes the skill's markdown and the rules' levels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from skillir.datafiles import load_data

MODEL_FILE = "learned_requirements.json"

_WORD = re.compile(r"[a-z][a-z0-9_+-]+")
_FENCE = re.compile(r"^[ \t]*(?:```+|~~~+)[ \t]*([\w+-]+)", re.MULTILINE)
_NUMBERED = re.compile(r"^[ \t]*\d+[.)][ \t]", re.MULTILINE)


def _body(text: str) -> str:
    """SKILL.md without its YAML front matter."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            return text[end + 4:]
    return text


def _bucket(value: int, edges: tuple[int, ...], names: tuple[str, ...]) -> str:
    for edge, name in zip(edges, names, strict=False):
        if value < edge:
            return name
    return names[-1]


def features(text: str, rule_levels: dict[str, int], words: frozenset[str] | None = None) -> frozenset[str]:
    """The binary features of one skill: `w:<word>` for each word of the body (of
    `words` only, when given: a model's vocabulary), `lang:<x>` for each fenced
    language, `r:<prim>` and `r:<prim>:<level>` for what the rules found, and the
    `steps:` and `size:` buckets."""
    body = _body(text)
    found_words = _WORD.findall(body.lower())
    found = {"w:" + word for word in (set(found_words) if words is None else words.intersection(found_words))}
    found.update("lang:" + lang for lang in _FENCE.findall(body))
    for prim, level in rule_levels.items():
        found.add("r:" + prim)
        found.add(f"r:{prim}:{level}")
    steps = len(_NUMBERED.findall(body))
    found.add("steps:" + _bucket(steps, (1, 3, 8), ("0", "1-2", "3-7", "8+")))
    found.add("size:" + _bucket(len(body), (3000, 10000), ("s", "m", "l")))
    return frozenset(found)


@dataclass(frozen=True)
class Prediction:
    prim: str
    probability: float
    level: int
    reasons: tuple[str, ...]
    """The features that pushed the probability up most (`w:never`, `r:tool.exec`)."""


@dataclass(frozen=True)
class _Classifier:
    bias: float
    level: int
    weights: dict[str, float]


@cache
def _model() -> tuple[float, dict[str, _Classifier], dict[str, tuple[tuple[str, float], ...]]]:
    """(threshold, the classifier of each primitive, feature -> ((primitive, weight), ...)):
    the last one lets `predict` read a skill's features once for every classifier."""
    data = load_data(MODEL_FILE)
    classifiers = {prim: _Classifier(entry["bias"], entry["level"], entry["weights"])
                   for prim, entry in data["primitives"].items()}
    return data["threshold"], classifiers, _index(classifiers)


def _index(classifiers: dict[str, _Classifier]) -> dict[str, tuple[tuple[str, float], ...]]:
    index: dict[str, list[tuple[str, float]]] = {}
    for prim, model in classifiers.items():
        for feature, weight in model.weights.items():
            index.setdefault(feature, []).append((prim, weight))
    return {f: tuple(pairs) for f, pairs in index.items()}


@cache
def _level_model() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[tuple[str, float], ...]],
                            dict[str, _Classifier]]:
    """(primitive -> its level classifiers' keys, "prim@k" for k = 2, 3; the feature
    index of them all; the classifiers by key). `_Classifier.level` is k."""
    levels = load_data(MODEL_FILE).get("levels", {})
    classifiers = {f"{prim}@{k}": _Classifier(side["bias"], int(k), side["weights"])
                   for prim, sides in levels.items() for k, side in sorted(sides.items())}
    keys = {prim: tuple(f"{prim}@{k}" for k in sorted(sides)) for prim, sides in levels.items()}
    return keys, _index(classifiers), classifiers


def threshold() -> float:
    return _model()[0]


def predict(text: str, rule_levels: dict[str, int]) -> list[Prediction]:
    """Every primitive with a classifier, with its probability for this skill."""
    _, classifiers, index = _model()
    return _scores(classifiers, index, _features(text, tuple(sorted(rule_levels.items()))))


@lru_cache(maxsize=8)
def _features(text: str, rule_levels: tuple[tuple[str, int], ...]) -> frozenset[str]:
    """`features` with only the words some classifier weighs (a skill has hundreds of
    words the models never learned, which change no score and no reason), kept for the
    few texts last read: the presence and the level classifiers read the same skill's
    features one after the other."""
    return features(text, dict(rule_levels), _weighed_words())


@cache
def _weighed_words() -> frozenset[str]:
    """The words (`w:<word>` features) of the presence and the level classifiers."""
    weighed = set(_model()[2]) | set(_level_model()[1])
    return frozenset(f[2:] for f in weighed if f.startswith("w:"))


def _scores(classifiers: dict[str, _Classifier], index: dict[str, tuple[tuple[str, float], ...]],
            found_features: frozenset[str], keep: Callable[[str, float], bool] | None = None) -> list[Prediction]:
    """Each classifier's prediction; `keep(key, probability)`: only the ones it accepts,
    whose reasons alone are then worked out (sorting every classifier's weights for its
    reasons was most of the time of a skill's learned opinion)."""
    sums = dict.fromkeys(classifiers, 0.0)
    for feature in found_features:
        for key, weight in index.get(feature, ()):
            if key in sums:  # (the index covers every classifier; `classifiers` may be a few)
                sums[key] += weight
    out = []
    for key, model in classifiers.items():
        probability = _sigmoid(model.bias + sums[key])
        if keep is None or keep(key, probability):
            out.append(Prediction(key, probability, model.level, _reasons(key, index, found_features)))
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _reasons(key: str, index: dict[str, tuple[tuple[str, float], ...]], found_features: frozenset[str]) -> tuple[str, ...]:
    """The (at most three) features that pushed classifier `key` up most."""
    found = [(weight, feature) for feature in found_features for k, weight in index.get(feature, ()) if k == key]
    return tuple(f for w, f in sorted(found, reverse=True)[:3] if w > 0)


def predict_levels(text: str, rule_levels: dict[str, int]) -> list[Prediction]:
    """For each primitive the rules found that has level classifiers: its learned level
    (the highest k whose "at least k" probability is over one half, each k needing the
    one below; 1 when none is), with the probability and reasons of the classifier that
    gave it (for level 1: of "at least 2")."""
    keys, index, classifiers = _level_model()
    wanted = [prim for prim in keys if prim in rule_levels]
    if not wanted:
        return []
    scores = {p.prim: p for p in _scores({k: classifiers[k] for prim in wanted for k in keys[prim]}, index,
                                         _features(text, tuple(sorted(rule_levels.items()))))}
    out = []
    for prim in wanted:
        said = [scores[key] for key in keys[prim]]
        decided = said[0]
        for score in said:
            if score.probability <= 0.5:
                break
            decided = score
        level = decided.level if decided.probability > 0.5 else 1
        out.append(Prediction(prim, decided.probability, level, decided.reasons))
    return out


def missed(text: str, rule_levels: dict[str, int]) -> list[Prediction]:
    """The primitives the rules did not find that the classifiers are sure of. Kept per
    (text, rule levels) for texts up to 64 KB: a skill compiled again, or for another
    harness, is not reread."""
    return _kept(_missed, text, rule_levels)


def _kept(answer, text: str, rule_levels: dict[str, int]) -> list[Prediction]:
    """`answer(text, levels)` from its cache for texts up to 64 KB (a longer one is not kept)."""
    levels = tuple(sorted(rule_levels.items()))
    return list(answer(text, levels) if len(text) <= 64 * 1024 else answer.__wrapped__(text, levels))


@lru_cache(maxsize=256)
def _missed(text: str, rule_levels: tuple[tuple[str, int], ...]) -> tuple[Prediction, ...]:
    limit, classifiers, index = _model()
    levels = dict(rule_levels)
    return tuple(_scores(classifiers, index, _features(text, rule_levels),
                         keep=lambda prim, probability: prim not in levels and probability >= limit))


def raised(text: str, rule_levels: dict[str, int]) -> list[Prediction]:
    """The primitives the rules found at a lower level than their level classifiers give
    (`predict_levels`), at the learned level. Kept like `missed`."""
    return _kept(_raised, text, rule_levels)


@lru_cache(maxsize=256)
def _raised(text: str, rule_levels: tuple[tuple[str, int], ...]) -> tuple[Prediction, ...]:
    levels = dict(rule_levels)
    return tuple(p for p in predict_levels(text, levels) if p.level > levels[p.prim])
