"""Scenario: the plain-data description of a world (accounts, neurons, task, hyperparameters, seed).

Levels embed one, ``taosandbox run --set`` overrides its fields by dotted path, and saved sessions
store it. ``Scenario.from_dict`` refuses bad data with one ``Problem`` per mistake, each naming the
field by its dotted path (``neurons[2].stake_tao``) so a level loader can point at the file's line.
"""

from __future__ import annotations

import copy
import difflib
import math
from dataclasses import dataclass, field, fields
from typing import Any

from taosandbox.chain.hyperparams import SANDBOX, Hyperparameters, validate

ROLES = ("miner", "validator", "delegator")
NEURON_ROLES = ("miner", "validator")
MINER_STRATEGIES = ("honest", "idle", "random", "copycat", "sybil")
VALIDATOR_STRATEGIES = ("honest", "copier", "colluding", "noisy", "offline")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with scenario data: where (dotted path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(ValueError):
    """Bad scenario data; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class NeuronSpec:
    role: str = "miner"
    strategy: str = "honest"
    count: int = 1
    """How many identical neurons this entry makes (hotkeys get a -1, -2... suffix)."""
    coldkey: str | None = None
    """Owner; None = a coldkey of its own per neuron. Sybils share one."""
    hotkey: str | None = None
    stake_tao: float = 0.0
    """Stake the owner puts on the hotkey at the start."""
    balance_tao: float = 0.0
    """Free balance the owner starts with."""
    model: str = "logistic"
    params: dict = field(default_factory=dict)
    budget: int = 200
    take: int | None = None
    copy_of: int | None = None
    """Copycat miners: the uid whose answers they copy."""
    favoured: tuple[int, ...] = ()
    """Colluding validators: the uids they favour."""
    sample_size: int = 8
    noise: float = 0.1
    registered_block: int = 0
    """Block at which it registered (negative = long ago, so not immune at block 0)."""


@dataclass(frozen=True)
class NominatorSpec:
    coldkey: str = "nominator"
    balance_tao: float = 0.0
    stakes: dict = field(default_factory=dict)
    """hotkey -> TAO staked at the start."""


@dataclass(frozen=True)
class PlayerSpec:
    role: str = "miner"
    coldkey: str = "player"
    balance_tao: float = 100.0
    register: bool = False
    """Start already registered (with one hotkey) instead of having to register."""
    stake_tao: float = 0.0
    """Validators: stake on the player's hotkey at the start (needs register: true)."""
    model: str = "logistic"
    params: dict = field(default_factory=dict)
    budget: int = 200


@dataclass(frozen=True)
class TaskConfig:
    dataset: str = "digits"
    pool_size: int = 512
    drift_block: int | None = None
    noise: float = 0.0


@dataclass(frozen=True)
class ArrivalSpec:
    """Newcomers: a new neuron tries to register every ``every`` blocks (for pruning pressure)."""

    every: int = 360
    start: int = 1
    stop: int | None = None
    role: str = "miner"
    strategy: str = "honest"
    model: str = "logistic"
    params: dict = field(default_factory=dict)
    budget: int = 200
    balance_tao: float = 10.0
    """What each newcomer's coldkey holds to pay the burn (from outside the subnet)."""
    limit: int = 100
    """At most this many newcomers."""


@dataclass(frozen=True)
class ChainConfig:
    total_issuance_tao: float = 0.0
    """Issuance already minted before block 0 (start near a halving to watch one)."""
    owner_coldkey: str = "subnet-owner"
    fee_rao: int = 0
    """Transaction fee per extrinsic; 0 = free."""


@dataclass(frozen=True)
class Scenario:
    """Everything needed to build a world, as plain values."""

    seed: int = 1
    name: str = "sandbox"
    hyperparameters: Hyperparameters = SANDBOX
    chain: ChainConfig = ChainConfig()
    task: TaskConfig = TaskConfig()
    neurons: tuple[NeuronSpec, ...] = ()
    nominators: tuple[NominatorSpec, ...] = ()
    arrivals: tuple[ArrivalSpec, ...] = ()
    player: PlayerSpec = PlayerSpec()
    extra: dict = field(default_factory=dict)
    """Sections other modules own (governance...), validated by them."""

    # ---- plain data in and out ----
    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Scenario":
        problems: list[Problem] = []
        scenario = _build(cls, data or {}, "", problems)
        if problems:
            raise ScenarioError(problems)
        return scenario

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    def with_overrides(self, overrides: dict[str, Any]) -> "Scenario":
        """A copy with ``{"dotted.path": value}`` set (``--set``); ScenarioError on a bad key/value."""
        data = self.to_dict()
        problems: list[Problem] = []
        for path, value in overrides.items():
            try:
                _set_path(data, path, value)
            except KeyError as exc:
                problems.append(Problem(path, str(exc.args[0])))
        if problems:
            raise ScenarioError(problems)
        return Scenario.from_dict(data)


# ---------------------------------------------------------------- building with problems
_NESTED = {"task": TaskConfig, "player": PlayerSpec, "chain": ChainConfig}
_LISTS = {"neurons": NeuronSpec, "nominators": NominatorSpec, "arrivals": ArrivalSpec}


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_type(value: Any, annotation: str, path: str, problems: list[Problem]) -> Any:
    """Coerce and check one leaf value against its annotation (as a string)."""
    optional = "None" in annotation
    if value is None:
        if optional:
            return None
        problems.append(Problem(path, "must not be empty"))
        return None
    base = annotation.replace(" | None", "")
    if base == "bool":
        if not isinstance(value, bool):
            problems.append(Problem(path, f"expected true or false, got {value!r}"))
        return value
    if base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            problems.append(Problem(path, f"expected a whole number, got {value!r}"))
        return value
    if base == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(Problem(path, f"expected a number, got {value!r}"))
            return value
        return float(value)
    if base == "str":
        if not isinstance(value, str):
            problems.append(Problem(path, f"expected text, got {value!r}"))
        return value
    if base == "dict":
        if not isinstance(value, dict):
            problems.append(Problem(path, f"expected a mapping, got {value!r}"))
        return value
    if base.startswith("tuple"):
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            problems.append(Problem(path, f"expected a list of whole numbers, got {value!r}"))
            return ()
        return tuple(value)
    return value


def _build(cls: type, data: Any, prefix: str, problems: list[Problem]) -> Any:
    if not isinstance(data, dict):
        problems.append(Problem(prefix.rstrip("."), f"expected a mapping, got {data!r}"))
        return cls()
    names = [f.name for f in fields(cls)]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key not in names:
            problems.append(Problem(path, f"unknown field{_suggest(str(key), names)}"))
            continue
        if cls is Scenario and key == "hyperparameters":
            kwargs[key] = _build_hyperparameters(value, path, problems)
        elif cls is Scenario and key in _NESTED:
            kwargs[key] = _build(_NESTED[key], value, f"{path}.", problems)
        elif cls is Scenario and key in _LISTS:
            if not isinstance(value, list):
                problems.append(Problem(path, f"expected a list, got {value!r}"))
                continue
            kwargs[key] = tuple(
                _build(_LISTS[key], item, f"{path}[{i}].", problems) for i, item in enumerate(value)
            )
        elif cls is Scenario and key == "extra":
            kwargs[key] = value if isinstance(value, dict) else {}
        else:
            annotation = next(f.type for f in fields(cls) if f.name == key)
            kwargs[key] = _check_type(value, str(annotation), path, problems)
    start = len(problems)
    try:
        obj = cls(**kwargs)
    except TypeError as exc:  # a wrong type slipped into a field; already reported
        if len(problems) == start:
            problems.append(Problem(prefix.rstrip("."), str(exc)))
        return cls()
    _check_values(obj, prefix, problems)
    return obj


def _build_hyperparameters(value: Any, path: str, problems: list[Problem]) -> Hyperparameters:
    if not isinstance(value, dict):
        problems.append(Problem(path, f"expected a mapping, got {value!r}"))
        return SANDBOX
    names = [f.name for f in fields(Hyperparameters)]
    unknown = [key for key in value if key not in names]
    for key in unknown:
        problems.append(Problem(f"{path}.{key}", f"unknown hyperparameter{_suggest(str(key), names)}"))
    merged = {f.name: getattr(SANDBOX, f.name) for f in fields(Hyperparameters)}
    merged.update({k: v for k, v in value.items() if k in names})
    # Validate without raising, so each problem gets its own line and path.
    probe = object.__new__(Hyperparameters)
    for k, v in merged.items():
        object.__setattr__(probe, k, v)
    found = validate(probe)
    for line in found:
        name, _, message = line.partition(": ")
        problems.append(Problem(f"{path}.{name}", message))
    return SANDBOX if found or unknown else Hyperparameters(**merged)


def _check_values(obj: Any, prefix: str, problems: list[Problem]) -> None:
    """Range and choice checks that need the whole object."""

    def bad(name: str, message: str) -> None:
        problems.append(Problem(f"{prefix}{name}", message))

    if isinstance(obj, NeuronSpec):
        if obj.role not in NEURON_ROLES:
            bad("role", f"{obj.role!r} is not one of {', '.join(NEURON_ROLES)}")
        strategies = MINER_STRATEGIES if obj.role == "miner" else VALIDATOR_STRATEGIES
        if obj.role in NEURON_ROLES and obj.strategy not in strategies:
            bad("strategy", f"{obj.strategy!r} is not a {obj.role} strategy; choose one of "
                            f"{', '.join(strategies)}")
        if isinstance(obj.count, int) and not 1 <= obj.count <= 4096:
            bad("count", f"{obj.count} is outside [1, 4096]")
        for name in ("stake_tao", "balance_tao"):
            v = getattr(obj, name)
            if isinstance(v, float) and v < 0:
                bad(name, f"must not be negative, got {v}")
        if isinstance(obj.budget, int) and obj.budget < 1:
            bad("budget", f"must be at least 1, got {obj.budget}")
        if obj.strategy == "copycat" and obj.copy_of is None:
            bad("copy_of", "a copycat needs the uid it copies")
        if isinstance(obj.take, int) and not 0 <= obj.take <= 65535:
            bad("take", f"{obj.take} is outside [0, 65535]")
    elif isinstance(obj, ArrivalSpec):
        if obj.role not in NEURON_ROLES:
            bad("role", f"{obj.role!r} is not one of {', '.join(NEURON_ROLES)}")
        if isinstance(obj.every, int) and obj.every < 1:
            bad("every", f"must be at least 1, got {obj.every}")
        if isinstance(obj.limit, int) and not 0 <= obj.limit <= 10_000:
            bad("limit", f"{obj.limit} is outside [0, 10000]")
        if isinstance(obj.balance_tao, float) and obj.balance_tao < 0:
            bad("balance_tao", f"must not be negative, got {obj.balance_tao}")
    elif isinstance(obj, PlayerSpec):
        if obj.role not in ROLES:
            bad("role", f"{obj.role!r} is not one of {', '.join(ROLES)}")
        for name in ("balance_tao", "stake_tao"):
            v = getattr(obj, name)
            if isinstance(v, float) and v < 0:
                bad(name, f"must not be negative, got {v}")
    elif isinstance(obj, NominatorSpec):
        if isinstance(obj.balance_tao, float) and obj.balance_tao < 0:
            bad("balance_tao", f"must not be negative, got {obj.balance_tao}")
        if isinstance(obj.stakes, dict):
            for hotkey, amount in obj.stakes.items():
                if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
                    bad(f"stakes.{hotkey}", f"expected a TAO amount >= 0, got {amount!r}")
    elif isinstance(obj, TaskConfig):
        if isinstance(obj.pool_size, int) and not 16 <= obj.pool_size <= 100_000:
            bad("pool_size", f"{obj.pool_size} is outside [16, 100000]")
        if isinstance(obj.noise, float) and not 0.0 <= obj.noise <= 1.0:
            bad("noise", f"{obj.noise} is outside [0, 1]")
    elif isinstance(obj, ChainConfig):
        if isinstance(obj.total_issuance_tao, float) and not 0 <= obj.total_issuance_tao <= 21_000_000:
            bad("total_issuance_tao", f"{obj.total_issuance_tao} is outside [0, 21000000]")
        if isinstance(obj.fee_rao, int) and obj.fee_rao < 0:
            bad("fee_rao", f"must not be negative, got {obj.fee_rao}")
    elif isinstance(obj, Scenario):
        if isinstance(obj.seed, int) and not 0 <= obj.seed < 2**63:
            bad("seed", f"{obj.seed} is outside [0, 2^63)")


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return copy.copy(value)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b[2].c`` in nested plain data; KeyError with a helpful message if it doesn't exist."""
    node: Any = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"no item {part} (the list has {len(node)})")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node and not (node is data.get("extra")):
                raise KeyError(f"unknown key {part!r}{_suggest(part, list(node))}")
            if last:
                node[part] = value
            else:
                node = node[part]
        else:
            raise KeyError(f"{'.'.join(parts[:i])} is not a section")


