"""The market of one subnet: its task pool, its miners (scikit-learn models) and its validators.

Speed: a model predicts once per (re)training over the whole pool and held-out set (and once more
if the tasks drift). Every miner's answers live in one matrix ``answers[uid, task]`` (NaN = no
answer); a per-answer score matrix of the same shape is kept beside it, so one block of scoring is
a gather and a mean across all miners and all validators at once.

Determinism: every random choice comes from the seeds the caller passes (the market's seed for the
data, each agent's seed for its own draws); scikit-learn's ``random_state`` is drawn from them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from taosandbox.market.cache import MarketCache, array_digest, cache_key
from taosandbox.market.models import MODEL_KINDS, check_model
from taosandbox.market.tasks import CLASSIFICATION, TaskData, TaskSpec, score_answers

MINER_STRATEGIES = ("honest", "idle", "random", "copycat", "sybil")
"""honest: answers with its model. idle: never answers (scores 0). random: random labels (or
random N(0, 1) targets), drawn once per task. copycat: submits ``copy_of``'s answers one block late.
sybil: an honest model miner whose owner runs several hotkeys (``owner`` names it)."""
VALIDATOR_STRATEGIES = ("honest", "copier", "colluding", "noisy", "offline")
"""honest: weights = EMA score ** power (optionally top-k). copier: last epoch's consensus.
colluding: a fixed ``share`` of its weight to its ``favoured`` uids, the rest honest. noisy:
honest plus Gaussian noise. offline: never sets weights."""

MODEL_STRATEGIES = ("honest", "sybil")
"""Miner strategies that own a trained model."""

VALIDATOR_SETTINGS: dict[str, str] = {
    "sample_size": "tasks sampled per block, an integer between 1 and 64",
    "ema_alpha": "EMA weight of the newest score, a number in (0, 1]",
    "power": "sharpening exponent on EMA scores, a number between 0 and 16",
    "top_k": "only the k best miners get weight: None or an integer between 1 and 256",
    "favoured": "uids a colluding validator favours: a tuple of integers",
    "share": "weight share a colluding validator gives its favoured uids, a number in [0, 1]",
    "noise": "noisy validator's noise std relative to its largest weight, a number between 0 and 10",
}
"""Validator settings accepted by ``add_validator`` and ``configure_validator``."""

SAMPLE_BUFFER_BLOCKS = 256
"""Validators draw their task samples this many blocks at a time (from their own rng)."""


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _check_setting(name: str, value: Any) -> Any:
    """Validate one validator setting; return it normalised."""
    bad = ValueError(f"{name} must be {VALIDATOR_SETTINGS.get(name, '?')}; got {value!r}")
    if name == "sample_size":
        if not _is_int(value) or not 1 <= value <= 64:
            raise bad
        return int(value)
    if name == "ema_alpha":
        if not _is_num(value) or not 0.0 < value <= 1.0:
            raise bad
        return float(value)
    if name == "power":
        if not _is_num(value) or not 0.0 <= value <= 16.0:
            raise bad
        return float(value)
    if name == "top_k":
        if value is None:
            return None
        if not _is_int(value) or not 1 <= value <= 256:
            raise bad
        return int(value)
    if name == "favoured":
        try:
            uids = tuple(value)
        except TypeError:
            raise bad from None
        if not all(_is_int(u) and u >= 0 for u in uids):
            raise bad
        return tuple(sorted({int(u) for u in uids}))
    if name == "share":
        if not _is_num(value) or not 0.0 <= value <= 1.0:
            raise bad
        return float(value)
    if name == "noise":
        if not _is_num(value) or not 0.0 <= value <= 10.0:
            raise bad
        return float(value)
    raise ValueError(
        f"unknown validator setting {name!r}; choose from: {', '.join(VALIDATOR_SETTINGS)}"
    )


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    """A Generator from an int seed, or the caller's Generator itself."""
    if isinstance(seed, np.random.Generator):
        return seed
    if not _is_int(seed):
        raise ValueError(f"seed must be an integer or a numpy Generator; got {seed!r}")
    return np.random.default_rng(int(seed))


