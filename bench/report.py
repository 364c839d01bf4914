"""From the measures to rows, and the rows to the printed table, JSON and Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench import effort
from bench.measures import JourneyRun, median

HELP_TARGET_S = 0.35
RATIO_TARGET = 1.25  # issue 11
POLITE_LATENCY_S = 10.0  # + the refresh interval
REQUESTS_PER_MIN_TARGET = 6
DEFAULT_INTERVAL_S = 10.0  # carsat_pilot.journeys.ris.FIRST_INTERVAL_S, the CLI's default


@dataclass
class Row:
    section: str
    measure: str
    result: str
    target: str = ""
    met: bool | None = None  # None: no target

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "measure": self.measure,
            "result": self.result,
            "target": self.target,
            "met": self.met,
        }


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def journey_rows(runs: list[JourneyRun], launch: dict[str, Any]) -> tuple[list[Row], dict[str, Any]]:
    rows: list[Row] = []
    summary: dict[str, Any] = {}
    section = "1. Journey overhead"
    medians: dict[str, float | None] = {}
    for who, label in (("tool", "carsat-pilot (CLI, subprocess)"), ("straight", "straight Playwright script")):
        mine = [r for r in runs if r.who == who]
        good = [r for r in mine if r.ok]
        total = median([r.seconds for r in good])
        medians[who] = total
        parts = {part: median([r.parts[part] for r in good if part in r.parts]) for part in ("register", "fetch-ris")}
        failed = len(mine) - len(good)
        detail = (
            f"median {_s(total)} (register {_s(parts['register'])} + fetch-ris {_s(parts['fetch-ris'])};"
            f" runs {_runs([r.seconds for r in good])}"
            + (f"; {failed} of {len(mine)} runs FAILED" if failed else "")
            + ")"
        )
        rows.append(Row(section, f"Journey, {label}", detail))
        summary[who] = {"median_s": total, "parts_median_s": parts, "failed": failed, "runs": len(mine)}
    # Where the difference goes: before the first page, and after the last one.
    for who, label in (("tool", "carsat-pilot"), ("straight", "straight")):
        good = [r for r in runs if r.who == who and r.ok]
        if not good:
            continue
        first = median([sum(r.first_request_s.values()) for r in good])
        tail = median([sum(r.tail_s.values()) for r in good])
        rows.append(
            Row(
                section,
                f"  of which before the first page / after the last ({label}, 2 commands)",
                f"{_s(first)} / {_s(tail)}",
            )
        )
        summary[who]["before_first_page_median_s"] = first
        summary[who]["after_last_page_median_s"] = tail
    launch_s = launch.get("median_s")
    rows.append(
        Row(
            section,
            "Browser launch + close, bare (same launch, driver already up)",
            f"{_s(launch_s)} (runs {_runs(launch.get('runs_s', []))}); each side launches it twice",
        )
    )
    tool_s, straight_s = medians["tool"], medians["straight"]
    if tool_s and straight_s:
        ratio = tool_s / straight_s
        rows.append(
            Row(
                section,
                "Ratio tool ÷ straight",
                f"{ratio:.2f} (+{tool_s - straight_s:.2f} s)",
                f"≤ {RATIO_TARGET}",
                ratio <= RATIO_TARGET,
            )
        )
        summary["ratio"] = ratio
        if launch_s and straight_s > 2 * launch_s:
            net = (tool_s - 2 * launch_s) / (straight_s - 2 * launch_s)
            rows.append(Row(section, "Ratio without the 2 browser launches (information)", f"{net:.2f}"))
            summary["ratio_without_launches"] = net
    else:
        rows.append(
            Row(section, "Ratio tool ÷ straight", "— (a side has no successful run)", f"≤ {RATIO_TARGET}", False)
        )
    return rows, summary


def startup_rows(startup: dict[str, Any]) -> list[Row]:
    section = "2. Start-up"
    rows = []
    base = startup["python -c pass"]["median_s"]
    for name, data in startup.items():
        value = data["median_s"]
        extra = f" (+{value - base:.2f} s over python)" if name != "python -c pass" and value and base else ""
        fastest = min(data["runs_s"]) if data["runs_s"] else None
        result = f"{_s(value)}{extra}; min {_s(fastest)} — runs {_runs(data['runs_s'])}"
        if name == "carsat-pilot --help":
            rows.append(
                Row(section, name, result, f"≤ {HELP_TARGET_S} s", value is not None and value <= HELP_TARGET_S)
            )
        else:
            rows.append(Row(section, name, result))
    return rows


def effort_rows(runs: list[JourneyRun]) -> tuple[list[Row], dict[str, Any]]:
    section = "3. Human effort (actions)"
    good = [r for r in runs if r.who == "tool" and r.ok]
    rows: list[Row] = []
    summary: dict[str, Any] = {}
    by_hand = {"register": effort.manual(effort.MANUAL_NEW_ACCOUNT), "fetch-ris": effort.manual(effort.MANUAL_RIS)}
    for part, label in (("register", "New account (register + activate)"), ("fetch-ris", "A RIS (fetch-ris)")):
        manual = by_hand[part]
        if not good:
            rows.append(Row(section, label, f"tool — (no successful run); by hand {manual.total}"))
            continue
        from collections import Counter

        tool = effort.tool(Counter(good[0].handovers.get(part, {})))
        same = all(r.handovers.get(part) == good[0].handovers.get(part) for r in good)
        rows.append(
            Row(
                section,
                label,
                f"tool {tool.total} ({tool.detail}) vs by hand {manual.total} ({manual.detail})"
                + ("" if same else " — journal differed between runs"),
            )
        )
        summary[part] = {"tool": tool.as_dict(), "by_hand": manual.as_dict(), "same_in_every_run": same}
    return rows, summary


def politeness_rows(polite: dict[str, Any]) -> list[Row]:
    section = f"4. Politeness (RIS delay {polite['delay_s']:g} s, default interval)"
    if "error" in polite:
        return [Row(section, "fetch-ris", f"FAILED (exit {polite['exit_code']})", "", False)]
    latency = polite["availability_to_download_s"]
    target = POLITE_LATENCY_S + DEFAULT_INTERVAL_S
    per_min = polite["ris_page_requests_max_in_60s"]
    return [
        Row(
            section,
            "Availability → download",
            f"{latency:.1f} s (request → download {polite['request_to_download_s']:.1f} s;"
            f" refreshes after the request at gaps {polite['refresh_gaps_s']} s)",
            f"≤ 10 s + interval ({target:g} s)",
            latency <= target,
        ),
        Row(
            section,
            "Requests to the RIS page per minute",
            f"{per_min} in the busiest 60 s ({polite['ris_page_requests']} in all over"
            f" {polite['ris_page_requests_span_s']:.0f} s: page, request, refreshes)",
            f"≤ {REQUESTS_PER_MIN_TARGET}",
            per_min <= REQUESTS_PER_MIN_TARGET,
        ),
    ]


def memory_rows(runs: list[JourneyRun], method: str) -> tuple[list[Row], dict[str, Any]]:
    section = "5. Memory (peak during the journey)"
    rows: list[Row] = []
    summary: dict[str, Any] = {"method": method}
    for who, label in (("tool", "carsat-pilot"), ("straight", "straight script")):
        peaks = [p for r in runs if r.who == who and r.ok for p in r.memory.values()]
        if not peaks:
            continue
        python_mb = max(p.python_kb for p in peaks) / 1024
        browser_mb = max(p.browser_kb for p in peaks) / 1024
        pss_mb = max(p.browser_pss_kb for p in peaks) / 1024
        driver_mb = max(p.driver_kb for p in peaks) / 1024
        processes = max(p.browser_processes for p in peaks)
        rows.append(Row(section, f"{label}: Python process", f"{python_mb:.0f} MB"))
        rows.append(
            Row(
                section,
                f"{label}: browser (Chromium processes, children)",
                f"{browser_mb:.0f} MB RSS sum over {processes} processes (PSS sum {pss_mb:.0f} MB)",
            )
        )
        rows.append(Row(section, f"{label}: Playwright driver (node)", f"{driver_mb:.0f} MB"))
        summary[who] = {
            "python_mb": round(python_mb, 1),
            "browser_rss_sum_mb": round(browser_mb, 1),
            "browser_pss_sum_mb": round(pss_mb, 1),
            "driver_mb": round(driver_mb, 1),
            "browser_processes_max": processes,
        }
    rows.append(Row(section, "Method", method))
    return rows, summary


# --------------------------------------------------------------------------- rendering
def machine_lines(machine: dict[str, Any]) -> list[str]:
    load = " ".join(f"{v:.2f}" for v in machine.get("load_average_start", []))
    return [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_mb']} MB RAM",
        f"Python {machine['python']}, Playwright {machine['playwright']}, {machine['chromium']}"
        f" ({machine['browser_path']})",
        f"Load average at start: {load}",
    ]


def text_table(rows: list[Row]) -> str:
    headers = ("Measure", "Result", "Target", "")
    width_m = max(len(headers[0]), *(len(r.measure) for r in rows))
    width_t = max(len(headers[2]), *(len(r.target) for r in rows))
    width_r = min(110, max(len(headers[1]), *(len(r.result) for r in rows)))
    lines: list[str] = []
    section = None

    def line(a: str, b: str, c: str, d: str) -> str:
        return f"{a:<{width_m}}  {b:<{width_r}}  {c:<{width_t}}  {d}".rstrip()

    lines.append(line(*headers))
    lines.append("-" * (width_m + width_r + width_t + 12))
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"[{section}]")
        result = row.result
        chunks = [result[i : i + width_r] for i in range(0, len(result), width_r)] or [""]
        lines.append(line(row.measure, chunks[0], row.target, row.verdict))
        for chunk in chunks[1:]:
            lines.append(line("", chunk, "", ""))
    return "\n".join(lines)


def markdown(rows: list[Row], machine: dict[str, Any], settings: dict[str, Any]) -> str:
    out = [
        "<!-- written by `python -m bench` — paste under « Performances » -->",
        "",
        f"Measured with `python -m bench` ({settings['runs']} alternating runs, RIS delay"
        f" {settings['ris_delay']:g} s for politeness) on {machine['cpu']}, {machine['cores']} cores,"
        f" Python {machine['python']}, {machine['chromium']}; load average"
        f" {machine['load_average_start'][0]:.1f} at the start,"
        f" {machine.get('load_average_end', '?').split()[0]} at the end.",
        "",
        "| | Measure | Result | Target | |",
        "|---|---|---|---|---|",
    ]
    section = None
    for row in rows:
        if row.measure == "Method":
            continue
        label = ""
        if row.section != section:
            section = row.section
            label = f"**{section}**"
        cells = [label, row.measure, row.result, row.target, {"met": "✅", "MISSED": "❌"}.get(row.verdict, "")]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    method = next((r.result for r in rows if r.measure == "Method"), "")
    out += [
        "",
        "Journey = register (with activation) then fetch-ris (`--refresh-interval 1`) on the embedded replica"
        " (no latency, RIS delay 0), the captcha and the link answered at once from the replica's state;"
        " the straight script does the same clicks and fills with sync Playwright, same Chromium and launch."
        f" Memory: {method}.",
        "",
    ]
    return "\n".join(out)
