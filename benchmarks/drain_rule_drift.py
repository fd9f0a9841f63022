"""How much the pre-issue-11 drain rule overpaid a nominator.

20 drains, owner 100 τ + nominator 300 τ at the 18% take, V τ per drain (the argument). The old rule
counted the stake held at the previous drain, recorded before that drain's payouts (so restaked emission
never counted), with exact floors; the chain (``Ledger.drain``, subtensor v1.2.5) counts the stake minus
the positive delta since the last drain, cleared after the payouts, in I64F64.

    PYTHONPATH=. python benchmarks/drain_rule_drift.py 100
"""

from __future__ import annotations

import sys

from taosandbox.chain.ledger import Ledger
from taosandbox.chain.units import U16_MAX, format_tao, tao_to_rao

TAKE = 11796
DRAINS = 20


def chain_rule(v: int) -> int:
    ledger = Ledger()
    for ck in ("owner", "nom"):
        ledger.create_coldkey(ck)
    ledger.create_hotkey("owner", "hk", TAKE)
    ledger.mint_stake("owner", "hk", tao_to_rao(100))
    ledger.mint_stake("nom", "hk", tao_to_rao(300))
    for _ in range(DRAINS):
        ledger.mint_pending(v)
        ledger.accrue(v)
        ledger.drain("hk", v, 0)
    return ledger.stake_of("nom", "hk")


def old_rule(v: int) -> int:
    owner, nom = tao_to_rao(100), tao_to_rao(300)
    counted_owner, counted_nom = owner, nom
    for _ in range(DRAINS):
        take = v * TAKE // U16_MAX
        share = (v - take) * counted_nom // (counted_owner + counted_nom)
        counted_owner, counted_nom = owner, nom  # recorded before the payouts
        owner, nom = owner + v - share, nom + share
    return nom


def main() -> None:
    v = tao_to_rao(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
    chain, old = chain_rule(v), old_rule(v)
    print(f"V = {format_tao(v)} per drain, {DRAINS} drains: nominator ends with {format_tao(chain)} "
          f"(chain rule), {format_tao(old)} (old rule): {format_tao(old - chain)} overpaid")


if __name__ == "__main__":
    main()
