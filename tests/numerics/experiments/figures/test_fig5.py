"""Fig. 5 quick form: every artefact is written and the paper's ordering of the curves is measured.

Tolerances: the quick form keeps the paper's sizes for (a) (20 runs, T = 5·10⁴), so the test asks for the paper's
claim itself through the figure's own checks (at least 19 of 20 EPG runs below 1e-3 for every K, and at least one
SPG run on a plateau), and for every K EPG's median final sub-optimality is below SPG's (the ordering of Fig. 5(a)). For Four-room the full form shows SPG
ahead until t ~ 300 and EPG's median ahead only later (measured), so at T = 150 we only ask that the median curve of
both methods has improved on its start.
"""

from __future__ import annotations

import csv
import json

import numpy as np

from numerics.experiments.registry import EXPERIMENTS


def test_fig5_quick_writes_its_artefacts_epg_leads_and_resume_reproduces_the_data(tmp_path) -> None:
    out = EXPERIMENTS["fig5"].run(quick=True, out_dir=tmp_path, docs_dir=tmp_path / "docs", seed=0, resume=False)
    names = {path.name for path in out.paths}
    assert {"fig5.png", "fig5.pdf", "fig5.csv", "fig5.json", "fig5.provenance.json"} <= names
    record = json.loads((tmp_path / "fig5.json").read_text())
    bandit = record["results"]["bandit_final"]
    bandit_checks = [check for check in record["checks"] if check["name"].startswith("(a)")]
    assert len(bandit_checks) == 6 and all(check["passed"] for check in bandit_checks)  # 2 per K
    for finals in bandit.values():
        assert np.median(finals["epg"]) < np.median(finals["spg"])
    with (tmp_path / "fig5.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["panel"] == "c"]
    for name in ("SPG", "EPG, p = 2"):
        curve = [float(row["y"]) for row in rows if row["series"] == name]
        assert len(curve) > 2 and curve[-1] < curve[0]
    rooms = record["results"]["four_room_final"]
    assert all(len(finals) == 4 for finals in rooms.values())
    assert len(out.headline) == len(record["checks"]) + 1  # one bullet per check and the (c) summary
    failed = [check for check in record["checks"] if not check["passed"]]
    assert len(out.problems) == len(failed)
    plotted = (tmp_path / "fig5.csv").read_bytes()
    resumed = EXPERIMENTS["fig5"].run(quick=True, out_dir=tmp_path, docs_dir=tmp_path / "docs", seed=0, resume=True)
    assert (tmp_path / "fig5.csv").read_bytes() == plotted and resumed.headline == out.headline
