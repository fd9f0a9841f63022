"""Small worlds for governance and fee tests: four validators (one the player's), a few miners."""

from __future__ import annotations

from taosandbox.world import World


def gov_scenario(seed: int = 1, *, fee_rao: int = 0, governance: dict | None = None, **changes) -> dict:
    data = {
        "seed": seed,
        "task": {"dataset": "digits", "pool_size": 128},
        "hyperparameters": {"weights_rate_limit": 5},
        "chain": {"fee_rao": fee_rao},
        "neurons": [
            {"role": "validator", "strategy": "honest", "count": 3, "stake_tao": 1000, "balance_tao": 1,
             "registered_block": -10000},
            {"role": "miner", "model": "logistic", "budget": 300, "count": 3, "registered_block": -10000},
            {"role": "miner", "model": "tree", "budget": 30, "count": 2, "registered_block": -10000},
        ],
        "player": {"role": "validator", "balance_tao": 50, "register": True, "stake_tao": 1000},
        "governance": {"player_in_triumvirate": True, "voting_period": 40, "enactment_delay": 5,
                       **(governance or {})},
    }
    data.update(changes)
    return data


def proposal_events(world: World, proposal_id: int | None = None) -> list:
    return [e for e in world.events if e.kind == "proposal"
            and (proposal_id is None or e.data.get("proposal") == proposal_id)]
