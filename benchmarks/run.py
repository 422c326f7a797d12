#!/usr/bin/env python
"""Benchmarks (`make bench`): pages, import and export at city and province scale, side by side
with bare openpyxl and django-import-export. Prints one table and writes docs/benchmarks.md.

Pages are seen by the office that reads them: a district's (the demo's 卫东区) with its own
listings, and a city's and the province's overview, ranking the nodes one tier down, over
listings spread across the districts of an invented province (projects.devdata.scale). A page's
query count is recorded at every size and must not grow with the data.

The scale database is an SQLite file (bench.sqlite3, rebuilt each run) unless DATABASE_URL names
another database, which is then emptied and filled. Each timing is the median of several runs.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{BASE / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from benchmarks.report import machine_line, replace_section  # noqa: E402
from projects.models import Listing, ListingCumulative, Project, Region  # noqa: E402

REPEATS = 7
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def median_ms(action, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def median_seconds(*actions, repeats):
    """The median seconds of each action, the actions run alternately so that a slower stretch of
    the machine weighs on all of them alike."""
    times = {action: [] for action in actions}
    for _ in range(repeats):
        for action in actions:
            started = time.perf_counter()
            action()
            times[action].append(time.perf_counter() - started)
    return [statistics.median(times[action]) for action in actions]


def peak_mb(action):
    """Peak traced memory of one run of ``action`` (tracemalloc slows Python down about twofold,
    so it never runs while the clock does)."""
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def measured(action, repeats=3, trace=True):
    """(median seconds over ``repeats`` runs, peak MB of one more run, or None)."""
    (seconds,) = median_seconds(action, repeats=repeats)
    return seconds, peak_mb(action) if trace else None


def measured_pair(ours, other, repeats=5):
    """(median seconds of ``ours``, of ``other``, peak MB of ``ours``), run alternately."""
    seconds, other_seconds = median_seconds(ours, other, repeats=repeats)
    return seconds, other_seconds, peak_mb(ours)


def page_figures(client, url):
    connection.queries_log.clear()  # a full log (9,000 entries) would make every count 0
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return median_ms(lambda: client.get(url)), len(queries.captured_queries)


def reset_database():
    if connection.vendor == "sqlite":
        connection.close()
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


PAGE_YEARS = tuple(range(2006, 2016))  # the province's listings over ten years; pages show 2015
EXPORT_YEAR = 2016  # the progress table's listings, all in one year


def grow_to(target, years, districts):
    """Add listings in ``years`` to ``districts`` until they hold ``target`` (the generator spreads
    them evenly over the years and the districts)."""
    from projects.devdata.scale import scale_data_generate

    have = Listing.objects.filter(year__in=years, level="city", project__district__in=districts).count()
    if target > have:
        scale_data_generate(listings=target - have, seed=target + years[0], years=years, districts=districts)
        if connection.vendor == "postgresql":  # as autovacuum would soon: plans need statistics
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


class Row:
    """One line of the report: a figure, what it is compared with, and its target."""

    def __init__(self, item, size, result, comparison="", target="", met=None):
        self.item, self.size, self.result, self.comparison, self.target, self.met = (
            item, size, result, comparison, target, met,
        )  # fmt: skip

    def cells(self):
        verdict = "" if self.met is None else ("达标" if self.met else "**未达标**")
        return (self.item, self.size, self.result, self.comparison, self.target, verdict)


PAGE_TARGETS_MS = {
    "总览 /": 300,
    "项目列表（两个筛选）": 150,
    "项目页": 100,
    "市总览（含排名）": 300,
    "省总览（含排名）": 300,
}
REGIONS = 100  # 示例省's districts, ten cities of ten: the city ranks ten districts, the province ten cities


def bench_pages(rows, size, query_counts):
    """The district office's pages (the demo's admin, 卫东区), with ``size`` listings in 卫东区."""
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    grow_to(size, PAGE_YEARS, [admin.region])
    in_year = Listing.objects.filter(year=2015, level="city").count()
    total = Listing.objects.count()
    project = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")  # the same page at every size
    pages = {
        "总览 /": "/?year=2015&month=9&level=city",
        "项目列表（两个筛选）": "/projects/?year=2015&level=city&category=continuing&warning=green",
        "项目页": f"/projects/{project.pk}/",
    }
    for name, url in pages.items():
        ms, queries = page_figures(client, url)
        query_counts.setdefault(name, set()).add(queries)
        target = PAGE_TARGETS_MS[name]
        rows.append(Row(name, f"库中 {total:,} 个清单（10 年，当年 {in_year:,} 个）", f"{ms:.0f} ms",
                        f"{queries} 次查询", f"≤ {target} ms", ms <= target))  # fmt: skip
        print(*rows[-1].cells(), sep=" | ", flush=True)


def office_client(region):
    """A client signed in as an admin of ``region``'s office (created on first use)."""
    user, _ = User.objects.get_or_create(
        username=f"bench-{region.code}", defaults={"role": Role.ADMIN, "region": region}
    )
    client = Client()
    client.force_login(user)
    return client


