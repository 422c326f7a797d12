"""The reporting day of `make loadtest`: 8 connections of street staff submitting monthly reports
through the report form, each request a new listing-month, while 8 connections read the overview
and the project list; then the report rows are counted against the saves wrk saw answered.

Its own year (2017, generated with September reported, October to December open) keeps the data of
the read scenarios as they were; one staff account per street (the demo has one, for 北环路街道)
lets every listing be reported by the staff who keep it.
"""

import json
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal

import requests
from urllib3 import encode_multipart_formdata

from benchmarks.wrk import result_cells, wrk_result, wrk_start
from projects.services.reports import problem_date_default
from tests.deploy.servers import CSRF_TOKEN, Visitor, manage

YEAR = 2017
REPORTED_MONTHS = 9  # generated as submitted; the reporting day fills in the months after
OPEN_MONTHS = (10, 11, 12)
CONNECTIONS = 8  # on each side
SAVED = "/reports/?year="  # where a save goes on to (views.reports.sheet_url); any other redirect saved nothing
TARGET_P95_MS = 200  # the reads, while the writes go on
PAUSES_MS = (0, 1000)  # writers flat out, then each pausing a second between saves (≤ 8 saves a second)
PROGRESS = "主体结构施工中，完成本月计划（负载测试）"
PROBLEM_ROWS = 3  # the empty problem rows the form shows, sent as the browser sends them

STAFF_ACCOUNTS = f"""
from accounts.models import Role, User
from projects.devdata.demo import DEMO_PASSWORD
from projects.models import Project, Street

streets = Street.objects.filter(pk__in=Project.objects.filter(listings__year={YEAR}).values("street"))
for street in streets.exclude(staff_users__role=Role.STAFF).select_related("district"):
    user = User(username=f"staff{{street.pk}}", role=Role.STAFF, region=street.district)
    user.last_name = f"{{street.name}}填报员"
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.streets.set([street])
"""

# Each open listing-month with the street's staff account, the investment a staff member would
# type (the generator's mean month) and the room left in the project's total investment: a save
# past it asks the reporter to confirm (a 200, counted as a failure), so those listings are left out.
SLOTS = """
SELECT l.id, u.username, round(l.annual_plan * 85 / 1200, 2),
       p.total_investment - coalesce((SELECT sum(r.investment) FROM projects_monthlyreport r
                                      JOIN projects_listing o ON o.id = r.listing_id
                                      WHERE o.project_id = p.id AND r.status = 'submitted'), 0)
FROM projects_listing l
JOIN projects_project p ON p.id = l.project_id
JOIN LATERAL (SELECT min(u.username) AS username FROM accounts_user u
              JOIN accounts_user_streets s ON s.user_id = u.id
              WHERE s.street_id = p.street_id AND u.role = 'staff' AND u.is_active) u ON u.username IS NOT NULL
WHERE l.year = %s
ORDER BY l.id
"""

NEW_ROWS = """
SELECT r.listing_id, r.month, r.investment, r.status FROM projects_monthlyreport r
JOIN projects_listing l ON l.id = r.listing_id WHERE l.year = %s AND r.month >= %s
"""


@dataclass(frozen=True)
class Slot:
    listing: int
    month: int
    username: str
    investment: Decimal

    @property
    def key(self):
        return (self.listing, self.month)

    @property
    def path(self):
        return f"/reports/{self.listing}/{self.month}/"


def build(site, listings, seed):
    """The reporting day's year and a staff account for each of its streets."""
    manage(
        "generate_scale_data",
        *("--listings", str(listings), "--years", str(YEAR), "--months", str(REPORTED_MONTHS), "--seed", str(seed)),
        env=site.env(),
    )
    manage("shell", "-c", STAFF_ACCOUNTS, env=site.env())
    site.sql("ANALYZE")


def slots(site):
    """The listing-months to report, October for every listing first, then November, December."""
    rows = site.sql(SLOTS, (YEAR,))
    eligible = [(listing, user, amount) for listing, user, amount, room in rows if room >= amount * len(OPEN_MONTHS)]
    return [Slot(listing, month, user, amount) for month in OPEN_MONTHS for listing, user, amount in eligible]


def report_body(slot, token):
    """The report form as the browser submits it (multipart, 报送), and its content type."""
    raised_on = problem_date_default(YEAR, slot.month).isoformat()
    fields = [
        ("csrfmiddlewaretoken", token),
        ("version", "0"),
        ("investment", str(slot.investment)),
        ("progress", PROGRESS),
        *(
            ("problems-TOTAL_FORMS", str(PROBLEM_ROWS)),
            ("problems-INITIAL_FORMS", "0"),
            ("problems-MIN_NUM_FORMS", "0"),
            ("problems-MAX_NUM_FORMS", "10"),
        ),
        *(
            field
            for row in range(PROBLEM_ROWS)
            for field in (
                (f"problems-{row}-description", ""),
                (f"problems-{row}-kind", "other"),
                (f"problems-{row}-raised_on", raised_on),
                (f"problems-{row}-deadline", ""),
            )
        ),
        ("photos", ("", b"", "application/octet-stream")),
        ("action", "submit"),
    ]
    return encode_multipart_formdata(fields, boundary="kploadtestboundary")