@dataclass
class _Fit:
    """What one trained estimator predicts over each phase's pool + held-out rows, for the phase it
    was trained in and every later one (the estimator itself is not kept)."""

    preds: dict[int, np.ndarray]


@dataclass
class _Miner:
    uid: int
    strategy: str
    model: str | None
    params: dict[str, Any]
    budget: int
    random_state: int
    rng: np.random.Generator
    copy_of: int | None = None
    owner: str | None = None
    fit_key: tuple | None = None
    samples: int = 0
    """Training rows actually used (budget clipped to the dataset's training rows)."""
    trained_block: int | None = None
    trained_phase: int | None = None
    lag: tuple[np.ndarray, float] | None = None
    """Copycat: the target's (answers, accuracy) as of the previous block."""


@dataclass
class _Validator:
    uid: int
    strategy: str
    slot: int
    settings: dict[str, Any]
    sample_rng: np.random.Generator
    noise_rng: np.random.Generator
    buf: np.ndarray | None = None
    pos: int = 0
    refills: int = 0
    """Sample buffers drawn so far (with ``pos``, this fixes the sample rng's state)."""
    noise_draws: int = 0
    """Noise vectors drawn so far (this fixes the noise rng's state)."""
    updates: int = 0
    """Blocks scored so far."""

    def next_sample(self, pool_size: int) -> np.ndarray:
        k = self.settings["sample_size"]
        if self.buf is None or self.pos >= len(self.buf):
            self.buf = self.sample_rng.integers(0, pool_size, size=(SAMPLE_BUFFER_BLOCKS, k))
            self.pos = 0
            self.refills += 1
        row = self.buf[self.pos]
        self.pos += 1
        return row


