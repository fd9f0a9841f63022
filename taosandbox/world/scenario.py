"""Scenario: the plain-data description of a world (accounts, neurons, task, hyperparameters, seed).

Levels embed one, ``taosandbox run --set`` overrides its fields by dotted path, and saved sessions
store it. ``Scenario.from_dict`` refuses bad data with one ``Problem`` per mistake, each naming the
field by its dotted path (``neurons[2].stake_tao``) so a level loader can point at the file's line.
"""

from __future__ import annotations

import copy
import functools
import math
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from taosandbox.chain.units import U16_MAX
from taosandbox.chain.governance import POLICIES, GovernanceConfig, proposal_problems
from taosandbox.chain.hyperparams import SANDBOX, Hyperparameters, validate
from taosandbox.spelling import did_you_mean
from taosandbox.world.model_choice import ModelChoice

ROLES = ("miner", "validator", "delegator")
NEURON_ROLES = ("miner", "validator")


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
class NeuronSpec(ModelChoice):
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
    take: int | None = None
    delegate: bool | None = None
    """Accepts nominators from the start (has called become_delegate); None = validators do, miners
    do not."""
    copy_of: int | None = None
    """Copycat miners: the uid whose answers they copy."""
    favoured: tuple[int, ...] = ()
    """Colluding validators: the uids they favour."""
    sample_size: int = 8
    noise: float = 0.1
    registered_block: int = 0
    """Block at which it registered (negative = long ago, so not immune at block 0)."""
    first_weights_block: int = 1
    """Validators: the first block at which it sets weights (stagger validators so they do not all
    update in the same block; the rate limit spaces the later updates)."""


@dataclass(frozen=True)
class NominatorSpec:
    coldkey: str = "nominator"
    balance_tao: float = 0.0
    stakes: dict = field(default_factory=dict)
    """hotkey -> TAO staked at the start."""


@dataclass(frozen=True)
class PlayerSpec(ModelChoice):
    role: str = "miner"
    coldkey: str = "player"
    balance_tao: float = 100.0
    register: bool = False
    """Start already registered (with one hotkey) instead of having to register."""
    stake_tao: float = 0.0
    """Validators: stake on the player's hotkey at the start (needs register: true)."""


@dataclass(frozen=True)
class TaskConfig:
    dataset: str = "digits"
    pool_size: int = 512
    drift_block: int | None = None
    noise: float = 0.0


@dataclass(frozen=True)
class ArrivalSpec(ModelChoice):
    """Newcomers: a new neuron tries to register every ``every`` blocks (for pruning pressure)."""

    every: int = 360
    start: int = 1
    stop: int | None = None
    role: str = "miner"
    strategy: str = "honest"
    models: tuple[str, ...] = ()
    """If set, newcomers take these models in turn (instead of ``model``)."""
    budgets: tuple[int, ...] = ()
    """If set, newcomers take these training budgets in turn (instead of ``budget``)."""
    balance_tao: float = 10.0
    """What each newcomer's coldkey holds to pay the burn (from outside the subnet)."""
    limit: int = 100
    """At most this many newcomers."""


@dataclass(frozen=True)
class UpgradeSpec(ModelChoice):
    """A scheduled miner upgrade: at ``block`` the miner at ``uid`` retrains with a new model."""

    block: int = 1
    uid: int = 0


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
    upgrades: tuple[UpgradeSpec, ...] = ()
    """Miners that retrain with a new model at a known block (a miner announced an upgrade)."""
    player: PlayerSpec = PlayerSpec()
    governance: GovernanceConfig = GovernanceConfig()
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
@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """Field name -> its real type (``int``, ``float | None``, ``tuple[str, ...]``, a nested dataclass)."""
    return typing.get_type_hints(cls)


