"""The rush's numbers against issue 11's targets: medians of the runs, the table, the file."""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float
    unit: str = ""
    worst: bool = False
    """The worst run counts (a peak, a fault), not the median."""

    def met(self, value: float | None) -> bool:
        return value is not None and value <= self.limit


TARGETS = (
    Target("all_outcomes_s", "every attendee knows the outcome after (s)", 5),
    Target("seat_300_confirmed_s", "300th seat confirmed after (s)", 2),
    Target("outcome_p99_s", "outcome latency p99, send → outcome known (s)", 2),
    Target("cpu_ms_per_registration", "CPU per registration, stack, to all outcomes (ms)", 5),
    Target("cpu_ms_per_registration_mails", "CPU per registration, stack, to all mails (ms)", 5),
    Target("all_mails_s", "every mail delivered after (s)", 60),
    Target("peak_memory_mib", "peak memory, stack + broker + Postgres (MiB)", 1536, worst=True),
    Target("overbooked", "overbooked", 0, worst=True),
    Target("lost", "lost (no outcome)", 0, worst=True),
    Target("duplicates", "decided twice (decisions topic)", 0, worst=True),
)
DETAILS = (
    "cpu_ms_per_registration_above_idle",
    "registrations_per_s",
    "decisions_per_s",
    "published_per_s",
    "load_generator_cpu_s",
    "bench_cpu_s",
    "confirmed",
    "waitlisted",
    "errors",
    "poll_errors",
    "first_choice_share",
)


def pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


def median(values: list[Any]) -> float | None:
    """The median with a missing value (never reached, timed out) counted as endless."""
    numbers = [math.inf if v is None else float(v) for v in values]
    if not numbers:
        return None
    middle = statistics.median(numbers)
    return None if math.isinf(middle) else middle


def worst(values: list[Any]) -> float | None:
    return None if any(v is None for v in values) or not values else max(values)


