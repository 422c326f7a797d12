"""wrk (Debian's package) run from the load test: its command line, and its summary read back from
the JSON line the Lua scripts print."""

import json
import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent


def wrk_start(url, *, connections, seconds, script="wrk-report.lua", headers=(), args=()):
    """wrk running in the background (two at once make a mixed load); ``wrk_result`` waits for it."""
    command = [
        "wrk",
        f"--threads={min(connections, 2)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={SCRIPTS / script}",
        *(f"--header={header}" for header in headers),
        url,
        *(["--", *args] if args else []),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_result(process):
    output, errors = process.communicate()
    if process.returncode:
        raise RuntimeError(f"wrk exited with {process.returncode}: {errors}")
    line = next(line for line in output.splitlines() if line.startswith("LOADTEST "))
    result = json.loads(line.removeprefix("LOADTEST "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def wrk(url, **options):
    return wrk_result(wrk_start(url, **options))


def result_cells(result):
    """请求/秒 | p50 | p95 | p99 | 请求数, for a table row."""
    return (
        f"{result['rps']:.1f} | {result['p50_us'] / 1000:.0f} ms | {result['p95_us'] / 1000:.0f} ms"
        f" | {result['p99_us'] / 1000:.0f} ms | {result['requests']:,}"
    )