class Market:
    """Tasks, miners and validators of one subnet. See the module docstring."""

    def __init__(self, spec: TaskSpec, seed: int, cache: MarketCache | None | str = "user") -> None:
        """``cache``: where datasets and trained predictions are kept across runs ("user": the user
        cache directory, unless ``TAOSANDBOX_FIT_CACHE=off``; None: nowhere). See ``market.cache``."""
        if not isinstance(spec, TaskSpec):
            raise TypeError(f"spec must be a TaskSpec; got {type(spec).__name__}")
        from taosandbox.market.tasks import build_task_data

        self.spec = spec
        """The task specification."""
        self._cache = MarketCache.user() if cache == "user" else cache
        base = _generator(seed)
        self.data: TaskData = build_task_data(
            spec, np.random.SeedSequence(int(base.integers(2**63))), cache=self._cache
        )
        """Pool, held-out and training data of each phase."""
        self.kind: str = self.data.kind
        """``"classification"`` or ``"regression"``."""
        self.phase = 0
        """0 before the drift, 1 after."""
        self.block: int | None = None
        """The last block stepped."""
        self._n = 0
        self._answers = np.full((0, spec.pool_size), np.nan)
        self._score = np.zeros((0, spec.pool_size), dtype=np.float32)
        self._acc = np.full(0, np.nan)
        self._ema = np.zeros((0, 0))
        self._free_slots: list[int] = []
        self._miners: dict[int, _Miner] = {}
        self._validators: dict[int, _Validator] = {}
        self._fits: dict[tuple, _Fit] = {}
        self._data_digests: dict[tuple[int, int], bytes] = {}
        self._groups: list[tuple[int, list[_Validator], np.ndarray, np.ndarray]] | None = None
        self._rows_digest: bytes | None = None
        """Digest of answers and accuracies; None when a row changed since it was computed."""
        self._validators_digest: bytes | None = None
        """Digest of the validators' configurations; None when one changed."""

    # ---- sizes -------------------------------------------------------------------------------

    @property
    def n(self) -> int:
        """Rows of the answers matrix: 1 + the largest miner uid seen."""
        return self._n

    @property
    def answers(self) -> np.ndarray:
        """``answers[uid, task]``: each uid's current answer to each pool task (NaN: none)."""
        return self._answers[: self._n]

    @property
    def task_scores(self) -> np.ndarray:
        """``task_scores[uid, task]``: the score in [0, 1] each current answer earns."""
        return self._score[: self._n]

    def _grow(self, uid: int) -> None:
        if not _is_int(uid) or uid < 0:
            raise ValueError(f"uid must be a non-negative integer; got {uid!r}")
        if uid < self._n:
            return
        cap = len(self._answers)
        if uid >= cap:
            new = max(uid + 1, 2 * cap, 16)
            P = self.spec.pool_size
            self._answers = np.concatenate([self._answers, np.full((new - cap, P), np.nan)])
            self._score = np.concatenate([self._score, np.zeros((new - cap, P), np.float32)])
            self._acc = np.concatenate([self._acc, np.full(new - cap, np.nan)])
            self._ema = np.concatenate([self._ema, np.zeros((new - cap, self._ema.shape[1]))])
        self._n = uid + 1

    def _set_row(self, uid: int, answers: np.ndarray | None, accuracy: float | None) -> None:
        """Install a uid's pool answers (None: no answers) and held-out accuracy."""
        self._rows_digest = None
        if answers is None:
            self._answers[uid] = np.nan
            self._score[uid] = 0.0
        else:
            self._answers[uid] = answers
            self._score[uid] = score_answers(self.kind, answers, self.data.phases[self.phase].y_pool)
        self._acc[uid] = np.nan if accuracy is None else accuracy

    def _holdout_score(self, preds: np.ndarray) -> float:
        ph = self.data.phases[self.phase]
        return float(score_answers(self.kind, preds, ph.y_holdout).mean(dtype=np.float64))

    # ---- miners ------------------------------------------------------------------------------

    def add_miner(
        self,
        uid: int,
        *,
        strategy: str = "honest",
        model: str = "logistic",
        params: dict | None = None,
        budget: int = 200,
        copy_of: int | None = None,
        seed: int | np.random.Generator,
        owner: str | None = None,
        block: int | None = None,
    ) -> None:
        """Add (or replace) the miner at ``uid`` and train it if it has a model.

        ``model``/``params``/``budget`` matter for honest and sybil miners (validated for them,
        ``ValueError`` listing allowed values); ``copy_of`` is a copycat's target uid; ``owner``
        names a sybil's owner (display only). ``block`` is recorded as the training block
        (defaults to the last block stepped).
        """
        if strategy not in MINER_STRATEGIES:
            raise ValueError(
                f"unknown miner strategy {strategy!r}; choose one of: {', '.join(MINER_STRATEGIES)}"
            )
        if strategy == "copycat":
            if not _is_int(copy_of) or copy_of < 0 or copy_of == uid:
                raise ValueError(f"a copycat needs copy_of: another miner's uid; got {copy_of!r}")
        elif copy_of is not None:
            raise ValueError(f"copy_of is only for copycat miners, not {strategy!r}")
        checked = check_model(model, params, budget, self.kind) if strategy in MODEL_STRATEGIES else {}
        rng = _generator(seed)
        self._grow(uid)
        if uid in self._miners:
            self._forget_miner(uid)
        random_state = int(rng.integers(2**31 - 1))
        m = _Miner(
            uid=uid,
            strategy=strategy,
            model=model if strategy in MODEL_STRATEGIES else None,
            params=checked,
            budget=budget if strategy in MODEL_STRATEGIES else 0,
            random_state=random_state,
            rng=rng,
            copy_of=int(copy_of) if copy_of is not None else None,
            owner=owner,
        )
        self._miners[uid] = m
        if strategy in MODEL_STRATEGIES:
            self._train(m, self.block if block is None else block)
        elif strategy == "random":
            self._random_answers(m)
        else:
            self._set_row(uid, None, None)

    def _random_answers(self, m: _Miner) -> None:
        size = self.spec.pool_size + len(self.data.phases[self.phase].y_holdout)
        if self.kind == CLASSIFICATION:
            a = m.rng.integers(0, self.data.n_classes, size=size).astype(np.float64)
        else:
            a = m.rng.standard_normal(size)
        P = self.spec.pool_size
        self._set_row(m.uid, a[:P], self._holdout_score(a[P:]))

    def _train(self, m: _Miner, block: int | None) -> None:
        ph = self.data.phases[self.phase]
        samples = min(m.budget, len(ph.X_train))
        stochastic = MODEL_KINDS[m.model].stochastic
        key = (
            m.model,
            tuple(sorted(m.params.items())),
            samples,
            self.phase,
            m.random_state if stochastic else None,
        )
        fit = self._fits.get(key)
        if fit is None:
            fit = self._fits[key] = self._fit(m, key, samples)
        m.fit_key, m.samples = key, samples
        m.trained_block, m.trained_phase = block, self.phase
        self._refresh(m)
        self._prune_fits()

    def _fit(self, m: _Miner, key: tuple, samples: int) -> _Fit:
        """Train ``m``'s model on the first ``samples`` training rows and predict every phase from this
        one on; or read those predictions from the fit cache (the same bytes: see ``fit_cache``)."""
        phases = self.data.phases[self.phase:]
        sizes = [len(p.X_eval) for p in phases]
        entry = preds = None
        if self._cache is not None:
            entry = cache_key(("fit", self.kind, *key), self._data_digest(samples))
            preds = (self._cache.load(entry) or {}).get("preds")
            if preds is not None and (preds.dtype != np.float64 or preds.shape != (sum(sizes),)):
                preds = None
        if preds is None:
            from taosandbox.market.models import fit_estimator, quiet_fitting

            ph = phases[0]
            with quiet_fitting():
                est = fit_estimator(
                    m.model, m.params, self.kind, m.random_state,
                    ph.X_train[:samples], ph.y_train[:samples],
                )
                preds = np.concatenate([np.asarray(est.predict(p.X_eval), np.float64) for p in phases])
            if entry is not None:
                self._cache.store(entry, preds=preds)
        preds.setflags(write=False)
        rows = np.split(preds, np.cumsum(sizes)[:-1])
        return _Fit({self.phase + k: row for k, row in enumerate(rows)})

    def _data_digest(self, samples: int) -> bytes:
        """A digest of what a fit in this phase reads: its training rows and every phase's eval rows."""
        digest = self._data_digests.get((self.phase, samples))
        if digest is None:
            ph = self.data.phases[self.phase]
            evals = [p.X_eval for p in self.data.phases[self.phase:]]
            digest = self._data_digests[(self.phase, samples)] = array_digest(
                ph.X_train[:samples], ph.y_train[:samples], *evals
            )
        return digest

    def _refresh(self, m: _Miner) -> None:
        """Install a model miner's predictions for the current phase's pool and held-out set."""
        preds = self._fits[m.fit_key].preds[self.phase]
        P = self.spec.pool_size
        self._set_row(m.uid, preds[:P], self._holdout_score(preds[P:]))

    def _prune_fits(self) -> None:
        if len(self._fits) > 2 * len(self._miners) + 16:
            used = {m.fit_key for m in self._miners.values()}
            self._fits = {k: f for k, f in self._fits.items() if k in used}

    def _model_miner(self, uid: int) -> _Miner:
        m = self._miners.get(uid)
        if m is None:
            raise KeyError(f"uid {uid} is not a miner")
        return m

    def set_model(self, uid: int, model: str, params: dict | None, budget: int) -> None:
        """Player: reconfigure a miner's model and retrain it now (it becomes an honest miner if it
        was idle/random/copycat). ``ValueError`` (listing allowed values) on a bad configuration."""
        m = self._model_miner(uid)
        checked = check_model(model, params, budget, self.kind)
        if m.strategy not in MODEL_STRATEGIES:
            m.strategy, m.copy_of, m.lag = "honest", None, None
        m.model, m.params, m.budget = model, checked, budget
        self._train(m, self.block)

    def retrain(self, uid: int, block: int) -> None:
        """Retrain on the training data available now (post-drift data once the drift is due).

        A no-op for miners without a model (idle, random, copycat)."""
        m = self._model_miner(uid)
        self._advance(block)
        if m.strategy in MODEL_STRATEGIES:
            self._train(m, block)

    def accuracy(self, uid: int) -> float | None:
        """The miner's current score on the held-out set (accuracy, or the regression score);
        None for non-miners and idle miners."""
        m = self._miners.get(uid)
        if m is None or m.strategy == "idle":
            return None
        a = self._acc[uid]
        return None if np.isnan(a) else float(a)

    def miner_info(self, uid: int) -> dict:
        """model, params, budget, samples, strategy, copy_of, owner, trained_block, accuracy."""
        m = self._model_miner(uid)
        return {
            "uid": uid,
            "strategy": m.strategy,
            "model": m.model,
            "params": dict(m.params),
            "budget": m.budget,
            "samples": m.samples,
            "copy_of": m.copy_of,
            "owner": m.owner,
            "trained_block": m.trained_block,
            "stale": m.trained_phase is not None and m.trained_phase != self.phase,
            "accuracy": self.accuracy(uid),
        }

    def is_miner(self, uid: int) -> bool:
        return uid in self._miners

    # ---- validators --------------------------------------------------------------------------

    def add_validator(
        self,
        uid: int,
        *,
        strategy: str = "honest",
        sample_size: int = 8,
        ema_alpha: float = 0.1,
        power: float = 2.0,
        favoured: tuple[int, ...] = (),
        noise: float = 0.1,
        seed: int | np.random.Generator,
        top_k: int | None = None,
        share: float = 0.5,
    ) -> None:
        """Add (or replace) the validator at ``uid``; its scores start at 0."""
        if strategy not in VALIDATOR_STRATEGIES:
            raise ValueError(
                f"unknown validator strategy {strategy!r}; "
                f"choose one of: {', '.join(VALIDATOR_STRATEGIES)}"
            )
        if not _is_int(uid) or uid < 0:
            raise ValueError(f"uid must be a non-negative integer; got {uid!r}")
        raw = dict(sample_size=sample_size, ema_alpha=ema_alpha, power=power, top_k=top_k,
                   favoured=favoured, share=share, noise=noise)
        settings = {k: _check_setting(k, v) for k, v in raw.items()}
        rng = _generator(seed)
        if uid in self._validators:
            self._forget_validator(uid)
        s1, s2 = rng.integers(2**63, size=2)
        slot = self._take_slot()
        self._validators[uid] = _Validator(
            uid=uid, strategy=strategy, slot=slot, settings=settings,
            sample_rng=np.random.default_rng(int(s1)), noise_rng=np.random.default_rng(int(s2)),
        )
        self._groups = self._validators_digest = None

    def check_validator_settings(self, **settings: Any) -> None:
        """ValueError (listing allowed values) if any of ``settings`` is not a valid scorer setting."""
        for k, val in settings.items():
            _check_setting(k, val)

    def configure_validator(self, uid: int, **settings: Any) -> None:
        """Change a validator's settings (the player's scorer): any of ``VALIDATOR_SETTINGS``."""
        v = self._validator(uid)
        checked = {k: _check_setting(k, val) for k, val in settings.items()}
        if "sample_size" in checked and checked["sample_size"] != v.settings["sample_size"]:
            v.buf, v.pos = None, 0
        v.settings.update(checked)
        self._groups = self._validators_digest = None

    def _validator(self, uid: int) -> _Validator:
        v = self._validators.get(uid)
        if v is None:
            raise KeyError(f"uid {uid} is not a validator")
        return v

    def _take_slot(self) -> int:
        if self._free_slots:
            return self._free_slots.pop(0)
        slot = self._ema.shape[1]
        self._ema = np.concatenate([self._ema, np.zeros((len(self._ema), max(slot, 8)))], axis=1)
        self._free_slots.extend(range(slot + 1, self._ema.shape[1]))
        return slot

    def is_validator(self, uid: int) -> bool:
        return uid in self._validators

    def validator_info(self, uid: int) -> dict:
        """strategy, settings and number of blocks scored."""
        v = self._validator(uid)
        return {"uid": uid, "strategy": v.strategy, **v.settings, "updates": v.updates}

    def scores(self, uid: int, n: int | None = None) -> np.ndarray:
        """Validator ``uid``'s EMA score per uid (length ``n``, default ``self.n``)."""
        v = self._validator(uid)
        n = self._n if n is None else n
        out = np.zeros(n)
        m = min(n, self._n)
        out[:m] = self._ema[:m, v.slot]
        return out

    def weights(self, uid: int, n: int, consensus: np.ndarray | None) -> np.ndarray | None:
        """Validator ``uid``'s desired weights over ``n`` uids, normalised to sum 1 (>= 0), or
        None if it sets no weights (offline; no scores yet; a copier without a consensus)."""
        v = self._validator(uid)
        s = v.strategy
        if s == "offline":
            return None
        if s == "copier":
            if consensus is None:
                return None
            c = np.nan_to_num(np.asarray(consensus, dtype=np.float64)[:n].clip(min=0.0))
            w = np.zeros(n)
            w[: len(c)] = c
            return _normalise(w)
        honest = self._honest_weights(v, n)
        if s == "honest":
            return honest
        if s == "noisy":
            if honest is None:
                return None
            noise = np.zeros(n)
            m = min(n, self._n)  # uids the market has seen; the rest keep weight 0
            noise[:m] = v.settings["noise"] * honest.max() * v.noise_rng.standard_normal(m)
            v.noise_draws += 1
            w = _normalise((honest + noise).clip(min=0.0))
            return honest if w is None else w
        # colluding
        fav = [u for u in v.settings["favoured"] if u < n]
        if not fav:
            return honest
        share = v.settings["share"]
        w = np.zeros(n) if honest is None else (1.0 - share) * honest
        w[fav] += share / len(fav)
        return _normalise(w)

    def _honest_weights(self, v: _Validator, n: int) -> np.ndarray | None:
        if v.updates == 0:
            return None
        w = self.scores(v.uid, n)
        if v.settings["power"] != 1.0:  # 0 ** 0 stays 0: power 0 = equal weight to all who scored
            w = np.where(w > 0.0, w ** v.settings["power"], 0.0)
        k = v.settings["top_k"]
        if k is not None and np.count_nonzero(w) > k:
            keep = np.argsort(-w, kind="stable")[:k]
            top = np.zeros(n)
            top[keep] = w[keep]
            w = top
        return _normalise(w)

    # ---- both --------------------------------------------------------------------------------

    def remove(self, uid: int) -> None:
        """The uid was deregistered: forget its miner and/or validator and reset every
        validator's score for it."""
        if uid in self._miners:
            self._forget_miner(uid)
        if uid in self._validators:
            self._forget_validator(uid)
        if _is_int(uid) and 0 <= uid < self._n:
            self._ema[uid] = 0.0

    def _forget_miner(self, uid: int) -> None:
        del self._miners[uid]
        self._set_row(uid, None, None)
        self._prune_fits()

    def _forget_validator(self, uid: int) -> None:
        v = self._validators.pop(uid)
        self._ema[:, v.slot] = 0.0
        self._free_slots.append(v.slot)
        self._free_slots.sort()
        self._groups = self._validators_digest = None

    def _advance(self, block: int) -> None:
        """Apply the drift if it is due at ``block``."""
        d = self.spec.drift_block
        if self.phase == 0 and d is not None and block >= d:
            self.phase = 1
            for m in self._miners.values():
                if m.strategy in MODEL_STRATEGIES:
                    self._refresh(m)  # stale model, new tasks
                elif m.strategy == "random":
                    self._random_answers(m)
            # copycats keep their (old) answers, now scored against the new truth
            y = self.data.phases[1].y_pool
            for m in self._miners.values():
                if m.strategy == "copycat":
                    a = self._answers[m.uid]
                    if not np.all(np.isnan(a)):
                        self._score[m.uid] = score_answers(self.kind, a, y)

    def step(self, block: int) -> None:
        """One block: drift if due; copycats shift; every scoring validator samples tasks and
        updates its EMA of every miner's score."""
        if not _is_int(block):
            raise ValueError(f"block must be an integer; got {block!r}")
        if self.block is not None and block <= self.block:
            raise ValueError(f"blocks must increase: got {block} after {self.block}")
        self._advance(block)
        self._shift_copycats()
        self._score_block()
        self.block = int(block)

    def _shift_copycats(self) -> None:
        cats = [m for m in self._miners.values() if m.strategy == "copycat"]
        if not cats:
            return
        for m in cats:
            if m.lag is None:
                self._set_row(m.uid, None, None)
            else:
                self._set_row(m.uid, *m.lag)
        for m in cats:
            t = m.copy_of
            if t in self._miners and self._miners[t].strategy != "idle":
                a = self._acc[t]
                m.lag = (self._answers[t].copy(), None if np.isnan(a) else float(a))
            else:
                m.lag = None

    def _score_block(self) -> None:
        if self._groups is None:
            groups: dict[int, list[_Validator]] = {}
            for uid in sorted(self._validators):
                v = self._validators[uid]
                if v.strategy in ("copier", "offline"):
                    continue  # they never look at answers
                groups.setdefault(v.settings["sample_size"], []).append(v)
            self._groups = [
                (k, vs, np.array([v.slot for v in vs], dtype=np.intp),
                 np.array([v.settings["ema_alpha"] for v in vs]))
                for k, vs in sorted(groups.items())
            ]
        n, P = self._n, self.spec.pool_size
        if n == 0:
            for _, vs, _, _ in self._groups:
                for v in vs:
                    v.next_sample(P)
                    v.updates += 1
            return
        score = self._score[:n]
        for k, vs, slots, alphas in self._groups:
            idx = np.concatenate([v.next_sample(P) for v in vs])
            s = score[:, idx].reshape(n, len(vs), k).mean(axis=2, dtype=np.float64)
            e = self._ema[:n, slots]
            self._ema[:n, slots] = e + alphas * (s - e)
            for v in vs:
                v.updates += 1

    def state_digest(self) -> bytes:
        """A 32-byte digest of every agent's state: answers, accuracies, EMAs, configurations and
        how far each validator's rngs have been drawn. Equal states give equal digests."""
        if self._rows_digest is None:
            rows = hashlib.blake2b(digest_size=32)
            rows.update(np.ascontiguousarray(self.answers).tobytes())
            rows.update(np.ascontiguousarray(self._acc[: self._n]).tobytes())
            # every change to a miner goes through _set_row, which clears this cache
            for uid in sorted(self._miners):
                m = self._miners[uid]
                rows.update(repr((uid, m.strategy, m.model, sorted(m.params.items()), m.budget,
                                  m.copy_of, m.owner, m.trained_block, m.trained_phase)).encode())
                if m.lag is not None:
                    rows.update(m.lag[0].tobytes())
                    rows.update(repr(m.lag[1]).encode())
            self._rows_digest = rows.digest()
        h = hashlib.blake2b(digest_size=32)
        h.update(self._rows_digest)
        h.update(repr((self.block, self.phase, self._n)).encode())
        if self._validators_digest is None:
            h2 = hashlib.blake2b(digest_size=32)
            for uid in sorted(self._validators):
                v = self._validators[uid]
                h2.update(repr((uid, v.strategy, v.slot, sorted(v.settings.items()))).encode())
            self._validators_digest = h2.digest()
        h.update(self._validators_digest)
        vs = [self._validators[u] for u in sorted(self._validators)]
        counters = [(v.refills, v.pos, v.noise_draws, v.updates) for v in vs]
        h.update(np.array(counters, dtype=np.int64).tobytes())
        h.update(np.ascontiguousarray(self._ema[: self._n]).tobytes())
        return h.digest()


def _normalise(w: np.ndarray) -> np.ndarray | None:
    total = float(w.sum())
    if not total > 0.0:
        return None
    return w / total