def _check_type(value: Any, hint: Any, path: str, problems: list[Problem]) -> Any:
    """Coerce and check one leaf value against its field's type; a wrong value is reported, not raised."""
    args = typing.get_args(hint)
    if type(None) in args:  # ``X | None``: None is allowed, otherwise check against X
        if value is None:
            return None
        (hint,) = [a for a in args if a is not type(None)]
    elif value is None:
        problems.append(Problem(path, "must not be empty"))
        return None
    if typing.get_origin(hint) is tuple:
        return _check_items(value, typing.get_args(hint)[0], path, problems)
    if hint is bool:
        if not isinstance(value, bool):
            problems.append(Problem(path, f"expected true or false, got {value!r}"))
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            problems.append(Problem(path, f"expected a whole number, got {value!r}"))
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(Problem(path, f"expected a number, got {value!r}"))
            return value
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            problems.append(Problem(path, f"expected text, got {value!r}"))
        return value
    if hint is dict:
        if not isinstance(value, dict):
            problems.append(Problem(path, f"expected a mapping, got {value!r}"))
        return value
    raise TypeError(f"{path}: a scenario field of type {hint!r} has no check")


def _check_items(value: Any, item: type, path: str, problems: list[Problem]) -> tuple:
    """A ``tuple[item, ...]`` field, written as a list of names, mappings or whole numbers."""
    if item is str:
        ok, what = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value), "names"
    elif item is dict:
        ok, what = isinstance(value, (list, tuple)) and all(isinstance(v, dict) for v in value), "mappings"
    elif item is int:
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool)
                                                       for v in value)
        what = "whole numbers"
    else:
        raise TypeError(f"{path}: a scenario list of {item!r} has no check")
    if not ok:
        problems.append(Problem(path, f"expected a list of {what}, got {value!r}"))
        return ()
    return tuple(dict(v) for v in value) if item is dict else tuple(value)


