"""The world: one subnet, its accounts and its agents, stepped block by block.

Actions in, snapshots and events out. All randomness comes from the scenario's seed, so the same seed
and the same actions give the same history, bit for bit. scikit-learn is imported only when the
market is built (``World(...)``), never by ``import taosandbox.world``.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from taosandbox.chain import emission, fees
from taosandbox.chain.errors import ChainError
from taosandbox.chain.events import Event
from taosandbox.chain.governance import Governance
from taosandbox.chain.hyperparams import sandbox_differences
from taosandbox.chain.returns import nominator_return_per_day
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import BLOCK_SECONDS, format_tao, tao_to_rao, u16_to_float
from taosandbox.chain.yuma import topk_permits
from taosandbox.world.actions import (Action, ActAs, AddStake, AddStudent, Answer, BecomeDelegate, Deregister,
                                      Propose, Register, RemoveStake, Retrain, SetModel, SetScoring, SetTake,
                                      SetWeights, Vote, action_from_dict, field_problem)
from taosandbox.world.prune_watch import PruneWatch
from taosandbox.world.scenario import NeuronSpec, Problem, Scenario, ScenarioError
from taosandbox.world.snapshot import DelegateRow, NeuronRow, PlayerView, Snapshot, StakeRow

OUTSIDE = "(outside the subnet)"
"""The coldkey that holds the issuance not held by anyone in the scenario."""


@dataclass(frozen=True)
class Outcome:
    """What ``World.apply`` did: ok, or refused with the reason."""

    ok: bool
    reason: str | None = None


@dataclass
class Agent:
    """Who runs a UID and how (the chain itself knows only hotkeys)."""

    uid: int
    hotkey: str
    coldkey: str
    role: str
    strategy: str
    is_player: bool = False
    auto_weights: bool = True
    """Validators: set weights from their own scores when the rate limit allows."""
    first_weights_block: int = 1
    """Validators: no automatic weights before this block (staggers the validators)."""


def derive_seed(seed: int, *parts: int) -> int:
    """A child seed for one purpose, stable across runs and platforms."""
    return int(np.random.SeedSequence([seed, *parts]).generate_state(1, dtype=np.uint64)[0])


class World:
    """One subnet plus its accounts, built from a scenario and driven by ``step`` and ``apply``."""

    def __init__(self, scenario: Scenario | dict | None = None, *, seed: int | None = None):
        if not isinstance(scenario, Scenario):
            scenario = Scenario.from_dict(scenario)
        if seed is not None:
            scenario = replace(scenario, seed=seed)
        self.scenario = scenario
        self.seed = scenario.seed
        self.events: list[Event] = []
        self.action_log: list[tuple[int, dict[str, Any]]] = []
        self.extra: dict[str, Any] = {}
        self.agents: dict[int, Agent] = {}
        self._observers: list[Callable[[World, list[Event]], None]] = []
        self._action_checks: list[Callable[[Action, World], str | None]] = []
        self._arrived = 0
        self._retrain_at: dict[int, int] = {}
        """uid -> block at which a non-player miner retrains after a drift."""
        self._player_hotkeys = 0
        self.students: dict[str, dict[str, Any]] = {}
        """coldkey -> {"role", "start_rao", "hotkeys"}: the extra players of a shared (class) world."""
        self._acting: str | None = None
        """The student coldkey an ``ActAs`` action plays for; None = the scenario's player."""
        self._prune_watch = PruneWatch()
        """Warns the player before their own neuron is pruned (world/prune_watch.py)."""
        self.subnet = Subnet(scenario.hyperparameters, owner_coldkey=scenario.chain.owner_coldkey,
                             total_issuance=0, block=0)
        from taosandbox.market import Market, TaskSpec  # imports scikit-learn lazily

        task = scenario.task
        self.market = Market(TaskSpec(dataset=task.dataset, pool_size=task.pool_size,
                                      drift_block=task.drift_block, noise=task.noise),
                             seed=derive_seed(self.seed, 1))
        self._genesis()
        self._upgrades = self._check_upgrades()
        self.governance = Governance(self.subnet, scenario.governance, player_coldkey=scenario.player.coldkey,
                                     fee_rao=scenario.chain.fee_rao)
        self._flush()

    # ------------------------------------------------------------------ genesis
    def _genesis(self) -> None:
        sc, sub, ledger = self.scenario, self.subnet, self.subnet.ledger
        player = sc.player
        ledger.create_coldkey(player.coldkey, tao_to_rao(player.balance_tao))
        counter = {"miner": 0, "validator": 0}
        for spec in sc.neurons:
            for k in range(spec.count):
                index = counter[spec.role]
                counter[spec.role] += 1
                hotkey = spec.hotkey if spec.hotkey and spec.count == 1 else (
                    f"{spec.hotkey}-{k + 1}" if spec.hotkey else f"{spec.role[:3]}-{index}")
                coldkey = spec.coldkey or f"{hotkey}-owner"
                self._genesis_neuron(spec, hotkey, coldkey)
        for i, nom in enumerate(sc.nominators):
            ledger.create_coldkey(nom.coldkey, tao_to_rao(nom.balance_tao))
            for hotkey, amount in nom.stakes.items():
                if hotkey not in ledger.delegates and ledger.owner.get(hotkey) != nom.coldkey:
                    raise ScenarioError([Problem(f"nominators[{i}].stakes.{hotkey}",
                                                 "not a delegate of the scenario (validators are, unless "
                                                 "delegate: false)")])
                if tao_to_rao(amount):
                    ledger.mint_stake(nom.coldkey, hotkey, tao_to_rao(amount))
        if player.register:
            hotkey = self._next_player_hotkey()
            uid = sub.genesis_neuron(player.coldkey, hotkey, 0)
            if player.stake_tao:
                ledger.mint_stake(player.coldkey, hotkey, tao_to_rao(player.stake_tao))
            role = "validator" if player.role == "validator" else "miner"
            self._add_agent(uid, hotkey, player.coldkey, role, "player", is_player=True,
                            model=player.model, params=player.params, budget=player.budget)
        # Arrivals need coins to pay the burn: they come from outside the subnet.
        reserve = sum(tao_to_rao(a.balance_tao) * a.limit for a in sc.arrivals)
        outside = max(tao_to_rao(sc.chain.total_issuance_tao) - ledger.total_issuance, reserve)
        ledger.create_coldkey(OUTSIDE, outside)
        # The subnet has been running: its last root epoch set the block emission from this issuance.
        sub.emission_rate = emission.block_emission(ledger.total_issuance)
        # The subnet has been running: permits as the last epoch would have left them (§4.3).
        n = sub.n
        if n:
            sub.metagraph.validator_permit[:n] = topk_permits(
                sub.stake_vector(), sc.hyperparameters.max_allowed_validators,
                nonzero_only=sc.hyperparameters.mechanism == "yuma3_2026")
        self.events.append(Event(0, "action", f"World {sc.name!r} created with seed {self.seed}",
                                 {"seed": self.seed}))

    def _check_upgrades(self) -> list[tuple[int, int, str, Any]]:
        """(block, uid, hotkey at the start, upgrade) per scheduled upgrade; models checked for the task."""
        from taosandbox.market.models import check_model

        problems, found = [], []
        for i, up in enumerate(self.scenario.upgrades):
            try:
                check_model(up.model, up.params, up.budget, self.market.kind)
            except ValueError as exc:
                problems.append(Problem(f"upgrades[{i}]", str(exc)))
            found.append((up.block, up.uid, self.subnet.metagraph.hotkeys[up.uid], up))
        if problems:
            raise ScenarioError(problems)
        return found

    def _genesis_neuron(self, spec: NeuronSpec, hotkey: str, coldkey: str) -> None:
        sub, ledger = self.subnet, self.subnet.ledger
        if coldkey not in ledger.free:
            ledger.create_coldkey(coldkey, 0)
        if tao_to_rao(spec.balance_tao):
            ledger.mint(coldkey, tao_to_rao(spec.balance_tao))
        delegate = spec.role == "validator" if spec.delegate is None else spec.delegate
        uid = sub.genesis_neuron(coldkey, hotkey, spec.registered_block, spec.take, delegate=delegate)
        if tao_to_rao(spec.stake_tao):
            ledger.mint_stake(coldkey, hotkey, tao_to_rao(spec.stake_tao))
        self._add_agent(uid, hotkey, coldkey, spec.role, spec.strategy, model=spec.model,
                        params=spec.params, budget=spec.budget, copy_of=spec.copy_of,
                        favoured=spec.favoured, sample_size=spec.sample_size, noise=spec.noise)
        self.agents[uid].first_weights_block = spec.first_weights_block

    def _add_agent(self, uid: int, hotkey: str, coldkey: str, role: str, strategy: str, *,
                   is_player: bool = False, model: str = "logistic", params: dict | None = None,
                   budget: int = 200, copy_of: int | None = None, favoured: tuple[int, ...] = (),
                   sample_size: int = 8, noise: float = 0.1) -> None:
        seed = derive_seed(self.seed, 2, uid, self.subnet.block, len(self.agents))
        if role == "miner":
            market_strategy = "honest" if strategy in ("player", "sybil") else strategy
            self.market.add_miner(uid, strategy=market_strategy, model=model, params=params or {},
                                  budget=budget, copy_of=copy_of, seed=seed)
        else:
            market_strategy = "honest" if strategy == "player" else strategy
            self.market.add_validator(uid, strategy=market_strategy, sample_size=sample_size,
                                      favoured=tuple(favoured), noise=noise, seed=seed)
        self.agents[uid] = Agent(uid, hotkey, coldkey, role, strategy, is_player=is_player)

    @property
    def player_coldkey(self) -> str:
        """The coldkey actions and views are for: the acting student's, else the scenario's player."""
        return self._acting or self.scenario.player.coldkey

    @contextlib.contextmanager
    def acting_as(self, coldkey: str | None) -> Iterator[None]:
        """Apply actions and take snapshots as ``coldkey`` (a student added by ``AddStudent``)."""
        if coldkey is not None and coldkey not in self.students:
            raise ValueError(f"{coldkey!r} is not a student of this world")
        before, self._acting = self._acting, coldkey
        try:
            yield
        finally:
            self._acting = before

    def _mine(self, agent: Agent | None) -> bool:
        """True when ``agent`` is a player's and belongs to the coldkey acting now."""
        return bool(agent and agent.is_player and agent.coldkey == self.player_coldkey)

    def _next_player_hotkey(self) -> str:
        self._player_hotkeys += 1
        return f"{self.scenario.player.coldkey}-hk{self._player_hotkeys}"

    # ------------------------------------------------------------------ hooks
    def add_observer(self, fn: Callable[["World", list[Event]], None]) -> None:
        """``fn(world, events_of_the_block)`` runs after every block."""
        self._observers.append(fn)

    def add_action_check(self, fn: Callable[[Action, "World"], str | None]) -> None:
        """``fn(action, world)`` returns a reason to refuse a player action, or None (levels)."""
        self._action_checks.append(fn)

    # ------------------------------------------------------------------ time
    @property
    def block(self) -> int:
        return self.subnet.block

    @property
    def last_epoch(self):
        return self.subnet.last_epoch

    def step(self) -> list[Event]:
        """Produce one block: the chain's block step, then the agents' extrinsics of that block."""
        start = len(self.events)
        sub = self.subnet
        self.governance.begin_block(sub.block + 1)  # enactments, before the block's epoch
        sub.step()
        block = sub.block
        if self.scenario.task.drift_block == block:
            self.events.append(Event(block, "drift", "The task distribution shifted: models trained "
                                     "before now score worse until they retrain"))
            self._schedule_npc_retraining(block)
        self.market.step(block)
        if self._retrain_at:
            for uid in [u for u, at in self._retrain_at.items() if at == block]:
                del self._retrain_at[uid]
                self.market.retrain(uid, block)
        self._upgrade_miners(block)
        self._arrivals(block)
        self._validators_set_weights(block)
        self.governance.end_block(block)
        self._flush()
        mine = {uid: a.hotkey for uid, a in self.agents.items() if a.is_player}
        self.events.extend(self._prune_watch.events(sub, mine))
        new = self.events[start:]
        for fn in self._observers:
            fn(self, new)
        return new

    def _schedule_npc_retraining(self, block: int) -> None:
        """After a drift, other honest miners notice and retrain, each after its own delay."""
        rng = np.random.default_rng(derive_seed(self.seed, 3, block))
        for uid, agent in sorted(self.agents.items()):
            if agent.role == "miner" and not agent.is_player and agent.strategy in ("honest", "sybil"):
                self._retrain_at[uid] = block + int(rng.integers(10, 200))

    def _upgrade_miners(self, block: int) -> None:
        """Scheduled upgrades due now; skipped if the miner lost its UID to someone else since."""
        for at, uid, hotkey, up in self._upgrades:
            agent = self.agents.get(uid)
            if at != block or agent is None or agent.hotkey != hotkey:
                continue
            self.market.set_model(uid, up.model, dict(up.params), up.budget)
            acc = self.market.accuracy(uid)
            self.events.append(Event(block, "model_trained",
                                     f"uid {uid} upgraded to {up.model} on {up.budget} samples: "
                                     f"accuracy {acc:.1%}" if acc is not None else f"uid {uid} upgraded",
                                     {"uid": uid, "model": up.model, "accuracy": acc, "upgrade": True}))

    def advance(self, blocks: int) -> None:
        for _ in range(blocks):
            self.step()

    def _flush(self) -> None:
        """Move the chain's events into the world's log, marking the player's."""
        sub = self.subnet
        if not sub.events:
            return
        player = self.scenario.player.coldkey
        mine = {a.hotkey for a in self.agents.values() if a.is_player}
        for event in sub.events:
            d = event.data
            # ledger.owner: a pruned hotkey is no longer an agent, but it was the player's all the same
            is_player = (d.get("coldkey") == player or d.get("hotkey") in mine
                         or sub.ledger.owner.get(d.get("hotkey", "")) == player
                         or d.get("by") in mine or player in d.get("payouts", ()))
            self.events.append(replace(event, player=is_player) if is_player else event)
        sub.events.clear()

    def _validators_set_weights(self, block: int) -> None:
        sub = self.subnet
        mg, hp = sub.metagraph, sub.hp
        consensus = sub.last_epoch.consensus if sub.last_epoch is not None else None
        uids = np.fromiter((u for u, a in self.agents.items() if a.role == "validator" and a.auto_weights
                            and block >= a.first_weights_block), dtype=np.int64)
        last = mg.last_update[uids]
        if hp.commit_reveal_period:
            last = np.maximum(last, sub.last_commit[uids])
        # §7: only when the rate limit allows, and only with a permit (no point trying otherwise).
        due = ((last == 0) | (block - last >= hp.weights_rate_limit)) & mg.validator_permit[uids]
        for uid in uids[due].tolist():
            agent = self.agents[uid]
            weights = self.market.weights(uid, sub.n, consensus)
            if weights is None:
                continue
            nonzero = np.flatnonzero(weights > 0)
            nonzero = nonzero[nonzero != uid]
            if nonzero.size == 0:
                continue
            fee = fees.fee_for("set_weights", self.scenario.chain.fee_rao)
            if fees.cannot_pay(sub.ledger, agent.coldkey, fee):
                continue  # no free balance for the fee: it skips its turn
            try:
                sub.set_weights(agent.hotkey, nonzero.tolist(), weights[nonzero].tolist())
            except ChainError:
                continue  # e.g. below min_allowed_weights: this agent simply skips its turn
            if fee:
                sub.ledger.pay_fee(agent.coldkey, fee)

    def _arrivals(self, block: int) -> None:
        ledger = self.subnet.ledger
        for spec in self.scenario.arrivals:
            if block < spec.start or (spec.stop is not None and block > spec.stop):
                continue
            if (block - spec.start) % spec.every or self._arrived >= spec.limit:
                continue
            self._arrived += 1
            hotkey = f"new-{self._arrived}"
            coldkey = f"{hotkey}-owner"
            amount = min(tao_to_rao(spec.balance_tao), ledger.balance(OUTSIDE))
            ledger.create_coldkey(coldkey, 0)
            if amount:
                ledger.transfer(OUTSIDE, coldkey, amount)
            fee = fees.fee_for("register", self.scenario.chain.fee_rao)
            if fees.cannot_pay(ledger, coldkey, fee, self.subnet.burn):
                continue
            turn = self._arrived - 1
            model = spec.models[turn % len(spec.models)] if spec.models else spec.model
            budget = spec.budgets[turn % len(spec.budgets)] if spec.budgets else spec.budget
            uid = self._register(coldkey, hotkey, spec.role, spec.strategy, model=model,
                                 params=spec.params if model == spec.model else {}, budget=budget,
                                 quiet=True)
            if uid is not None and fee:
                ledger.pay_fee(coldkey, fee)

    def _register(self, coldkey: str, hotkey: str, role: str, strategy: str, *, is_player: bool = False,
                  quiet: bool = False, **agent) -> int | None:
        sub = self.subnet
        try:
            uid = sub.register(coldkey, hotkey)
        except ChainError:
            if quiet:
                return None
            raise
        if uid in self.agents:
            self.market.remove(uid)
            del self.agents[uid]
            self._retrain_at.pop(uid, None)
        self._add_agent(uid, hotkey, coldkey, role, strategy, is_player=is_player, **agent)
        return uid

    # ------------------------------------------------------------------ player actions
    def apply(self, action: Action) -> Outcome:
        """Apply a player action now (as an extrinsic of the current block), or refuse it.

        Every check runs first (``refusal``); only an action that passes all of them changes
        anything, so a refused action leaves the world exactly as it was (and pays no fee)."""
        self.action_log.append((self.block, action.to_dict()))
        if isinstance(action, ActAs):
            return self._act_as(action)
        return self._execute(action)

    def _act_as(self, wrapper: ActAs) -> Outcome:
        """A student's action (a shared class world): the inner action, played by that coldkey."""
        try:
            if wrapper.coldkey not in self.students:
                raise ValueError(f"{wrapper.coldkey!r} is not a student of this world")
            inner = action_from_dict(wrapper.action)
            if isinstance(inner, (ActAs, AddStudent)):
                raise ValueError(f"a student cannot {inner.kind}")
        except (ValueError, TypeError) as exc:
            reason = str(exc)
            self.events.append(Event(self.block, "refused", f"Refused {wrapper.kind}: {reason}",
                                     {"action": wrapper.to_dict(), "reason": reason,
                                      "coldkey": wrapper.coldkey}))
            return Outcome(False, reason)
        with self.acting_as(wrapper.coldkey):
            return self._execute(inner)

    def _execute(self, action: Action) -> Outcome:
        mine = self._acting is None  # a student's action is not the scenario player's
        said_by = {"coldkey": self._acting} if self._acting else {}
        reason = self.refusal(action)
        if reason is not None:
            self.events.append(Event(self.block, "refused", f"Refused {action.kind}: {reason}",
                                     {"action": action.to_dict(), "reason": reason, **said_by}, player=mine))
            self._flush()
            return Outcome(False, reason)
        text = getattr(self, f"_do_{action.kind}")(action)
        said = len(self.events)
        self._flush()
        # The chain's own lines already tell the player what happened (registered, staked...): the
        # action's line then says it again, so it carries how many of those it echoes (the log shows one).
        if mine:
            echoes = sum(1 for e in self.events[said:] if e.player)
        else:  # a student's own lines (what the class marks as theirs)
            theirs = {a.hotkey for a in self.agents.values() if a.coldkey == self._acting}
            echoes = sum(1 for e in self.events[said:]
                         if (e.data or {}).get("coldkey") == self._acting or (e.data or {}).get("hotkey") in theirs)
        player, ledger = self.player_coldkey, self.subnet.ledger
        fee = fees.fee_for(action.kind, self.scenario.chain.fee_rao)
        if fee:
            ledger.pay_fee(player, fee)
            self.events.append(Event(self.block, "fee", f"Paid a {format_tao(fee, 9)} fee for {action.kind} "
                                     "(burned)", {"coldkey": player, "fee_rao": fee, "action": action.kind},
                                     player=mine))
        data = {"action": action.to_dict(), **({"echoes": echoes} if echoes else {}), **said_by}
        self.events.append(Event(self.block, "action", text, data, player=mine))
        return Outcome(True)

    def refusal(self, action: Action) -> str | None:
        """Why ``action`` would be refused now, or None: the one place where actions are checked.

        In order: the level's rules, the fields' types, the action's own rules (the chain's checks, the
        market's, governance's, run without changing anything), then the fee with what it spends."""
        if not isinstance(action, Action) or not hasattr(self, f"_do_{action.kind}"):
            return f"unknown action {getattr(action, 'kind', action)!r}"
        problem = field_problem(action)
        if problem:
            return problem
        for check in self._action_checks:
            reason = check(action, self)
            if reason:
                return reason
        try:
            getattr(self, f"_check_{action.kind}")(action)
        except (ChainError, ValueError) as exc:
            return str(exc)
        fee = fees.fee_for(action.kind, self.scenario.chain.fee_rao)
        return fees.cannot_pay(self.subnet.ledger, self.player_coldkey, fee,
                               self._upfront_cost(action), action.kind)

    # One _check_<kind> per action: raise ChainError or ValueError with the reason, change nothing.
    def _check_register(self, action: Register) -> None:
        if action.role not in ("miner", "validator"):
            raise ValueError(f"role must be miner or validator, got {action.role!r}")
        if action.role == "miner":
            from taosandbox.market.models import check_model

            check_model(action.model, action.params, action.budget, self.market.kind)
        self.subnet.check_register(self.player_coldkey, self._register_hotkey(action))

    def _check_deregister(self, action: Deregister) -> None:
        self._player_agent(action.hotkey)

    def _check_set_model(self, action: SetModel) -> None:
        from taosandbox.market.models import check_model

        self._player_agent(action.hotkey, "miner")
        check_model(action.model, action.params, action.budget, self.market.kind)

    def _check_retrain(self, action: Retrain) -> None:
        self._player_agent(action.hotkey, "miner")

    def _check_set_weights(self, action: SetWeights) -> None:
        agent = self._player_agent(action.hotkey, "validator")
        try:
            self.subnet.check_set_weights(agent.hotkey, action.uids, action.values)
        except ChainError as exc:
            if exc.code != "rate_limited" or not agent.auto_weights:
                raise
            # The automatic scoring takes every turn the rate limit gives: say how to take one yourself.
            raise ChainError(exc.code, f"{exc}; your validator's automatic scoring set them: turn its auto "
                                       f"weights off (Apply scoring), then hand-set once the limit allows") from None

    def _check_set_scoring(self, action: SetScoring) -> None:
        self._player_agent(action.hotkey, "validator")
        self.market.check_validator_settings(sample_size=action.sample_size, ema_alpha=action.ema_alpha,
                                             power=action.power)

    def _check_add_stake(self, action: AddStake) -> None:
        self.subnet.check_add_stake(self.player_coldkey, action.hotkey, action.amount_rao)

    def _check_remove_stake(self, action: RemoveStake) -> None:
        self.subnet.check_remove_stake(self.player_coldkey, action.hotkey, action.amount_rao)

    def _check_set_take(self, action: SetTake) -> None:
        self.subnet.check_set_take(self.player_coldkey, action.hotkey, action.take)

    def _check_become_delegate(self, action: BecomeDelegate) -> None:
        self.subnet.staking.check_become_delegate(self.subnet.ledger, self.subnet.hp,
                                                  self.player_coldkey, action.hotkey, action.take,
                                                  self.block)

    def _check_answer(self, action: Answer) -> None:
        """Any number may be given; the level that asked judges it."""

    def _check_propose(self, action: Propose) -> None:
        self.governance.check_propose(self.player_coldkey, action.changes, action.title)

    def _check_vote(self, action: Vote) -> None:
        self.governance.check_vote(self.player_coldkey, self._voting_hotkey(action), action.proposal,
                                   action.aye)

    def _voting_hotkey(self, action: Vote) -> str:
        mine = self.governance.player_senators()
        hotkey = action.hotkey or (mine[0] if mine else "")
        if not hotkey:
            raise ValueError("you may not vote: none of your hotkeys is in the senate (stake on your own "
                             "validator hotkey to earn a seat)")
        return hotkey

    def _register_hotkey(self, action: Register) -> str:
        student = self.students.get(self._acting) if self._acting else None
        count = student["hotkeys"] if student is not None else self._player_hotkeys
        return action.hotkey or f"{self.player_coldkey}-hk{count + 1}"

    def _upfront_cost(self, action: Action) -> int:
        """What an action spends from free balance besides its fee (affordability is checked together)."""
        if isinstance(action, Register):
            return self.subnet.burn
        if isinstance(action, AddStake) and isinstance(action.amount_rao, int) and action.amount_rao > 0:
            return action.amount_rao
        return 0

    def _player_agent(self, hotkey: str, role: str | None = None) -> Agent:
        uid = self.subnet.uid(hotkey)
        agent = self.agents.get(uid) if uid is not None else None
        if not self._mine(agent):
            mine = ", ".join(a.hotkey for a in self.agents.values() if self._mine(a)) or "none"
            raise ValueError(f"{hotkey or '(no hotkey)'} is not one of your registered hotkeys (yours: {mine})")
        if role and agent.role != role:
            raise ValueError(f"{hotkey} is a {agent.role}, not a {role}")
        return agent

    def _do_register(self, action: Register) -> str:
        hotkey = self._register_hotkey(action)
        burn = self.subnet.burn
        uid = self._register(self.player_coldkey, hotkey, action.role, "player",
                             is_player=True, model=action.model, params=dict(action.params),
                             budget=action.budget)
        if action.hotkey:
            pass
        elif self._acting:
            self.students[self._acting]["hotkeys"] += 1
        else:
            self._player_hotkeys += 1
        return f"You registered {hotkey} at uid {uid} for {format_tao(burn)}"

    def _check_add_student(self, action: AddStudent) -> None:
        if self._acting is not None:
            raise ValueError("a student cannot add students")
        ck = action.coldkey
        if not isinstance(ck, str) or not ck.strip() or ck == OUTSIDE:
            raise ValueError(f"a student needs a coldkey name, got {ck!r}")
        if ck in self.subnet.ledger.free:
            raise ValueError(f"coldkey {ck!r} already exists")
        if action.role not in ("miner", "validator", "delegator"):
            raise ValueError(f"role must be miner, validator or delegator, got {action.role!r}")
        if tao_to_rao(action.balance_tao) < 0:
            raise ValueError(f"a starting balance must not be negative, got {action.balance_tao}")

    def _do_add_student(self, action: AddStudent) -> str:
        """A student joins a shared world: a coldkey funded from the coins outside the subnet when they
        suffice (issuance unchanged), else minted like the player's starting balance."""
        ledger, ck = self.subnet.ledger, action.coldkey
        amount = tao_to_rao(action.balance_tao)
        if amount <= ledger.balance(OUTSIDE):  # coins already issued, held outside the subnet
            ledger.create_coldkey(ck, 0)
            ledger.free[OUTSIDE] -= amount
            ledger.free[ck] += amount
        else:  # minted, like the player's starting balance (counted in issuance)
            ledger.create_coldkey(ck, amount)
        self.students[ck] = {"role": action.role, "start_rao": amount, "hotkeys": 0}
        return f"Student {ck} joined as a {action.role} with {format_tao(amount)}"

    def _do_deregister(self, action: Deregister) -> str:
        agent = self._player_agent(action.hotkey)
        uid = self.subnet.deregister(agent.hotkey)
        self.market.remove(uid)
        del self.agents[uid]
        self._retrain_at.pop(uid, None)
        return f"You gave up uid {uid}"

    def _do_set_model(self, action: SetModel) -> str:
        agent = self._player_agent(action.hotkey, "miner")
        self.market.set_model(agent.uid, action.model, dict(action.params), action.budget)
        acc = self.market.accuracy(agent.uid)
        self.events.append(Event(self.block, "model_trained",
                                 f"uid {agent.uid} trained {action.model} on {action.budget} samples: "
                                 f"accuracy {acc:.1%}" if acc is not None else "model set",
                                 {"uid": agent.uid, "model": action.model, "accuracy": acc}, True))
        return f"Model of uid {agent.uid} set to {action.model}"

    def _do_retrain(self, action: Retrain) -> str:
        agent = self._player_agent(action.hotkey, "miner")
        self.market.retrain(agent.uid, self.block)
        acc = self.market.accuracy(agent.uid)
        return f"uid {agent.uid} retrained" + (f": accuracy {acc:.1%}" if acc is not None else "")

    def _do_set_weights(self, action: SetWeights) -> str:
        agent = self._player_agent(action.hotkey, "validator")
        self.subnet.set_weights(agent.hotkey, action.uids, action.values)
        agent.auto_weights = False
        return f"uid {agent.uid} set weights by hand (automatic scoring is now off)"

    def _do_set_scoring(self, action: SetScoring) -> str:
        agent = self._player_agent(action.hotkey, "validator")
        self.market.configure_validator(agent.uid, sample_size=action.sample_size,
                                        ema_alpha=action.ema_alpha, power=action.power)
        agent.auto_weights = action.auto
        return f"uid {agent.uid} scoring: " + ("automatic" if action.auto else "by hand")

    def _do_add_stake(self, action: AddStake) -> str:
        self.subnet.add_stake(self.player_coldkey, action.hotkey, action.amount_rao)
        return f"Staked {format_tao(action.amount_rao)} on {action.hotkey}"

    def _do_remove_stake(self, action: RemoveStake) -> str:
        self.subnet.remove_stake(self.player_coldkey, action.hotkey, action.amount_rao)
        return f"Unstaked {format_tao(action.amount_rao)} from {action.hotkey}"

    def _do_answer(self, action: Answer) -> str:
        # The level that asked checks the answer (it sees this action); the chain is not involved.
        # A level lists its questions in ``extra["questions"]`` (id -> text): the log quotes the question.
        ask = self.extra.get("questions", {}).get(action.question_id)
        return f"You answered “{ask}”: {action.value:g}" if ask else f"You answered {action.value:g}"

    def _do_set_take(self, action: SetTake) -> str:
        self.subnet.set_take(self.player_coldkey, action.hotkey, action.take)
        return f"Take of {action.hotkey} set to {u16_to_float(action.take):.2%}"

    def _do_become_delegate(self, action: BecomeDelegate) -> str:
        self.subnet.become_delegate(self.player_coldkey, action.hotkey, action.take)
        return f"{action.hotkey} is a delegate now: others may stake on it (take {u16_to_float(action.take):.2%})"

    def _do_propose(self, action: Propose) -> str:
        p = self.governance.propose(self.player_coldkey, action.changes, action.title)
        return f"You proposed #{p.id}: {p.describe_changes()}"

    def _do_vote(self, action: Vote) -> str:
        hotkey = self._voting_hotkey(action)
        p = self.governance.vote(self.player_coldkey, hotkey, action.proposal, action.aye)
        return f"{hotkey} voted {'aye' if action.aye else 'nay'} on proposal #{p.id}"

    # ------------------------------------------------------------------ views
    def snapshot(self) -> Snapshot:
        sub, mg, ledger = self.subnet, self.subnet.metagraph, self.subnet.ledger
        hp, n, block = sub.hp, sub.n, sub.block
        immune = mg.immune(block, hp.immunity_period)
        full = n >= hp.max_allowed_uids
        prune = mg.neuron_to_prune(block, hp.immunity_period) if full else None
        period = hp.hotkey_emission_tempo + 1
        player_ck = self.player_coldkey
        rows = []
        for uid in range(n):
            hotkey = mg.hotkeys[uid]
            agent = self.agents.get(uid)
            info = self.market.miner_info(uid) if agent and agent.role == "miner" else {}
            m = mg.metrics
            rows.append(NeuronRow(
                uid=uid, hotkey=hotkey, coldkey=ledger.owner.get(hotkey, ""),
                role=agent.role if agent else "vacant",
                strategy=agent.strategy if agent else "",
                model=info.get("model"), accuracy=info.get("accuracy"),
                stake_rao=ledger.hotkey_stake.get(hotkey, 0),
                rank=float(m["rank"][uid]), trust=float(m["trust"][uid]),
                consensus=float(m["consensus"][uid]), incentive=float(m["incentive"][uid]),
                dividends=float(m["dividends"][uid]), emission_rao=int(mg.emission[uid]),
                validator_trust=float(m["validator_trust"][uid]),
                validator_permit=bool(mg.validator_permit[uid]),
                last_update=int(mg.last_update[uid]), updated=block - int(mg.last_update[uid]),
                active=bool(mg.last_update[uid] + hp.activity_cutoff >= block),
                registered_block=int(mg.registered_block[uid]), immune=bool(immune[uid]),
                immunity_left=max(0, hp.immunity_period - (block - int(mg.registered_block[uid]))),
                pruning_score=int(mg.pruning_score[uid]),
                emission_total_rao=int(mg.emission_total[uid]),
                take=ledger.take.get(hotkey, hp.default_take), delegate=hotkey in ledger.delegates,
                accrued_rao=int(sub.accrued[uid].sum()),
                blocks_to_drain=int((sub.drain_slot[uid] - block) % period) or period,
                is_player=self._mine(agent), next_to_prune=uid == prune,
            ))
        return Snapshot(
            block=block, seconds=block * BLOCK_SECONDS, hyperparameters=hp,
            total_issuance_rao=ledger.total_issuance,
            block_emission_rao=sub.next_block_emission(),
            halving_index=emission.halving_index(ledger.total_issuance),
            next_halving_issuance_rao=emission.next_halving_threshold(ledger.total_issuance),
            blocks_to_next_halving=emission.blocks_to_next_halving(ledger.total_issuance),
            pending_emission_rao=ledger.pending_emission + ledger.accrued,
            recycled_rao=ledger.recycled, burn_rao=sub.burn,
            blocks_to_next_epoch=sub.blocks_to_next_epoch(),
            last_epoch_block=sub.last_epoch_block if sub.last_epoch is not None else None,
            neurons=tuple(rows), player=self._player_view(), delegates=self._delegates(player_ck),
            halvings=tuple(dict(h) for h in sub.halvings),
            differences=tuple(sandbox_differences(hp)), last_epoch=sub.last_epoch,
            extra={**self.extra, "governance": self.governance.view(), "fees": self._fee_view()},
        )

    def snapshot_for(self, coldkey: str, base: Snapshot | None = None) -> Snapshot:
        """``snapshot()`` as the student ``coldkey`` sees it; from ``base`` (a snapshot of this block),
        only the student's own parts are rebuilt (a class builds one snapshot per block, not one each)."""
        with self.acting_as(coldkey):
            if base is None:
                return self.snapshot()
            player = self._player_view()
            mine = set(player.hotkeys)
            neurons = tuple(row if row.is_player == (row.hotkey in mine) else replace(row, is_player=not row.is_player)
                            for row in base.neurons)
            return replace(base, neurons=neurons, player=player, delegates=self._delegates(coldkey),
                           extra={**base.extra, "fees": self._fee_view()})

    def _fee_view(self) -> dict[str, Any]:
        """Plain data for ``Snapshot.extra["fees"]``: what each transaction costs, and who paid what."""
        ledger, player = self.subnet.ledger, self.player_coldkey
        return {"fee_rao": self.scenario.chain.fee_rao, "transactions": sorted(fees.TRANSACTIONS),
                "burned_rao": ledger.fees_burned, "player_paid_rao": ledger.fees_paid.get(player, 0)}

    def _player_view(self) -> PlayerView:
        sub, ledger, sc = self.subnet, self.subnet.ledger, self.scenario
        ck = self.player_coldkey
        student = self.students.get(ck)
        stakes = tuple(
            StakeRow(hotkey=hk, uid=sub.uid(hk), amount_rao=amount,
                     earned_rao=ledger.earned_on.get((ck, hk), 0), own=ledger.owner.get(hk) == ck)
            for (c, hk), amount in sorted(ledger.stake.items()) if c == ck
        )
        mine = [a for a in self.agents.values() if self._mine(a)]
        return PlayerView(
            coldkey=ck, role=student["role"] if student else sc.player.role, free_rao=ledger.balance(ck),
            staked_rao=sum(s.amount_rao for s in stakes), stakes=stakes,
            uids=tuple(a.uid for a in mine), hotkeys=tuple(a.hotkey for a in mine),
            earned_rao=ledger.earned.get(ck, 0),
            pending_rao=sum(sub.pending_for(hk) for hk in {a.hotkey for a in mine} | {
                hk for hk in sub.orphaned if ledger.owner.get(hk) == ck}),
            spent_burn_rao=ledger.burned_by.get(ck, 0),
            spent_fees_rao=ledger.fees_paid.get(ck, 0),
            start_rao=(student["start_rao"] if student
                       else tao_to_rao(sc.player.balance_tao) + tao_to_rao(sc.player.stake_tao)),
        )

    def _delegates(self, player_ck: str) -> tuple[DelegateRow, ...]:
        sub, ledger, mg = self.subnet, self.subnet.ledger, self.subnet.metagraph
        result = sub.last_epoch
        rows = []
        for uid, agent in sorted(self.agents.items()):
            if agent.role != "validator":
                continue
            hk = agent.hotkey
            stake = ledger.hotkey_stake.get(hk, 0)
            take = ledger.take.get(hk, sub.hp.default_take)
            per_day = 0.0
            if result is not None and uid < len(result.validator_emission_u64):
                per_day = nominator_return_per_day(float(result.validator_emission_u64[uid]), stake, take, sub.hp)
            rows.append(DelegateRow(
                hotkey=hk, uid=uid, owner=agent.coldkey, take=take, total_stake_rao=stake,
                nominators=len([c for c in ledger.stakers.get(hk, ()) if c != agent.coldkey]),
                player_stake_rao=ledger.stake_of(player_ck, hk), return_per_tao_day=per_day,
                validator_trust=float(mg.metrics["validator_trust"][uid]),
                validator_permit=bool(mg.validator_permit[uid]),
                accepts_delegation=hk in ledger.delegates or agent.coldkey == player_ck,
            ))
        return tuple(rows)

    def state_hash(self) -> str:
        """A digest of everything that determines the future: same history, same hash."""
        sub, mg, ledger = self.subnet, self.subnet.metagraph, self.subnet.ledger
        n = mg.n
        h = hashlib.blake2b(digest_size=16)
        h.update(repr((sub.block, sub.burn, sub.regs_this_interval, sub.last_epoch_block, sub.carried_over,
                       ledger.total_issuance, ledger.pending_emission, ledger.recycled,
                       sorted(ledger.free.items()), sorted(ledger.stake.items()),
                       ledger.accrued, sorted(ledger.take.items()),
                       mg.hotkeys, sorted(mg.vacant), sub.hp, sorted(self._retrain_at.items()),
                       [(b, u, hk, r.tobytes()) for b, u, hk, r in sub.commits],
                       sorted(ledger.stake_delta.items()), sorted(ledger.delegates), sub.emission_rate,
                       sorted(sub.orphaned.items()), sub.staking.digest())).encode())
        for array in (mg.registered_block[:n], mg.last_update[:n], mg.validator_permit[:n],
                      mg.pruning_score[:n], mg.weights[:n, :n], mg.bonds[:n, :n], mg.emission[:n],
                      sub.accrued[:n], sub.last_commit[:n]):
            h.update(np.ascontiguousarray(array).tobytes())
        h.update(self.market.state_digest())
        h.update(self.governance.digest() + repr(ledger.fees_burned).encode())
        return h.hexdigest()
