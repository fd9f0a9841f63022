"""Transaction fees: which calls are transactions, and whether an account can pay for one (docs/fees.md).

One flat fee in rao per accepted transaction (``Scenario.chain.fee_rao``, 0 = free), paid from the acting
coldkey's free balance and burned (``Ledger.pay_fee``). A refused call pays nothing, so affordability is
checked first, together with what the call itself spends (a registration needs burn + fee).
"""

from __future__ import annotations

from taosandbox.chain.ledger import Ledger
from taosandbox.chain.units import format_tao

TRANSACTIONS = frozenset({"register", "set_weights", "add_stake", "remove_stake", "set_take",
                          "become_delegate", "propose", "vote"})
"""Action kinds that are extrinsics on the chain and pay a fee. Deregister (a sandbox shortcut), model
choice, retraining and scoring settings happen off-chain and are free."""


def fee_for(kind: str, fee_rao: int) -> int:
    """The fee an action of ``kind`` pays (0 when it is not a transaction)."""
    return fee_rao if kind in TRANSACTIONS else 0


def cannot_pay(ledger: Ledger, coldkey: str, fee: int, spend: int = 0, what: str = "this") -> str | None:
    """Why ``coldkey`` cannot pay ``spend`` + ``fee`` from its free balance, or None when it can."""
    if fee <= 0:
        return None
    free = ledger.balance(coldkey)
    if free >= spend + fee:
        return None
    if spend:
        return (f"{what} costs {format_tao(spend, 9)} plus a {format_tao(fee, 9)} fee, but {coldkey} has "
                f"{format_tao(free, 9)} free")
    return f"the transaction fee is {format_tao(fee, 9)} but {coldkey} has {format_tao(free, 9)} free"
