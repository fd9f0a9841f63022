"""Dynamic TAO: subnet pools, swaps and the per-block coinbase of subtensor after February 2025.

Follows subtensor ``main`` at commit 14bc6f9f964b9cc362e9635dd110a487fa5d15a0 (``SOURCE_COMMIT``); every
module cites the upstream file it transcribes. Amounts are integer rao (TAO) and alpha-rao (alpha, 10^9
per alpha); the chain's fixed-point numbers are emulated exactly on Python ints (``fixed``).
"""

SOURCE_COMMIT = "14bc6f9f964b9cc362e9635dd110a487fa5d15a0"
"""The subtensor commit these rules are read from."""
