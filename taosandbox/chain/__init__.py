"""The chain's arithmetic: emission, Yuma consensus, ledger and metagraph (numpy only)."""
