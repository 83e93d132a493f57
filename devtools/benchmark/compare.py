"""Two runs of the benchmark side by side (``manage.py bench --compare``): per page, the
queries of each run and the ratio of their medians, as between scale 1 and scale 5 —
the queries must not change with the data; the time may grow, by as little as can be."""

import json
import statistics
from pathlib import Path


def load(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def _run(data: dict) -> str:
    machine = data.get("machine") or {}
    return (
        f"{data['database']['vendor']}, scale {data['scale']:g}, {data['generated_at']}, "
        f"load average {machine.get('load_average_before')}"
    )


def _line(name: str, base: dict, other: dict) -> tuple[str, float | None]:
    ratio = other["median_ms"] / base["median_ms"] if base["median_ms"] else None
    queries = f"{base['queries']:>4} {other['queries']:>4}"
    flag = "" if base["queries"] == other["queries"] else "  queries differ"
    shown = "—" if ratio is None else f"{ratio:.2f}"
    return (
        f"{name[:52]:<52} {queries} {base['median_ms']:>9.1f} {other['median_ms']:>9.1f} "
        f"{shown:>7}{flag}",
        ratio,
    )


def compare(base: dict, other: dict) -> str:
    """The table of ``other`` against ``base``: their queries, their medians in ms
    and the median's ratio, other over base, for each page both ran."""
    lines = [
        f"Base:  {_run(base)}",
        f"Other: {_run(other)}",
        f"{'page':<52} {'q':>4} {'q':>4} {'base ms':>9} {'other ms':>9} {'ratio':>7}",
    ]
    if base.get("floor") and other.get("floor"):
        lines.append(_line("floor", base["floor"], other["floor"])[0])
    ratios, differ, missing = [], [], []
    for name, page in base["pages"].items():
        if name not in other["pages"]:
            missing.append(name)
            continue
        line, ratio = _line(name, page, other["pages"][name])
        lines.append(line)
        if ratio is not None:
            ratios.append(ratio)
        if page["queries"] != other["pages"][name]["queries"]:
            differ.append(name)
    missing += [name for name in other["pages"] if name not in base["pages"]]
    if ratios:
        lines.append(
            f"{len(ratios)} pages: median ratio {statistics.median(ratios):.2f}, "
            f"largest {max(ratios):.2f}; queries differ on {len(differ)}"
            + (f" ({', '.join(differ)})" if differ else "")
            + "."
        )
    if missing:
        named = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        lines.append(f"In one run only: {len(missing)} pages ({named}).")
    return "\n".join(lines)