def bench_region_pages(rows, size, query_counts):
    """The overview of a city and of the province, each ranking the nodes one tier down, signed
    in as that office's admin, with ``size`` listings spread over 示例省's districts."""
    from projects.devdata.scale import scale_regions
    from projects.scoping import regions_under

    districts = scale_regions(REGIONS)
    city = districts[0].parent
    grow_to(size, PAGE_YEARS, districts)
    for name, region in (("市总览（含排名）", city), ("省总览（含排名）", city.parent)):
        under = Listing.objects.filter(project__district__in=regions_under(region.pk))
        in_year = under.filter(year=2015, level="city").count()
        below = region.children.count()
        url = f"{region.get_absolute_url()}&year=2015&month=9&level=city"
        client = office_client(region)
        assert client.get(url).context["o"].region == region, url  # that node's page, not the office's default
        ms, queries = page_figures(client, url)
        query_counts.setdefault(name, set()).add(queries)
        target = PAGE_TARGETS_MS[name]
        rows.append(Row(name, f"{region.name}（{below} 个下级）{under.count():,} 个清单（10 年，当年 {in_year:,} 个）",
                        f"{ms:.0f} ms", f"{queries} 次查询", f"≤ {target} ms", ms <= target))  # fmt: skip
        print(*rows[-1].cells(), sep=" | ", flush=True)


STRESS_LISTINGS = 50000  # a city's list, or a province's, ten times over, in a single year
STRESS_RATIO = 3  # the overview at most three times the floor pass below


def floor_pass(year, month):
    """The floor of any overview: one grouped SQL pass over the year's listings and their rows of
    month-end cumulatives (count, plan and investment per category), nothing else."""
    column = f"cumulative_row__{ListingCumulative.field_for(month)}"
    groups = Listing.objects.filter(year=year, level="city").values("category")
    return list(groups.annotate(n=Count("id"), plan=Sum("annual_plan"), done=Sum(column)).order_by())


def bench_stress_overview(rows, size):
    """The district overview of a single year holding 50,000 listings, beside the floor pass
    measured alternately in the same run: every figure from a few grouped queries, none per listing."""
    admin = User.objects.get(username="admin")
    grow_to(size, (EXPORT_YEAR,), [admin.region])
    client = Client()
    client.force_login(admin)
    in_year = Listing.objects.filter(year=EXPORT_YEAR, level="city").count()
    url = f"/?year={EXPORT_YEAR}&month=9&level=city"
    _, queries = page_figures(client, url)  # another year than the pages above, with other panels: its own count
    page, floor = median_seconds(lambda: client.get(url), lambda: floor_pass(EXPORT_YEAR, 9), repeats=REPEATS)
    peak = peak_mb(lambda: client.get(url))
    ratio = page / floor
    rows.append(Row("总览 /（压力：一年内全部清单）", f"当年 {in_year:,} 个清单",
                    f"{page * 1000:.0f} ms，峰值 {peak:.0f} MB，{queries} 次查询",
                    f"底线（一次分组查询）{floor * 1000:.0f} ms，本系统为其 {ratio:.1f} 倍",
                    f"≤ {STRESS_RATIO} 倍" if size >= STRESS_LISTINGS else "",
                    ratio <= STRESS_RATIO if size >= STRESS_LISTINGS else None))  # fmt: skip
    print(*rows[-1].cells(), sep=" | ", flush=True)


