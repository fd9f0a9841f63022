"""One did-you-mean wording for every misspelt name (levels, scenarios, governance)."""

from __future__ import annotations

from taosandbox.spelling import closest, did_you_mean


def test_the_closest_name_is_suggested():
    assert closest("kapa", ["kappa", "rho", "tempo"]) == "kappa"
    assert did_you_mean("neuronz", ("neurons", "seed")) == "; did you mean 'neurons'?"


def test_nothing_close_suggests_nothing():
    assert closest("xyz", ["kappa", "rho"]) is None
    assert did_you_mean("xyz", ["kappa", "rho"]) == ""
