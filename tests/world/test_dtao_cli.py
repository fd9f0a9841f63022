"""``taosandbox dtao``: the subnet table, the emission path, root or alpha, and clear errors."""

from __future__ import annotations

import json

from taosandbox.cli import main


def test_table_explain_compare_and_json(capsys, tmp_path) -> None:
    out = tmp_path / "summary.json"
    code = main(["dtao", "--set", "subnets=3", "--set", "tempo=20", "--set", "miners_per_subnet=4",
                 "--blocks", "25", "--explain", "--compare", "2:sn2-val0:10:30", "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "netuid" in text and "Block 25: 1 TAO minted" in text and "as alpha on subnet 2" in text
    summary = json.loads(out.read_text())
    assert summary["block"] == 25 and summary["conservation_gaps"] == {}
    assert [s["netuid"] for s in summary["subnets"]] == [1, 2, 3]


def test_bad_input_is_one_line(capsys) -> None:
    assert main(["dtao", "--set", "share_rule=vibes"]) == 2
    assert "share_rule: expected one of price_ema, tao_flow, net_tao_flow" in capsys.readouterr().err
    assert main(["dtao", "--compare", "2:x"]) == 2
    assert "NETUID:HOTKEY:TAO:BLOCKS" in capsys.readouterr().err
