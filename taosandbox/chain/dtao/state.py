"""The state of a dynamic-TAO chain: accounts, root stake, subnets with pools, pending emission.

Storage names follow ``pallets/subtensor/src/lib.rs``: ``SubnetTAO`` / ``SubnetAlphaIn`` are the pool
(``Subnet.pool``), ``SubnetAlphaOut`` is every alpha outside it (``Subnet.alpha_out``), ``Pending*`` the
emission waiting for the subnet's epoch. Root (netuid 0) holds TAO stake directly, without a pool.

Two identities hold after every call (``conservation_gaps`` returns what breaks them, ``{}`` when both
hold, exactly, in rao):

    TAO issuance      = Σ free + Σ root stake + Σ pool TAO
    alpha issuance(n) = pool alpha + alpha_out
    alpha_out(n)      = Σ alpha stake + pending + protocol alpha + burned + unheld

``burned`` is alpha the chain burns without lowering ``SubnetAlphaOut`` (``burn_subnet_alpha``: the
miner incentive of the owner's own hotkeys, swap fees without a block author). ``unheld`` is alpha the
chain counts in ``SubnetAlphaOut`` that no account holds. It comes from the chain's own bookkeeping:
``emit_to_subnets`` mints ``alpha_out_i`` but credits the floor of each of its four parts, the epoch
pays floors of each share, and miners are paid the epoch's incentive half of the drained pot, not the
miners' pending pot: when root dividends are recycled (sum of EMA prices <= 1) the pot is smaller than
``alpha_out_i`` and the difference stays unheld. Tracked so the identities are exact and the gap visible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from taosandbox.chain.dtao import fixed
from taosandbox.chain.dtao.pool import Pool
from taosandbox.chain.errors import ChainError

ROOT = 0
DEFAULT_TAO_WEIGHT = 971_718_665_099_567_868
"""``SubtensorInitialTaoWeight`` (runtime/src/lib.rs): TaoWeight as parts of u64::MAX, ≈ 0.0527."""
U64_MAX = 2**64 - 1
DEFAULT_OWNER_CUT = 11_796
"""``SubtensorInitialSubnetOwnerCut``: 18% of each subnet's alpha emission, as a u16 fraction."""
DEFAULT_TAKE = 11_796
"""``SubtensorInitialDefaultTake``: a validator's 18% take on its nominators' dividends."""
DEFAULT_TEMPO = 360
DEFAULT_EMA_HALVING_BLOCKS = 201_600
"""``InitialEmaPriceHalvingPeriod``: 4 weeks of blocks."""
DEFAULT_MOVING_ALPHA = fixed.from_float(0.000003, fixed.U96F32)
"""``DefaultMovingAlpha`` as I96F32 bits."""
BLOCK_AUTHOR = "block-author"
"""The coldkey that receives swap fees (``AuthorshipProvider::author``)."""


def subnet_account(netuid: int) -> str:
    """The free-balance account of a subnet (``get_subnet_account_id``)."""
    return f"subnet-{netuid}-account"


@dataclass
class Subnet:
    """One dynamic subnet (``SubnetMechanism == 1``)."""

    netuid: int
    owner_coldkey: str
    owner_hotkey: str
    pool: Pool
    alpha_out: int = 0
    tempo: int = DEFAULT_TEMPO
    last_epoch_block: int = 0
    first_emission_block: int | None = 1
    """``FirstEmissionBlockNumber``: None until ``start_call``."""
    burn: int = 100_000_000
    """Registration cost in rao (``Burn``; ``SubtensorInitialBurn`` = 0.1 TAO)."""
    max_uids: int = 256
    moving_price: int = 0
    """``SubnetMovingPrice`` as I96F32 bits."""
    ema_halving_blocks: int = DEFAULT_EMA_HALVING_BLOCKS
    owner_cut_enabled: bool = True
    emission_enabled: bool = True
    registration_allowed: bool = True
    hotkeys: list[str] = field(default_factory=list)
    """Registered hotkeys by uid."""
    alpha_stake: dict[tuple[str, str], int] = field(default_factory=dict)
    """(hotkey, coldkey) -> alpha-rao staked."""
    pending_server: int = 0
    pending_validator: int = 0
    pending_root: int = 0
    pending_owner: int = 0
    protocol_alpha: int = 0
    """``SubnetProtocolAlpha``: alpha the protocol bought with excess TAO; kept, counted in alpha_out."""
    burned: int = 0
    unheld: int = 0
    miner_burned: int = 0
    """``MinerBurned`` (U96F32 bits): share of the last epoch's miner emission withheld from miners."""
    tao_flow: int = 0
    """``SubnetTaoFlow``: users' TAO in minus out this block."""
    protocol_flow: int = 0
    """``SubnetProtocolFlow``: emission TAO injected or swapped in this block."""
    ema_tao_flow: float = 0.0
    ema_protocol_flow: float = 0.0

    @property
    def alpha_issuance(self) -> int:
        """``get_alpha_issuance``: SubnetAlphaIn + SubnetAlphaOut."""
        return self.pool.alpha + self.alpha_out

    @property
    def pending(self) -> int:
        return self.pending_server + self.pending_validator + self.pending_root + self.pending_owner

    def hotkey_alpha(self, hotkey: str) -> int:
        return sum(v for (h, _), v in self.alpha_stake.items() if h == hotkey)