DEFAULT_SANDBOX: dict[str, Any] = {
    "name": "free sandbox",
    "seed": 1,
    "task": {"dataset": "digits", "pool_size": 512},
    "neurons": [
        {"role": "validator", "strategy": "honest", "count": 6, "stake_tao": 2000, "registered_block": -20000},
        {"role": "validator", "strategy": "noisy", "count": 1, "stake_tao": 800, "registered_block": -20000},
        {"role": "validator", "strategy": "copier", "count": 1, "stake_tao": 600, "registered_block": -20000},
        {"role": "miner", "model": "forest", "budget": 600, "count": 8, "registered_block": -20000},
        {"role": "miner", "model": "logistic", "budget": 400, "count": 12, "registered_block": -20000},
        {"role": "miner", "model": "knn", "budget": 300, "count": 10, "registered_block": -20000},
        {"role": "miner", "model": "naive_bayes", "budget": 300, "count": 8, "registered_block": -20000},
        {"role": "miner", "model": "tree", "budget": 150, "count": 10, "registered_block": -20000},
        {"role": "miner", "strategy": "random", "count": 4, "registered_block": -20000},
        {"role": "miner", "strategy": "idle", "count": 2, "registered_block": -20000},
    ],
    "nominators": [],
    "player": {"role": "miner", "balance_tao": 100},
}
"""The free sandbox: 8 validators, 56 miners of every kind, a player with 100 TAO."""