class Reporters:
    """The staff accounts signed in, each with its cookies and a CSRF token from its report form."""

    def __init__(self, server, slots):
        self.server = server
        self.sessions = {}
        for slot in slots:
            if slot.username not in self.sessions:
                visitor = Visitor().login(server, slot.username)
                page = visitor.get(server, slot.path)
                assert page.status_code == 200 and 'name="investment"' in page.text, f"{slot.path}: no report form"
                self.sessions[slot.username] = (visitor.cookies, CSRF_TOKEN.search(page.text).group(1))

    def request(self, slot):
        """The POST as [method, path, headers, body] for wrk."""
        cookies, token = self.sessions[slot.username]
        body, content_type = report_body(slot, token)
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.server.origin,
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "Content-Type": content_type,
        }
        return ["POST", slot.path, headers, body.decode()]

    def submit(self, slot):
        """One save sent from here, as wrk will send it."""
        _, path, headers, body = self.request(slot)
        return requests.post(self.server.url + path, data=body.encode(), headers=headers, allow_redirects=False)


def lua_list(items):
    """A Lua chunk returning ``items`` (lists of strings and string tables) for wrk-requests.lua."""

    def literal(value):
        if isinstance(value, dict):
            return "{" + ", ".join(f"[{literal(k)}] = {literal(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "{" + ", ".join(literal(v) for v in value) + "}"
        assert not any(ord(c) < 32 and c not in "\r\n\t" for c in value), "a control character Lua would not read"
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes here (\" \\ \r \n \t) are Lua's too

    return "return {\n" + ",\n".join(literal(item) for item in items) + "\n}\n"


def new_rows(site):
    return {(listing, month): (amount, status) for listing, month, amount, status in site.sql(NEW_ROWS, (YEAR, 10))}


def settled_rows(site, quiet=3, wait=60.0):
    """The report rows once the saves still in flight when wrk stopped have landed: no new row for
    ``quiet`` seconds (a save on a busy machine can take seconds)."""
    rows, still, deadline = new_rows(site), 0, time.monotonic() + wait
    while still < quiet and time.monotonic() < deadline:
        time.sleep(1.0)
        again = new_rows(site)
        still = still + 1 if len(again) == len(rows) else 0
        rows = again
    return rows


def check_rows(before, after, share, saves, unanswered):
    """No lost save in a round: every 302 has its row, with the amount sent and submitted; rows beyond
    the 302s only from requests still unanswered when wrk stopped (the server finishes those)."""
    sent = {slot.key: slot.investment for slot in share}
    added = {key: value for key, value in after.items() if key in sent and key not in before}
    wrong = [key for key, (amount, status) in added.items() if sent[key] != amount or status != "submitted"]
    return {
        "added": len(added),
        "wrong": len(wrong),
        "complete": not wrong and saves <= len(added) <= saves + unanswered,
    }


def run(site, server, reader, read_paths, seconds):
    """Reads alone, then reads while staff save flat out, then while each writer pauses between saves;
    the report rows counted before and after each round."""
    todo = slots(site)
    reporters = Reporters(server, todo)
    first, todo = todo[0], todo[1:]
    answer = reporters.submit(first)  # the form as wrk sends it is accepted: a 302 to the sheet, not a re-render
    assert answer.status_code == 302 and SAVED in answer.headers.get("Location", ""), (
        f"{first.path}: {answer.status_code} {answer.headers.get('Location')} (expected 302 to the sheet after 报送)"
    )
    cookie = "; ".join(f"{name}={value}" for name, value in reader.cookies.items())
    reads = [["GET", path, {"X-Forwarded-Proto": "https", "Cookie": cookie}] for path in read_paths]
    shares = {pause: todo[index :: len(PAUSES_MS)] for index, pause in enumerate(PAUSES_MS)}
    with tempfile.TemporaryDirectory(prefix="kploadtest-lua-") as folder:

        def start(items, mode, seconds, pause=0, expect=""):
            path = f"{folder}/{mode}-{pause}.lua"
            with open(path, "w", encoding="utf-8") as file:
                file.write(lua_list(items))
            args = (path, mode, str(min(CONNECTIONS, 2)), str(pause), expect)
            return wrk_start(server.url, connections=CONNECTIONS, seconds=seconds, script="wrk-requests.lua", args=args)

        wrk_result(start(reads, "cycle", 3))  # warm-up
        day = {"reads_alone": wrk_result(start(reads, "cycle", seconds)), "rounds": []}
        day["accounts"], day["slots"] = len(reporters.sessions), len(todo)
        before = new_rows(site)
        for pause, share in shares.items():
            writing = start([reporters.request(slot) for slot in share], "once", seconds, pause, SAVED)
            reading = start(reads, "cycle", seconds)
            writes, reads_then = wrk_result(writing), wrk_result(reading)
            saves = writes["statuses"].get("302", 0)
            # wrk calls request() once before the run to check the script (in its first thread): not sent.
            unanswered = writes["sent"] - 1 - sum(writes["statuses"].values()) - writes["misdirected"]
            day["rounds"].append(
                {"pause_ms": pause, "reads": reads_then, "writes": writes, "saves": saves, "unanswered": unanswered}
                | {"share": share}
            )
    # Counted once all rounds are over: a save still in flight when its round ended lands later.
    after = settled_rows(site)
    day["rows_before"], day["rows_after"] = len(before), len(after)
    wanted = {slot.key for slot in todo}
    day["stray"] = sum(1 for key in after if key not in before and key not in wanted)
    for part in day["rounds"]:
        part.update(check_rows(before, after, part.pop("share"), part["saves"], part["unanswered"]))
    return day


def failures(result, expected):
    """Socket errors and answers other than ``expected`` (a form re-rendered with errors is a 200; a
    redirect elsewhere than the sheet, counted by the script as misdirected, is not a 302 here)."""
    return result["socket_errors"] + result["requests"] - result["statuses"].get(expected, 0)


def read_paths(site):
    """The reporting month's overview and the project list, read alternately."""
    return [
        f"/overview/?year={YEAR}&month={OPEN_MONTHS[0]}&level=city",
        f"/projects/?year={YEAR}&level=city&category=continuing&warning=green",
    ]


def report_lines(day, *, listings, seconds):
    """The section's table 填报日（边写边读） and what it shows against the targets."""
    rows, notes, met = [], [], True
    for part in day["rounds"]:
        reads, writes = part["reads"], part["writes"]
        read_errors, write_errors = failures(reads, "200"), failures(writes, "302") + writes["ran_out"]
        pace = f"每连接每 {part['pause_ms'] / 1000:g} 秒报送 1 次" if part["pause_ms"] else "全速报送"
        reads_met = reads["p95_us"] / 1000 <= TARGET_P95_MS
        met = met and reads_met and write_errors == 0 and part["complete"] and not day["stray"]
        rows += [
            f"| 读（同时{pace}） | {CONNECTIONS} | {result_cells(reads)} | {read_errors} |",
            f"| 写：{pace}（302 为成功） | {CONNECTIONS} | {result_cells(writes)} | {write_errors} |",
        ]
        other = {status: n for status, n in writes["statuses"].items() if status != "302"}
        notes.append(
            f"- {pace}：成功 {part['saves']:,} 次，每秒 {part['saves'] / seconds:.1f} 次（每次都换新数据版本，"
            f"总览缓存随之失效）；其他应答 {json.dumps(other) if other else '无'}，连接错误 {writes['socket_errors']}"
            + (f"，清单月份用尽后又请求 {writes['ran_out']} 次" if writes["ran_out"] else "")
            + (f"，重定向到报送表以外 {writes['misdirected']} 次（未保存）" if writes["misdirected"] else "")
            + f"。本轮清单月份新增月报 {part['added']:,} 行"
            f"（wrk 计到成功 {part['saves']:,}，结束时未应答 {part['unanswered']}，服务器仍会做完），"
            f"金额或状态不符 {part['wrong']} 行 —— {'无丢失' if part['complete'] else '有丢失或不符'}；"
            f"读 p95 {reads['p95_us'] / 1000:.0f} ms，{'达标' if reads_met else '未达标'}。"
        )
    return [
        "### 填报日（边写边读）",
        "",
        f"{YEAR} 年另生成 {listings:,} 个市级清单项目（1–{REPORTED_MONTHS} 月已报送），每条街道一个填报员账号"
        f"（共 {day['accounts']} 个）。写：{CONNECTIONS} 个连接经填报表单报送 {OPEN_MONTHS[0]}–{OPEN_MONTHS[-1]} 月月报"
        f"（与浏览器相同的 multipart 表单，带会话与 CSRF 令牌），每个请求一个不同的清单月份（备 {day['slots']:,} 个）；"
        f"读：另 {CONNECTIONS} 个连接以管理员身份交替读取 {YEAR} 年 {OPEN_MONTHS[0]} 月总览与项目列表。"
        f"先单独读 {seconds} 秒，再读写两个 wrk 同时运行 {seconds} 秒，全速与有间隔的报送各一轮。",
        "",
        "| 一方 | 并发连接 | 请求/秒 | p50 | p95 | p99 | 请求数 | 错误 |",
        "|---|---|---|---|---|---|---|---|",
        f"| 读（单独） | {CONNECTIONS} | {result_cells(day['reads_alone'])} | {failures(day['reads_alone'], '200')} |",
        *rows,
        "",
        *notes,
        f"- 月报行数（{YEAR} 年 {OPEN_MONTHS[0]} 月起，各轮结束且服务器做完后）：{day['rows_before']:,} → "
        f"{day['rows_after']:,}；不属于任何一轮的新行 {day['stray']}。",
        "",
        f"目标：读 p95 ≤ {TARGET_P95_MS} ms，写错误 0，新增行数与成功报送相符 —— "
        f"{'全部达标' if met else '未全部达标'}。",
        "",
    ]