def bench_export(rows, size):
    from projects.exporters.progress import write_progress_table
    from projects.selectors.progress import progress_table

    admin = User.objects.get(username="admin")
    grow_to(size, (EXPORT_YEAR,), [admin.region])
    table = progress_table(user=admin, year=EXPORT_YEAR, month=9, level="city")

    def ours(table=table):
        with tempfile.TemporaryFile() as output:
            write_progress_table(output, table)

    def bare(table=table):
        """The same rows, read the same way, written as plain values: no styles, no layout."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("bare")
        for number, line in enumerate(table.rows(), start=1):
            share = line.cumulative / line.annual_plan if line.annual_plan else None
            sheet.append([
                number, line.name, line.owner, line.content, line.total_investment, line.annual_plan,
                line.cumulative, share, line.progress_text, line.problems, line.leaders, line.unit,
            ])  # fmt: skip
        with tempfile.TemporaryFile() as output:
            workbook.save(output)

    seconds, floor, peak = measured_pair(ours, bare)
    ratio = seconds / floor
    big = size >= 20000
    rows.append(Row("进展表导出", f"{table.summary.listings:,} 个清单", f"{seconds:.2f} s，峰值 {peak:.0f} MB",
                    f"裸 openpyxl 只写 {floor:.2f} s，本系统为其 {ratio:.2f} 倍",
                    "≤ 5 s，≤ 150 MB，≤ 1 倍" if big else "",
                    (seconds <= 5 and peak <= 150 and ratio <= 1) if big else None))  # fmt: skip
    print(*rows[-1].cells(), sep=" | ", flush=True)


def bench_oc4ids(rows, size):
    """The OC4IDS package of the export's year with every listed project of the district public:
    built, checked against the schema and codelists and written as JSON, 500 projects at a time
    (exporters.write_package); beside it the floor of
    reading the same projects' listed fields in one query and writing them as plain JSON."""
    import json

    from opendata.exporters import write_package
    from opendata.models import Publication
    from opendata.selectors.package import PackageRequest, package_parts

    admin = User.objects.get(username="admin")
    grow_to(size, (EXPORT_YEAR,), [admin.region])
    listed = Project.objects.filter(district=admin.region, listings__year=EXPORT_YEAR, publication__isnull=True)
    ids = listed.values_list("pk", flat=True)
    Publication.objects.bulk_create(Publication(project_id=pk, public=True) for pk in ids)
    request = PackageRequest(year=EXPORT_YEAR, region=admin.region)
    built = {}

    def ours():
        frame, entries = package_parts(user=admin, request=request)
        with tempfile.TemporaryFile() as output:
            built["projects"] = write_package(output, frame=frame, entries=entries)

    def bare():
        """The same projects' own fields and year's figures, as they sit in the tables."""
        fields = ("project_id", "project__name", "project__content", "project__total_investment", "annual_plan",
                  *(f"cumulative_row__month_{month}" for month in range(1, 13)))  # fmt: skip
        values = Listing.objects.filter(
            year=EXPORT_YEAR, project__district=admin.region, project__publication__public=True
        ).values_list(*fields)
        with tempfile.TemporaryFile("w", encoding="utf-8") as output:
            json.dump([[str(value) for value in row] for row in values], output, ensure_ascii=False, indent=2)

    with override_settings(KP_OC4IDS_PREFIX="oc4ids-bench0"):
        seconds, floor, peak = measured_pair(ours, bare, repeats=3)
    ratio = seconds / floor
    comparison = f"只读表中字段写成 JSON {floor:.2f} s，本系统为其 {ratio:.1f} 倍（含 schema 校验）"
    result = f"{seconds:.2f} s，峰值 {peak:.0f} MB"
    rows.append(Row("OC4IDS 导出", f"{built['projects']:,} 个项目", result, comparison, "", None))
    print(*rows[-1].cells(), sep=" | ", flush=True)


