"""taosandbox: a live simulated Bittensor subnet to learn from by playing.

This module imports nothing heavy: it runs on every submodule import.
"""

__version__ = "0.2.0"
