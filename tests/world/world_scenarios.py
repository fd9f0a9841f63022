"""Small worlds for engine tests (fast: tiny task pools, a few neurons)."""

def small_scenario(seed: int = 1, **changes) -> dict:
    data = {
        "seed": seed,
        "task": {"dataset": "digits", "pool_size": 128},
        "hyperparameters": {"weights_rate_limit": 10},
        "neurons": [
            {"role": "validator", "strategy": "honest", "count": 3, "stake_tao": 1000,
             "registered_block": -10000},
            {"role": "miner", "model": "logistic", "budget": 500, "count": 2, "registered_block": -10000},
            {"role": "miner", "model": "tree", "budget": 30, "count": 2, "registered_block": -10000},
            {"role": "miner", "strategy": "idle", "count": 1, "registered_block": -10000},
        ],
        "player": {"role": "miner", "balance_tao": 20},
    }
    data.update(changes)
    return data

