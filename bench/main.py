"""The bench's one command: measure, print the table, write bench/results/latest.{json,md}."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import measures, report
from bench.measures import log

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="carsat-pilot's benchmark on the embedded replica (issue 7). Prints, never asserts.",
    )
    parser.add_argument("--runs", type=int, default=3, help="alternating journey runs per side (default 3)")
    parser.add_argument(
        "--ris-delay", type=float, default=12.0, help="replica RIS delay for the politeness row, s (default 12)"
    )
    parser.add_argument("--startup-runs", type=int, default=7, help="runs of each start-up command (default 7)")
    parser.add_argument("--no-memory", action="store_true", help="do not sample memory during the journeys")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for latest.json and latest.md")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.startup_runs < 1:
        parser.error("--runs and --startup-runs must be at least 1")
    if args.ris_delay < 0:
        parser.error("--ris-delay must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    began = time.perf_counter()
    print("carsat-pilot bench — measuring (progress on stderr)…", flush=True)

    machine = measures.machine()
    for line in report.machine_lines(machine):
        print(line, flush=True)

    log(f"start-up: {args.startup_runs} runs of each command")
    startup = measures.startup(args.startup_runs)

    path = measures.browser_path()
    log(f"bare browser launch + close: 1 warm-up + {args.runs} runs")
    launch = measures.bare_launch(args.runs, path)

    runs: list[measures.JourneyRun] = []
    for index in range(args.runs):
        # Alternate which side goes first (ABBA…), so a drift of the machine hits both.
        order = ("tool", "straight") if index % 2 == 0 else ("straight", "tool")
        for who in order:
            log(f"journey {index + 1}/{args.runs}: {who}")
            if who == "tool":
                result = measures.journey_tool(sample_memory=not args.no_memory)
            else:
                result = measures.journey_straight(path, sample_memory=not args.no_memory)
            if not result.ok:
                log(f"  {who} run FAILED: {result.error.splitlines()[-1] if result.error else '?'}")
            else:
                log(f"  {result.seconds:.2f} s ({', '.join(f'{k} {v:.2f}' for k, v in result.parts.items())})")
            runs.append(result)

    log(f"politeness: fetch-ris, default refresh interval, RIS delay {args.ris_delay:g} s")
    polite = measures.politeness(args.ris_delay)

    machine["load_average_end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    rows: list[report.Row] = []
    journey_rows, journey_summary = report.journey_rows(runs, launch)
    rows += journey_rows
    rows += report.startup_rows(startup)
    effort_rows, effort_summary = report.effort_rows(runs)
    rows += effort_rows
    rows += report.politeness_rows(polite)
    memory_rows, memory_summary = report.memory_rows(runs, measures.MEMORY_METHOD) if not args.no_memory else ([], {})
    rows += memory_rows
    elapsed = time.perf_counter() - began

    print()
    print(f"Load average at end: {machine['load_average_end']}")
    print(report.text_table(rows))
    print(f"\nBench time: {elapsed:.0f} s.")

    settings = {"runs": args.runs, "ris_delay": args.ris_delay, "startup_runs": args.startup_runs}
    data: dict[str, Any] = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "settings": settings,
        "machine": machine,
        "rows": [row.as_dict() for row in rows],
        "journey": {
            "summary": journey_summary,
            "bare_launch": launch,
            "runs": [run.as_dict() for run in runs],
        },
        "startup": startup,
        "human_effort": effort_summary,
        "politeness": polite,
        "memory": memory_summary,
        "bench_seconds": round(elapsed, 1),
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    (args.output / "latest.md").write_text(report.markdown(rows, machine, settings), encoding="utf-8")
    print(f"Written: {args.output / 'latest.json'} and {args.output / 'latest.md'}")
    sys.stdout.flush()
