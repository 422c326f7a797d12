"""Exports of the lists as shown on their pages: the problem ledger, the 四个一 contact table and
the filtered project list; each streams its rows from the same scoped querysets as the pages."""

from decimal import Decimal

from projects.choices import WarningLight
from projects.exporters.xlsx import AMOUNT_FORMAT, DATE_FORMAT, PERCENT_FORMAT, write_table
from projects.selectors.figures import percent_of


def ledger_scope(period):
    """The ledger's second row: which problems a period's ledger holds (selectors.problems.problem_ledger)."""
    return f"统计范围：{period.year}年1-{period.month}月发现的问题，及此前发现、年初仍未解决的问题"


def write_problem_ledger(output, problems, *, heading=None, note=""):
    """The problem ledger, numbered, from selectors.problems.problem_ledger (leaders prefetched,
    the latest instruction annotated); titled for filing when given a ``heading``."""
    columns = [
        ("序号", 6, "0"),
        ("项目", 28, None),
        ("街道", 12, None),
        ("问题描述", 40, None),
        ("问题类型", 12, None),
        ("发现日期", 12, DATE_FORMAT),
        ("责任单位", 18, None),
        ("联系领导", 12, None),
        ("办结期限", 12, DATE_FORMAT),
        ("状态", 12, None),
        ("督办意见（最新）", 32, None),
        ("解决情况", 32, None),
        ("解决日期", 12, DATE_FORMAT),
        ("销号日期", 12, DATE_FORMAT),
        ("是否逾期", 10, None),
    ]
    rows = (
        [
            number,
            problem.project.name,
            problem.project.street.name if problem.project.street else "",
            problem.description,
            problem.get_kind_display(),
            problem.raised_on,
            problem.unit.name if problem.unit else "",
            "、".join(assignment.leader.name for assignment in problem.project.active_assignments),
            problem.deadline,
            problem.get_status_display(),
            problem.latest_instruction or "",
            problem.resolution,
            problem.resolved_on,
            problem.confirmed_on,
            "已逾期" if problem.is_overdue else "",
        ]
        for number, problem in enumerate(problems.iterator(chunk_size=2000), start=1)
    )
    write_table(output, title="问题台账", columns=columns, rows=rows, heading=heading, note=note)


def write_leader_table(output, assignments):
    columns = [
        ("联系领导", 12, None),
        ("所属班子", 10, None),
        ("职务", 20, None),
        ("联系项目", 30, None),
        ("工作班子（一套班子）", 40, None),
        ("推进方案（一个方案）", 44, None),
        ("联系起始日期", 14, DATE_FORMAT),
    ]
    rows = (
        [
            assignment.leader.name,
            assignment.leader.get_body_display(),
            assignment.leader.title,
            assignment.project.name,
            assignment.team,
            assignment.plan,
            assignment.since,
        ]
        for assignment in assignments.iterator(chunk_size=2000)
    )
    write_table(output, title="四个一联系表", columns=columns, rows=rows)


def write_listing_list(output, listings, *, month):
    columns = [
        ("预警", 10, None),
        ("项目名称", 30, None),
        ("年度", 8, None),
        ("级别", 8, None),
        ("批次", 8, None),
        ("类别", 10, None),
        ("街道", 12, None),
        ("责任单位", 18, None),
        ("联系领导", 12, None),
        ("总投资", 14, AMOUNT_FORMAT),
        ("年度计划投资", 14, AMOUNT_FORMAT),
        (f"1-{month}月完成投资", 14, AMOUNT_FORMAT),
        ("占年度计划（%）", 10, PERCENT_FORMAT),
        ("未解决问题", 10, "0"),
    ]

    def row(listing):  # listings come from selectors.listing_rows, leaders prefetched
        project = listing.project
        percent = percent_of(listing.cumulative, listing.annual_plan)
        return [
            WarningLight(listing.warning).label,
            project.name,
            listing.year,
            listing.get_level_display(),
            listing.get_batch_display(),
            listing.get_category_display(),
            project.street.name if project.street else "",
            project.unit.name if project.unit else "",
            "、".join(a.leader.name for a in project.active_assignments),
            project.total_investment,
            listing.annual_plan,
            listing.cumulative,
            None if percent is None else percent / Decimal(100),
            listing.open_problems,
        ]

    write_table(
        output, title="重点项目", columns=columns, rows=(row(listing) for listing in listings.iterator(chunk_size=2000))
    )