def import_workbook(count, path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2030年市重点项目"
    sheet.append(["卫东区2030年市重点项目名单"])
    sheet.append(["单位：万元"])
    sheet.append(
        [
            "序号",
            "项目名称",
            "建设单位",
            "建设内容及规模",
            "建设地点",
            "建设年限",
            "总投资（万元）",
            "2030年计划投资（万元）",
        ]
    )
    streets = ["北环路街道", "东安路街道", "光华路街道", "皇台街道"]
    sheet.append(["一、续建项目"])
    for number in range(1, count + 1):
        sheet.append([number, f"基准测试项目{number:05d}（示例）", "示例建设有限公司", "建设厂房及配套设施",
                      streets[number % 4], "2029-2031", 10000 + number, 3000 + number])  # fmt: skip
    workbook.save(path)
    flat = Workbook()
    flat.active.append(["name", "owner", "content", "total_investment", "start_year", "end_year"])
    for number in range(1, count + 1):
        flat.active.append(
            [f"基准测试项目{number:05d}（示例）", "示例建设有限公司", "建设厂房及配套设施", 10000 + number, 2029, 2031]
        )
    flat_path = path.with_name("flat.xlsx")
    flat.save(flat_path)
    return flat_path


def bench_import(rows, count=5000, compare=True):
    """Our import of ``count`` rows beside the bare parses (and django-import-export when ``compare``)."""
    from django.core.files import File

    from projects.services.imports import import_confirm, import_upload

    admin = User.objects.get(username="admin")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        flat_path = import_workbook(count, path)

        queries = []

        def ours():
            with transaction.atomic():
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as captured, path.open("rb") as handle:
                    record, plan = import_upload(
                        user=admin, upload=File(handle, name="list.xlsx"), year=2030, level="city"
                    )
                    assert plan.ok, plan.errors[:3]
                    import_confirm(user=admin, record=record)
                queries.append(len(captured.captured_queries))
                assert Listing.objects.filter(year=2030).count() == count
                transaction.set_rollback(True)

        def floor():
            workbook = load_workbook(path, read_only=True, data_only=True)
            for _ in workbook.active.iter_rows(values_only=True):
                pass
            workbook.close()

        def calamine_floor():
            workbook = CalamineWorkbook.from_path(str(path))
            workbook.get_sheet_by_index(0).to_python()
            workbook.close()

        seconds, floor_seconds, calamine_seconds = median_seconds(ours, floor, calamine_floor, repeats=3)
        peak = peak_mb(ours)
        ratio, calamine_ratio = seconds / floor_seconds, seconds / calamine_seconds
        full = count >= 5000
        met = ratio <= 2 and calamine_ratio <= 10 and peak <= 200
        rows.append(Row(f"导入 {count:,} 行（预览＋确认）", "—",
                        f"{seconds:.2f} s，峰值 {peak:.0f} MB，{'/'.join(map(str, sorted(set(queries))))} 次查询",
                        f"裸 openpyxl 只读解析 {floor_seconds:.2f} s（本系统为其 {ratio:.2f} 倍），"
                        f"裸 python-calamine 解析 {calamine_seconds:.3f} s（{calamine_ratio:.1f} 倍）",
                        "≤ 2 倍 openpyxl，≤ 10 倍 calamine，≤ 200 MB" if full else "",
                        met if full else None))  # fmt: skip
        print(*rows[-1].cells(), sep=" | ", flush=True)
        if not compare:
            return
        for mode, use_bulk, limit in (("默认模式", False, 0.25), ("批量模式", True, 1.0)):
            other = import_export_seconds(flat_path, use_bulk)
            if other is None:
                rows.append(Row(f"django-import-export {mode}", "—", "未安装", "pip install -e '.[bench]'"))
            else:
                target = "本系统 ≤ 其 1/4 用时" if limit < 1 else "本系统 ≤ 其用时"
                rows.append(Row(f"django-import-export {mode}", f"{count:,} 行", f"{other:.2f} s",
                                f"本系统为其 {seconds / other:.2f} 倍用时", target if full else "",
                                (seconds / other <= limit) if full else None))  # fmt: skip
            print(*rows[-1].cells(), sep=" | ", flush=True)


def import_export_seconds(flat_path, use_bulk):
    try:
        import tablib
        from import_export import resources
    except ImportError:
        return None

    meta = type(
        "Meta",
        (),
        {
            "model": Project,
            "fields": ("name", "owner", "content", "total_investment", "start_year", "end_year"),
            "import_id_fields": ("name",),
            "skip_unchanged": True,
            "use_bulk": use_bulk,
            "batch_size": 1000,
        },
    )
    district = Region.objects.get(code="410403")  # every project lies in a district; the file names none

    def init_instance(self, row=None):
        return Project(district=district)

    members = {"Meta": meta, "init_instance": init_instance}
    ProjectResource = type("ProjectResource", (resources.ModelResource,), members)
    dataset = tablib.Dataset().load(flat_path.read_bytes(), format="xlsx")
    resource = ProjectResource()

    def run():
        with transaction.atomic():
            result = resource.import_data(dataset, dry_run=False, raise_errors=True)
            assert not result.has_errors()
            transaction.set_rollback(True)

    seconds, _ = measured(run, trace=False)
    return seconds


def write_report(rows, elapsed, query_counts, quick):
    constant = all(len(counts) == 1 for counts in query_counts.values())
    counts = "、".join(f"{name} {'/'.join(map(str, sorted(c)))}" for name, c in query_counts.items())
    rows.append(Row("页面查询次数", "各规模", counts, "", "不随规模增长", constant))
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    lines = [
        f"## {vendor}{'（--quick 冒烟运行）' if quick else ''}",
        "",
        f"{date.today():%Y-%m-%d}，{machine_line(f'Django {django.get_version()}；{connection.vendor}')}。",
        f"页面耗时为 {REPEATS} 次的中位数（Django 测试客户端，进程内，不用数据版本缓存，每次重新计算）；",
        "导入为 3 次的中位数；导出与裸 openpyxl 交替各运行 5 次取中位数；峰值内存为另一次运行中 tracemalloc 的读数。",
        "",
        "| 项目 | 规模 | 结果 | 对比 | 目标 | 结论 |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(row.cells()) + " |" for row in rows),
        "",
        f"全部运行用时 {elapsed:.0f} 秒（含生成数据）。",
        "",
    ]
    section = "\n".join(lines)
    replace_section(vendor, section)
    print(section)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument(
        "--only",
        choices=["import", "oc4ids"],
        help="only that measurement (printed, no report): the import, the OC4IDS export",
    )
    options = parser.parse_args()
    setup_test_environment()
    # Pages are timed computing their figures every time, as after each write: with the figures
    # cache (projects.freshness) a repeated view costs a few milliseconds and measures nothing.
    override_settings(CACHES={**settings.CACHES, "figures": {"BACKEND": DUMMY_CACHE}}).enable()
    started = time.perf_counter()
    reset_database()
    rows, query_counts = [], {}
    if options.only == "oc4ids":
        bench_oc4ids(rows, 2000 if options.quick else 20000)
        return
    bench_import(rows, count=500 if options.quick else 5000, compare=not options.only)
    if options.only:
        return
    page_sizes = [1000, 2000] if options.quick else [1000, 10000, 50000]
    for size in page_sizes:
        bench_pages(rows, size, query_counts)
    for size in page_sizes:  # after the district's pages, whose rows count the whole database
        bench_region_pages(rows, size, query_counts)
    for size in [1000, 2000] if options.quick else [1000, 20000]:
        bench_export(rows, size)
    bench_oc4ids(rows, 2000 if options.quick else 20000)  # the year the export filled, all made public
    bench_stress_overview(rows, 3000 if options.quick else STRESS_LISTINGS)
    write_report(rows, time.perf_counter() - started, query_counts, options.quick)


if __name__ == "__main__":
    main()
