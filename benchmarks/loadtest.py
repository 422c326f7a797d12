#!/usr/bin/env python
"""Load test (`make loadtest`): the real production server — `make serve`, gunicorn with 2 sync
workers, production settings — on PostgreSQL with a city-scale year (1,000 listings), loaded over
loopback by wrk (Debian's package) at 1, 8 and 32 connections on the overview, the filtered
project list and a project page; then a reporting day (benchmarks/reporting_day.py): staff saving
reports through the form while others read. Prints the tables and writes their section of
docs/benchmarks.md (a run with --only prints its table and leaves the file alone).

The database (kploadtest on the PostgreSQL that DATABASE_URL names, by default the local one) is
dropped and rebuilt each run. wrk runs on the same 2 cores as the server, so it takes its share.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()  # for the demo's password only; the servers run in their own processes

from benchmarks import reporting_day  # noqa: E402
from benchmarks.report import machine_line, replace_section  # noqa: E402
from benchmarks.reporting_day import report_lines as reporting_day_lines  # noqa: E402
from benchmarks.wrk import result_cells, wrk  # noqa: E402
from tests.deploy.servers import Server, Site, Visitor, manage, sql  # noqa: E402

DATABASE = os.environ.get("LOADTEST_DATABASE", "kploadtest")  # another name lets two runs share a server
YEAR = 2016
LISTINGS = 1000
CONNECTIONS = (1, 8, 32)
# Each page's target at 8 connections: req/s at least, p95 at most.
TARGETS = {"总览": (100, 200), "项目列表（两个筛选）": (150, 100), "项目页": (150, 100)}
SCENARIOS = ("pages", "reporting-day")


def build_site(folder):
    """A fresh database: the demo (for its accounts) and 1,000 generated listings in one year."""
    sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    sql(f'CREATE DATABASE "{DATABASE}"')
    site = Site(DATABASE, folder / "media")
    manage("migrate", "--noinput", "-v0", env=site.env())
    manage("load_demo", env=site.env())
    manage("generate_scale_data", "--listings", str(LISTINGS), "--years", str(YEAR), "--seed", "2016", env=site.env())
    site.sql("ANALYZE")
    return site


def pages(site):
    (project,) = site.sql(
        "SELECT project_id FROM projects_listing WHERE year = %s ORDER BY id LIMIT 1 OFFSET %s", (YEAR, LISTINGS // 2)
    )[0]
    return {
        "总览": f"/overview/?year={YEAR}&month=9&level=city",
        "项目列表（两个筛选）": f"/projects/?year={YEAR}&level=city&category=continuing&warning=green",
        "项目页": f"/projects/{project}/",
    }


def load(server, visitor, path, connections, seconds):
    cookie = "; ".join(f"{name}={value}" for name, value in visitor.cookies.items())
    headers = ("X-Forwarded-Proto: https", f"Cookie: {cookie}")
    return wrk(server.url + path, connections=connections, seconds=seconds, headers=headers)


def check_page(server, visitor, path):
    response = visitor.get(server, path)
    assert response.status_code == 200, f"{path}: {response.status_code} (expected 200 for the signed-in admin)"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run (default 10)")
    parser.add_argument("--only", choices=SCENARIOS, help="one scenario, printed (docs/benchmarks.md unchanged)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk 未安装：apt-get install wrk")
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    rows, day = [], None
    with tempfile.TemporaryDirectory(prefix="kploadtest-") as folder:
        folder = Path(folder)
        site = build_site(folder)
        server = Server(site, folder / "static", folder / "server.log", WORKERS="2")
        server.start()
        try:
            admin = Visitor().login(server, "admin")
            if options.only in (None, "pages"):
                rows = run_pages(server, site, admin, options.seconds)
            if options.only in (None, "reporting-day"):
                day = run_reporting_day(server, site, admin, options.seconds)
        finally:
            server.stop()
            sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    elapsed = time.perf_counter() - started
    if options.only:
        lines = reporting_day_lines(day, listings=LISTINGS, seconds=options.seconds) if day else page_lines(rows)
        print("\n".join(lines))
    else:
        write_report(rows, day, options.seconds, elapsed, load=(load_before, os.getloadavg()[0]))


def run_pages(server, site, admin, seconds):
    rows = []
    for name, path in pages(site).items():
        check_page(server, admin, path)
        load(server, admin, path, 8, 3)  # warm-up: connections, caches, the workers' first imports
        for connections in CONNECTIONS:
            result = load(server, admin, path, connections, seconds)
            rows.append((name, connections, result))
            print(f"{name} ×{connections}: {result['rps']:.1f} 次/秒, p95 {result['p95_us'] / 1000:.0f} ms")
        check_page(server, admin, path)  # still signed in: no run measured the login page
    return rows


def run_reporting_day(server, site, admin, seconds):
    """After the pages, so that their data stays as it was: the reporting day's year is added now."""
    reporting_day.build(site, LISTINGS, seed=reporting_day.YEAR)
    paths = reporting_day.read_paths(site)
    for path in paths:
        check_page(server, admin, path)
    day = reporting_day.run(site, server, admin, paths, seconds)
    check_page(server, admin, paths[0])
    return day


def page_lines(rows):
    return [
        "| 页面 | 并发连接 | 请求/秒 | p50 | p95 | p99 | 请求数 | 错误 |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {name} | {connections} | {result_cells(result)} | {result['socket_errors'] + result['status_errors']} |"
            for name, connections, result in rows
        ),
    ]


def write_report(rows, day, seconds, elapsed, load):
    verdicts = []
    for name, connections, result in rows:
        if connections == 8 and name in TARGETS:
            rps, p95_ms = TARGETS[name]
            met = result["rps"] >= rps and result["p95_us"] / 1000 <= p95_ms
            verdicts.append(
                f"{name} ≥ {rps} 次/秒且 p95 ≤ {p95_ms} ms —— 实测 {result['rps']:.1f} 次/秒、"
                f"p95 {result['p95_us'] / 1000:.0f} ms，{'达标' if met else '未达标'}"
            )
    errors = sum(result["socket_errors"] + result["status_errors"] for _, _, result in rows)
    lines = [
        "## 负载测试（make loadtest）",
        "",
        f"{date.today():%Y-%m-%d}，{machine_line(f'Django {django.get_version()}；PostgreSQL')}。",
        f"`make serve`（生产配置，gunicorn 2 个同步 worker）；{YEAR} 年 {LISTINGS:,} 个市级清单项目（另有演示数据）；",
        f"管理员登录后由 wrk 经本机回环访问，每种并发运行 {seconds} 秒（先预热 3 秒）；wrk 与服务器共用 2 个核。",
        f"本机 1 分钟平均负载：开始时 {load[0]:.1f}，结束时 {load[1]:.1f}（高于核数时有其他任务争用，各数值偏慢）。",
        "",
        *page_lines(rows),
        "",
        "目标（8 个并发连接）：" + "；".join(verdicts) + "。",
        "",
        f"全部请求错误数：{errors}。全部运行用时 {elapsed:.0f} 秒。",
        "",
        *reporting_day_lines(day, listings=LISTINGS, seconds=seconds),
    ]
    section = "\n".join(lines)
    replace_section("负载测试", section)
    print(section)


if __name__ == "__main__":
    main()