def median_run(runs: list[dict[str, Any]]) -> int:
    """The run whose time to every outcome is the median one (the one plotted)."""
    order = sorted(range(len(runs)), key=lambda i: runs[i]["all_outcomes_s"] or math.inf)
    return order[(len(order) - 1) // 2]


def summarise(name: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One setting: per target the median of the runs (the worst for peaks and faults),
    the details' medians, what met its target, every run."""
    first = runs[0]
    out: dict[str, Any] = {
        "setting": name,
        "in_flight": first["in_flight"],
        "forums": first["forums"],
        "attendees": first["attendees"],
        "runs": len(runs),
    }
    for target in TARGETS:
        values = [r[target.key] for r in runs]
        out[target.key] = worst(values) if target.worst else median(values)
    for key in DETAILS:
        out[key] = median([r[key] for r in runs])
    for key in ("request_latency_ms", "outcome_latency_ms"):
        out[key] = {q: median([r[key][q] for r in runs]) for q in first[key]}
    out["desk"] = {k: median([r["desk"][k] for r in runs]) for k in first["desk"]}
    out["met"] = {t.key: t.met(out[t.key]) for t in TARGETS}
    out["median_run"] = median_run(runs) + 1
    out["all_runs"] = runs
    return out


def against_machine(setting: dict[str, Any], machine: dict[str, Any]) -> dict[str, float | None]:
    """The rush as shares of what the machine does at most."""

    def share(value: float | None, limit: float | None) -> float | None:
        return round(value / limit, 3) if value is not None and limit else None

    return {
        "registrations_per_s_of_bare_uvicorn": share(
            setting["registrations_per_s"], machine["bare_uvicorn_per_s"]
        ),
        "decisions_per_s_of_postgres_commits": share(
            setting["decisions_per_s"], machine["postgres_commits_per_s"].get("clients_1")
        ),
        "published_per_s_of_broker_produce": share(
            setting["published_per_s"], machine["broker_produce_per_s"]
        ),
    }


def _cell(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "never"
    return f"{value:.{digits}f}" if digits else f"{value:.0f}"


def _ratio(value: float | None, share: float | None) -> str:
    return f"{_cell(value)} ({share:.1%})" if share is not None else _cell(value)


def table(summary: dict[str, Any]) -> str:
    settings = summary["settings"]
    head = ["", "target", *(s["setting"] for s in settings)]
    rows = [head]
    for target in TARGETS:
        cells = [target.label, f"≤ {target.limit:g}" if target.limit else "0"]
        for s in settings:
            digits = (
                0 if target.key in ("peak_memory_mib", "overbooked", "lost", "duplicates") else 1
            )
            digits = (
                2
                if target.key.startswith("seat_300") or target.key.startswith("outcome_p")
                else digits
            )
            mark = "ok" if s["met"][target.key] else "MISSED"
            cells.append(f"{_cell(s[target.key], digits)} {mark}")
        rows.append(cells)
    m = summary.get("machine", {})
    pg = m.get("postgres_commits_per_s", {}).get("clients_1")

    def detail(label: str, fmt: Any) -> None:
        rows.append([label, "", *(fmt(s) for s in settings)])

    rows.append([""] * len(head))
    detail(
        f"registrations/s (share of bare uvicorn {_cell(m.get('bare_uvicorn_per_s'), 0)}/s)",
        lambda s: _ratio(
            s["registrations_per_s"], s["vs_machine"]["registrations_per_s_of_bare_uvicorn"]
        ),
    )
    detail(
        f"decisions/s (share of Postgres {_cell(pg, 0)} commits/s)",
        lambda s: _ratio(
            s["decisions_per_s"], s["vs_machine"]["decisions_per_s_of_postgres_commits"]
        ),
    )
    detail(
        f"records published/s (share of broker {_cell(m.get('broker_produce_per_s'), 0)}/s)",
        lambda s: _ratio(
            s["published_per_s"], s["vs_machine"]["published_per_s_of_broker_produce"]
        ),
    )
    detail(
        "POST latency p50/p95/p99 (ms)",
        lambda s: "/".join(_cell(s["request_latency_ms"][q], 0) for q in ("p50", "p95", "p99")),
    )
    detail(
        "outcome latency p50/p95 (s)",
        lambda s: "/".join(_cell(s["outcome_latency_ms"][q] / 1000, 1) for q in ("p50", "p95")),
    )
    detail(
        "confirmed / waitlisted / errors",
        lambda s: (
            f"{_cell(s['confirmed'], 0)} / {_cell(s['waitlisted'], 0)} / {_cell(s['errors'], 0)}"
        ),
    )
    if any(s["forums"] for s in settings):
        detail(
            "first choice of the confirmed",
            lambda s: (
                f"{s['first_choice_share']:.0%}" if s["first_choice_share"] is not None else ""
            ),
        )
    detail(
        f"CPU/registration above idle ({_cell(summary.get('stack_idle_cpu_ms_per_s'), 0)} ms/s)",
        lambda s: _cell(s["cpu_ms_per_registration_above_idle"], 1),
    )
    detail("load generator CPU (s)", lambda s: _cell(s["load_generator_cpu_s"], 1))
    detail(
        "desk: polls, p50/p95 ms, KiB",
        lambda s: (
            f"{_cell(s['desk']['requests'], 0)}, {_cell(s['desk']['p50_ms'], 0)}/"
            f"{_cell(s['desk']['p95_ms'], 0)}, {_cell(s['desk']['bytes'] / 1024, 0)}"
        ),
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append("")
    lines.append(
        f"medians of {summary['runs']} run(s) of {summary['attendees']} attendees for "
        f"{summary['capacity']} seats (peak memory and faults: the worst run); {summary['broker']}"
    )
    if m:
        lines.append(
            f"machine: bare uvicorn {m['bare_uvicorn_per_s']:.0f} req/s (load generator "
            f"{m['bare_uvicorn']['cpu_s']:.1f} s CPU), Postgres single-row commits/s "
            f"{m['postgres_commits_per_s']}, broker produce {m['broker_produce_per_s']:.0f} msg/s"
        )
    cost = summary.get("desk_cost")
    if cost:
        lines.append(
            "desk poll on a quiet stack: with the table "
            f"{cost['with_table']['cpu_ms_per_request']} ms CPU, "
            f"{cost['with_table']['bytes_per_request']} B; counts only "
            f"{cost['counts_only']['cpu_ms_per_request']} ms CPU, "
            f"{cost['counts_only']['bytes_per_request']} B"
        )
    return "\n".join(lines)


def to_json(summary: dict[str, Any]) -> str:
    """Indented, but a list of numbers (a timeline's column) on one line."""
    text = json.dumps(summary, indent=2, allow_nan=False)
    numbers = re.compile(r"\[\s*((?:-?[\d.eE+-]+|null)(?:,\s*(?:-?[\d.eE+-]+|null))*)\s*\]")
    return numbers.sub(lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text) + "\n"