def _build(cls: type, data: Any, prefix: str, problems: list[Problem]) -> Any:
    """``cls`` from plain data, each field read by its type: nested entries and lists of them recurse."""
    if not isinstance(data, dict):
        problems.append(Problem(prefix.rstrip("."), f"expected a mapping, got {data!r}"))
        return cls()
    types = _field_types(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key not in types:
            problems.append(Problem(path, f"unknown field{did_you_mean(str(key), list(types))}"))
            continue
        hint = types[key]
        items = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else None
        if hint is Hyperparameters:
            kwargs[key] = _build_hyperparameters(value, path, problems)
        elif is_dataclass(hint):
            kwargs[key] = _build(hint, value, f"{path}.", problems)
        elif is_dataclass(items):
            if not isinstance(value, list):
                problems.append(Problem(path, f"expected a list, got {value!r}"))
                continue
            kwargs[key] = tuple(_build(items, item, f"{path}[{i}].", problems) for i, item in enumerate(value))
        elif cls is Scenario and key == "extra":
            kwargs[key] = value if isinstance(value, dict) else {}
        else:
            kwargs[key] = _check_type(value, hint, path, problems)
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
        problems.append(Problem(f"{path}.{key}", f"unknown hyperparameter{did_you_mean(str(key), names)}"))
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

    # The market owns strategies and models. Imported here, not at the top: the title screen reads
    # scenarios before any world is built and must come up without loading the market.
    from taosandbox.market.market import MINER_STRATEGIES, VALIDATOR_STRATEGIES
    from taosandbox.market.models import MODEL_KINDS

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
        if isinstance(obj.take, int) and not 0 <= obj.take <= U16_MAX:
            bad("take", f"{obj.take} is outside [0, {U16_MAX}]")
        if isinstance(obj.first_weights_block, int) and obj.first_weights_block < 1:
            bad("first_weights_block", f"must be at least 1, got {obj.first_weights_block}")
    elif isinstance(obj, UpgradeSpec):
        if isinstance(obj.block, int) and obj.block < 1:
            bad("block", f"expected a block number >= 1, got {obj.block}")
        if isinstance(obj.uid, int) and obj.uid < 0:
            bad("uid", f"must not be negative, got {obj.uid}")
        if isinstance(obj.model, str) and obj.model not in MODEL_KINDS:
            bad("model", f"unknown model {obj.model!r}{did_you_mean(obj.model, list(MODEL_KINDS))} "
                         f"(expected one of {', '.join(MODEL_KINDS)})")
        if isinstance(obj.budget, int) and obj.budget < 1:
            bad("budget", f"must be at least 1, got {obj.budget}")
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
    elif isinstance(obj, GovernanceConfig):
        _check_governance(obj, bad)
    elif isinstance(obj, Scenario):
        if isinstance(obj.seed, int) and not 0 <= obj.seed < 2**63:
            bad("seed", f"{obj.seed} is outside [0, 2^63)")
        _check_upgrade_uids(obj, bad)


def _check_upgrade_uids(sc: Scenario, bad) -> None:
    """An upgrade must name a miner of the starting world (uids follow the order of ``neurons``)."""
    roles = [spec.role for spec in sc.neurons for _ in range(spec.count if isinstance(spec.count, int) else 0)]
    for i, up in enumerate(sc.upgrades):
        if not isinstance(up.uid, int) or up.uid < 0:
            continue
        if up.uid >= len(roles):
            bad(f"upgrades[{i}].uid", f"no neuron has uid {up.uid} at the start (uids 0-{len(roles) - 1})")
        elif roles[up.uid] != "miner":
            bad(f"upgrades[{i}].uid", f"uid {up.uid} is a {roles[up.uid]}, not a miner")


def _check_governance(obj: GovernanceConfig, bad) -> None:
    names = obj.triumvirate
    if isinstance(names, tuple) and not 1 <= len(names) <= 3:
        bad("triumvirate", f"the triumvirate has 1 to 3 members, got {len(names)}")
    elif isinstance(names, tuple) and len(set(names)) != len(names):
        bad("triumvirate", "members must be different coldkeys")
    for name, low, high in (("senate_size", 1, 64), ("voting_period", 1, 1_000_000),
                            ("enactment_delay", 1, 1_000_000), ("max_open_proposals", 1, 100)):
        v = getattr(obj, name)
        if isinstance(v, int) and not isinstance(v, bool) and not low <= v <= high:
            bad(name, f"{v} is outside [{low}, {high}]")
    if isinstance(obj.senate_required_share, float) and not 0.0 <= obj.senate_required_share <= 1.0:
        bad("senate_required_share", f"{obj.senate_required_share} is outside [0, 1]")
    if isinstance(obj.triumvirate_balance_tao, float) and obj.triumvirate_balance_tao < 0:
        bad("triumvirate_balance_tao", f"must not be negative, got {obj.triumvirate_balance_tao}")
    if obj.default_policy not in POLICIES:
        bad("default_policy", f"{obj.default_policy!r} is not one of {', '.join(POLICIES)}")
    if isinstance(obj.policies, dict):
        for hotkey, policy in obj.policies.items():
            if policy not in POLICIES:
                bad(f"policies.{hotkey}", f"{policy!r} is not one of {', '.join(POLICIES)}")
    for i, item in enumerate(obj.schedule if isinstance(obj.schedule, tuple) else ()):
        unknown = set(item) - {"block", "changes", "title"}
        if unknown:
            bad(f"schedule[{i}].{sorted(unknown)[0]}", "unknown field (fields: block, changes, title)")
        block = item.get("block")
        if isinstance(block, bool) or not isinstance(block, int) or block < 1:
            bad(f"schedule[{i}].block", f"expected a block number >= 1, got {block!r}")
        changes = item.get("changes")
        if not isinstance(changes, dict) or not changes:
            bad(f"schedule[{i}].changes", f"expected a mapping of hyperparameter: value, got {changes!r}")
            continue
        for problem in proposal_problems(changes, SANDBOX):
            name, _, message = problem.partition(": ")
            bad(f"schedule[{i}].changes.{name}", message)


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
            if not part.isdigit():  # neurons[val-copier]: the item with that hotkey
                named = [j for j, item in enumerate(node) if isinstance(item, dict) and item.get("hotkey") == part]
                if not named:
                    hotkeys = [item["hotkey"] for item in node if isinstance(item, dict) and item.get("hotkey")]
                    named_list = ", ".join(hotkeys) if len(hotkeys) <= 8 else f"{len(hotkeys)} named"
                    raise KeyError(f"no item {part!r}{did_you_mean(part, hotkeys)} (expected an index below "
                                   f"{len(node)} or a hotkey: {named_list or 'none named'})")
                part = str(named[0])
            if int(part) >= len(node):
                raise KeyError(f"no item {part} (the list has {len(node)})")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node and not (node is data.get("extra")):
                raise KeyError(f"unknown key {part!r}{did_you_mean(part, list(node))}")
            if last:
                node[part] = value
            else:
                node = node[part]
        else:
            raise KeyError(f"{'.'.join(parts[:i])} is not a section")


SANDBOX_VALIDATOR_STAKES_TAO = (1_800_000.0, 1_350_000.0, 900_000.0, 720_000.0, 450_000.0, 270_000.0)
"""The honest validators' stakes (the copier holds 360k, the noisy one 180k: 6.03M τ in all).

Why so much: returns per staked TAO must be of the real network's order. The one subnet gets the
whole 1 τ/block (7,200 τ/day); after the owner's 18% half of the rest, 41% = 2,952 τ/day, goes to
validators and their nominators (BITTENSOR_FACTS A2). Over 6.03M τ that is 17.9%/yr for a validator's
own stake and 14.7%/yr for a nominator after the 18% take, the order taostats' calculator quoted for
2024 (19.6%/yr for validators, stakers 18% lower: docs.taostats.io/docs/calculator). With the earlier
6,700 τ each staked TAO earned 0.36 τ a day, over 13,000%/yr."""


def _sandbox_neurons() -> list[dict[str, Any]]:
    validators = [
        {"role": "validator", "strategy": "honest", "stake_tao": stake, "registered_block": -10_000,
         "hotkey": f"val-{i}"}
        for i, stake in enumerate(SANDBOX_VALIDATOR_STAKES_TAO)
    ] + [
        {"role": "validator", "strategy": "copier", "stake_tao": 360_000.0, "registered_block": -10_000,
         "hotkey": "val-copier"},
        {"role": "validator", "strategy": "noisy", "stake_tao": 180_000.0, "registered_block": -10_000,
         "hotkey": "val-noisy"},
    ]
    models = ("logistic", "knn", "tree", "forest")
    miners = [
        {"role": "miner", "strategy": "honest", "model": models[i % len(models)], "budget": 60 + 40 * (i % 6),
         "registered_block": -10_000, "hotkey": f"miner-{i}"}
        for i in range(24)
    ] + [
        {"role": "miner", "strategy": "idle", "count": 4, "registered_block": -10_000, "hotkey": "idle"},
        {"role": "miner", "strategy": "random", "count": 3, "registered_block": -10_000, "hotkey": "random"},
        {"role": "miner", "strategy": "copycat", "copy_of": len(validators), "registered_block": -10_000,
         "hotkey": "copycat"},
    ]
    return validators + miners


DEFAULT_SANDBOX: dict[str, Any] = {
    "name": "sandbox",
    "seed": 1,
    "hyperparameters": {"max_allowed_uids": 48},
    "neurons": _sandbox_neurons(),
    "arrivals": [{"every": 200, "start": 50, "balance_tao": 20.0, "limit": 200,
                  "models": ["logistic", "knn", "tree", "forest", "naive_bayes"],
                  "budgets": [50, 120, 250, 400, 700, 1000]}],
    "player": {"role": "miner", "balance_tao": 100.0},
}
"""The free sandbox: 8 validators, 32 miners of mixed skill in 48 slots, a newcomer every 200 blocks."""

PLAYER_BALANCE_TAO = {"miner": 100.0, "validator": 3000.0, "delegator": 1000.0}
"""What the player starts with in the sandbox. Every uid holds a permit (48 slots, 64 permits), but a
validator's bonds and dividends follow its share of the 6M τ staked: 3,000 τ staked earns about 1.5 τ
a day (17.9%/yr)."""


def sandbox_scenario(role: str = "miner", seed: int | None = None) -> dict[str, Any]:
    """The free sandbox as plain data, for a player of ``role``."""
    data = copy.deepcopy(DEFAULT_SANDBOX)
    data["player"] = {"role": role, "balance_tao": PLAYER_BALANCE_TAO.get(role, 100.0)}
    if seed is not None:
        data["seed"] = seed
    return data
