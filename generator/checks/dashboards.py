"""Dashboard uids are unique and fit Grafana's 40 characters."""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location
from generator.targets.grafana import uid

CODE = "KG501"
NAME = "dashboards/uid"
DOC = "a dashboard uid used twice or longer than 40 characters"

MAX_UID = 40


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    seen: dict[str, Location | None] = {}
    for spec in specs:
        for board in spec.integration.dashboards:
            board_uid = uid(spec.integration, board)
            if len(board_uid) > MAX_UID:
                findings.append(Finding.at(board.location, Level.ERROR, CODE,
                                           f"dashboard uid {board_uid} is longer than {MAX_UID} "
                                           f"characters"))
            if board_uid in seen:
                findings.append(Finding.at(board.location, Level.ERROR, CODE,
                                           f"dashboard uid {board_uid} is already used at "
                                           f"{seen[board_uid]}"))
            seen.setdefault(board_uid, board.location)
    return findings