@dataclass
class DtaoState:
    """Everything the dynamic-TAO rules read and write."""

    block: int = 0
    total_issuance: int = 0
    free: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    owner: dict[str, str] = field(default_factory=dict)
    """hotkey -> owning coldkey."""
    take: dict[str, int] = field(default_factory=dict)
    """hotkey -> take, u16 fraction (default ``DEFAULT_TAKE``)."""
    root_stake: dict[tuple[str, str], int] = field(default_factory=dict)
    """(hotkey, coldkey) -> rao on root; their sum is ``SubnetTAO[0]``."""
    subnets: dict[int, Subnet] = field(default_factory=dict)
    tao_weight: int = DEFAULT_TAO_WEIGHT
    owner_cut: int = DEFAULT_OWNER_CUT
    moving_alpha: int = DEFAULT_MOVING_ALPHA
    block_author: str | None = BLOCK_AUTHOR

    def subnet(self, netuid: int) -> Subnet:
        """The subnet, or a refusal naming the ones that exist."""
        if isinstance(netuid, bool) or not isinstance(netuid, int):
            raise ChainError("no_subnet", f"a netuid is a whole number, got {netuid!r}")
        if netuid == ROOT:
            raise ChainError("no_pool", "netuid 0 is root: it has no pool (stake on it is TAO, 1:1)")
        if netuid not in self.subnets:
            known = ", ".join(str(n) for n in sorted(self.subnets)) or "none"
            raise ChainError("no_subnet", f"there is no subnet {netuid} (subnets: {known})")
        return self.subnets[netuid]

    @property
    def root_tao(self) -> int:
        """``SubnetTAO[ROOT]``: all TAO staked on root."""
        return sum(self.root_stake.values())

    def hotkey_root_stake(self, hotkey: str) -> int:
        return sum(v for (h, _), v in self.root_stake.items() if h == hotkey)

    def tao_weight_fixed(self) -> int:
        """``get_tao_weight``: TaoWeight / u64::MAX as U96F32 bits."""
        return fixed.ratio(self.tao_weight, U64_MAX, fixed.U96F32)

    def take_fixed(self, hotkey: str) -> int:
        """``get_hotkey_take_float``: take / u16::MAX as U96F32 bits."""
        return fixed.ratio(self.take.get(hotkey, DEFAULT_TAKE), 65535, fixed.U96F32)

    def root_proportion(self, netuid: int) -> int:
        """``root_proportion`` (block_step.rs), U96F32 bits: w·root / (w·root + alpha issuance)."""
        f = fixed.U96F32
        issuance = fixed.from_int(self.subnets[netuid].alpha_issuance, f)
        weighted_root = fixed.mul(fixed.from_int(self.root_tao, f), self.tao_weight_fixed(), f)
        return fixed.div(weighted_root, weighted_root + issuance, f)

    def stake_weight(self, netuid: int, hotkey: str) -> int:
        """The stake Yuma sees on a subnet: alpha + TaoWeight × root stake (``get_stake_weights_for_network``)."""
        # stake_utils.rs get_stake_weights_for_network: I64F64, alpha + tao · tao_weight; floored here
        f = fixed.U64F64
        weight = fixed.convert(self.tao_weight_fixed(), fixed.U96F32, f)
        root = fixed.mul(fixed.from_int(self.hotkey_root_stake(hotkey), f), weight, f)
        return fixed.to_int(fixed.from_int(self.subnets[netuid].hotkey_alpha(hotkey), f) + root, f)

    def conservation_gaps(self) -> dict[str, int]:
        """What breaks the identities in the module docstring (issuance minus its parts), ``{}`` if none."""
        gaps: dict[str, int] = {}
        tao_parts = sum(self.free.values()) + self.root_tao + sum(s.pool.tao for s in self.subnets.values())
        if self.total_issuance != tao_parts:
            gaps["tao"] = self.total_issuance - tao_parts
        for netuid, s in self.subnets.items():
            held = sum(s.alpha_stake.values()) + s.pending + s.protocol_alpha + s.burned + s.unheld
            if s.alpha_out != held:
                gaps[f"alpha[{netuid}]"] = s.alpha_out - held
            if min(s.pool.tao, s.pool.alpha, s.alpha_out) < 0:
                gaps[f"negative[{netuid}]"] = min(s.pool.tao, s.pool.alpha, s.alpha_out)
        return gaps
