"""The approvals part of the 2015 卫东区 demo: the departments that own approvals, two templates, the
items of the 7 新开工 projects as the seed article tells their state in October 2015, their land,
funding and 入统. Run at the end of projects' demo load (projects.extensions.demo_loader); creates
only what is missing. The figures it yields are README's 前期手续与要素保障 section."""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from approvals.choices import FundingSource, ItemStatus
from approvals.models import (
    ApprovalItem,
    ApprovalTemplate,
    Funding,
    LandSupply,
    StatisticsFigure,
    StatisticsRegistration,
    TemplateItem,
)
from approvals.services.items import template_apply
from projects.choices import UnitKind
from projects.models import CalendarDay, DayKind, Project, Region, Unit
from projects.services.audit import audited_save

DISTRICT = "410403"
YEAR = 2015
REASON = "演示数据：2015年10月的前期手续办理情况"

# The departments that own approvals. The demo's own units serve where they exist (发改委, 国土资源局,
# 住建局); planning and environmental protection were the city's bureaus' branches in the district.
DRC = "区发展和改革委员会"
LAND = "区国土资源局"
HOUSING = "区住房和城乡建设局"
PLANNING = "市城乡规划局卫东分局"
ENVIRONMENT = "市环境保护局卫东分局"
FORESTRY = "区林业局"
NEW_DEPARTMENTS = [PLANNING, ENVIRONMENT, FORESTRY]

# (name, owning department, statutory limit in working days, blocks the start)
INDUSTRY_TEMPLATE = "产业类项目前期手续"
URBAN_TEMPLATE = "房地产及城建项目前期手续"
TEMPLATES = {
    INDUSTRY_TEMPLATE: (
        "适用于工业、商贸物流等企业投资项目（备案类）。",
        [
            ("立项/备案", DRC, 5, True),
            ("用地预审与选址意见书", LAND, 20, True),
            ("用地批准（农用地转用与土地征收）", LAND, 60, True),
            ("地质灾害评估", LAND, 20, True),
            ("控制性详细规划", PLANNING, 40, True),
            ("建设用地规划许可证", PLANNING, 20, True),
            ("建设工程规划许可证", PLANNING, 20, True),
            ("环境影响评价", ENVIRONMENT, 30, True),
            ("节能审查", DRC, 20, True),
            ("使用林地审核", FORESTRY, 20, True),
            ("施工图审查", HOUSING, 15, True),
            ("建筑工程施工许可证", HOUSING, 10, True),
        ],
    ),
    URBAN_TEMPLATE: (
        "适用于房地产、棚户区和城中村改造及城建基础设施项目；民用建筑节能审查由住建部门办理。",
        [
            ("立项/备案", DRC, 10, True),
            ("用地预审与选址意见书", LAND, 20, True),
            ("用地批准（农用地转用与土地征收）", LAND, 60, True),
            ("地质灾害评估", LAND, 20, True),
            ("控制性详细规划", PLANNING, 40, True),
            ("建设用地规划许可证", PLANNING, 20, True),
            ("建设工程规划许可证", PLANNING, 20, True),
            ("环境影响评价", ENVIRONMENT, 30, True),
            ("节能审查", HOUSING, 15, True),
            ("使用林地审核", FORESTRY, 20, True),
            ("施工图审查", HOUSING, 15, True),
            ("建筑工程施工许可证", HOUSING, 10, True),
        ],
    ),
}

D = date.fromisoformat
DONE, DOING, TODO, SKIP = ItemStatus.DONE, ItemStatus.IN_PROGRESS, ItemStatus.NOT_STARTED, ItemStatus.NOT_NEEDED

# Per project: its template and, per item, (status, submitted, approved, 文号, planned, notes).
# Dates follow the seed: the milestones' actual dates where the seed has them, and every blocking
# item of a started project approved before the month its investment starts (April; 天安名郡's
# resettlement housing 2015-09-10).
PROJECTS = {
    "上徐机械加工工业园": (
        INDUSTRY_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-03-02", "2015-03-06", "卫发改备〔2015〕08号", None, ""),
            "用地预审与选址意见书": (DONE, "2015-03-09", "2015-03-27", "卫国土资函〔2015〕21号", None, ""),
            "用地批准（农用地转用与土地征收）": (
                DONE,
                "2015-03-30",
                "2015-06-20",
                "豫政土〔2015〕326号",
                None,
                "省土地指标已批复；平煤神马集团已出具一期用地放弃开采证明。",
            ),
            "地质灾害评估": (
                DONE,
                "2015-07-20",
                "2015-08-15",
                "卫国土资地灾备〔2015〕11号",
                None,
                "地质、地稳已完成。",
            ),
            # Submitted 2015-08-20: 40 working days end 2015-10-22, two working days after the
            # demo's 2015-10-20, so the item is yellow (临期) on the demo's day.
            "控制性详细规划": (DOING, "2015-08-20", None, "", "2015-10-31", "正在做控规，计划10月底前批复。"),
            "建设用地规划许可证": (TODO, None, None, "", "2015-11-20", ""),
            "建设工程规划许可证": (TODO, None, None, "", "2015-12-10", ""),
            "环境影响评价": (TODO, None, None, "", "2015-11-30", ""),
            "节能审查": (TODO, None, None, "", "2015-11-30", ""),
            "使用林地审核": (SKIP, None, None, "", None, "项目用地不涉及林地。"),
            "施工图审查": (TODO, None, None, "", "2015-12-20", ""),
            "建筑工程施工许可证": (TODO, None, None, "", "2015-12-28", "计划12月底开工建设。"),
        },
    ),
    "市正顺化工公司技改10万吨/年洗油深加工": (
        INDUSTRY_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-01-05", "2015-01-09", "卫发改备〔2015〕01号", None, "技术改造项目备案。"),
            "用地预审与选址意见书": (SKIP, None, None, "", None, "原址改建，不新增用地。"),
            "用地批准（农用地转用与土地征收）": (SKIP, None, None, "", None, "原址改建，不新增用地。"),
            "地质灾害评估": (SKIP, None, None, "", None, "原址改建。"),
            "控制性详细规划": (SKIP, None, None, "", None, "原址改建，符合现行控规。"),
            "建设用地规划许可证": (SKIP, None, None, "", None, "原址改建，不新增用地。"),
            "建设工程规划许可证": (DONE, "2015-01-19", "2015-02-06", "建字第410403201500012号", None, ""),
            "环境影响评价": (DONE, "2015-01-12", "2015-02-16", "卫环审〔2015〕03号", None, ""),
            "节能审查": (DONE, "2015-01-12", "2015-02-05", "卫发改能评〔2015〕02号", None, ""),
            "使用林地审核": (SKIP, None, None, "", None, "不涉及林地。"),
            "施工图审查": (DONE, "2015-02-26", "2015-03-13", "施图审字〔2015〕第015号", None, ""),
            "建筑工程施工许可证": (DONE, "2015-03-16", "2015-03-24", "410403201503240101", None, ""),
        },
    ),
    "平东物流产业集聚区基础设施建设项目(开发一路北延工程)": (
        URBAN_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-01-05", "2015-01-16", "卫发改〔2015〕06号", None, "可行性研究报告批复。"),
            "用地预审与选址意见书": (DONE, "2015-01-19", "2015-02-06", "卫国土资函〔2015〕07号", None, ""),
            "用地批准（农用地转用与土地征收）": (DONE, "2015-01-12", "2015-03-25", "豫政土〔2015〕118号", None, ""),
            "地质灾害评估": (DONE, "2015-01-19", "2015-02-12", "卫国土资地灾备〔2015〕03号", None, ""),
            "控制性详细规划": (SKIP, None, None, "", None, "按平东物流产业集聚区已批控规实施。"),
            "建设用地规划许可证": (DONE, "2015-02-26", "2015-03-12", "地字第410403201500009号", None, ""),
            "建设工程规划许可证": (DONE, "2015-03-02", "2015-03-18", "建字第410403201500021号", None, ""),
            "环境影响评价": (DONE, "2015-01-15", "2015-03-06", "卫环审〔2015〕05号", None, ""),
            "节能审查": (SKIP, None, None, "", None, "道路工程，不需单独节能审查。"),
            "使用林地审核": (DONE, "2015-01-26", "2015-03-10", "豫林地许准〔2015〕41号", None, "北延段穿越防护林带。"),
            "施工图审查": (DONE, "2015-03-09", "2015-03-20", "施图审字〔2015〕第022号", None, ""),
            "建筑工程施工许可证": (DONE, "2015-03-23", "2015-03-30", "410403201503300101", None, ""),
        },
    ),
    "益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)": (
        URBAN_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-01-06", "2015-01-15", "卫发改备〔2015〕03号", None, ""),
            "用地预审与选址意见书": (SKIP, None, None, "", None, "棚户区原址改造，国有建设用地。"),
            "用地批准（农用地转用与土地征收）": (SKIP, None, None, "", None, "棚户区原址改造，国有建设用地。"),
            "地质灾害评估": (DONE, "2015-01-12", "2015-02-04", "卫国土资地灾备〔2015〕02号", None, ""),
            "控制性详细规划": (DONE, "2015-01-05", "2015-02-27", "平规〔2015〕09号", None, ""),
            "建设用地规划许可证": (DONE, "2015-03-02", "2015-03-13", "地字第410403201500011号", None, ""),
            "建设工程规划许可证": (DONE, "2015-03-09", "2015-03-20", "建字第410403201500024号", None, ""),
            "环境影响评价": (DONE, "2015-02-02", "2015-03-11", "卫环审〔2015〕07号", None, ""),
            "节能审查": (DONE, "2015-03-09", "2015-03-19", "卫建节能〔2015〕04号", None, ""),
            "使用林地审核": (SKIP, None, None, "", None, "不涉及林地。"),
            "施工图审查": (DONE, "2015-03-09", "2015-03-23", "施图审字〔2015〕第025号", None, ""),
            "建筑工程施工许可证": (DONE, "2015-03-24", "2015-03-31", "410403201503310101", None, ""),
        },
    ),
    "广厦黄金花园(城中村改造)": (
        URBAN_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-01-05", "2015-01-14", "卫发改备〔2015〕02号", None, ""),
            "用地预审与选址意见书": (DONE, "2015-01-15", "2015-02-04", "卫国土资函〔2015〕05号", None, ""),
            "用地批准（农用地转用与土地征收）": (
                DONE,
                "2015-01-06",
                "2015-03-10",
                "豫政土〔2015〕97号",
                None,
                "城中村集体土地征收。",
            ),
            "地质灾害评估": (DONE, "2015-01-15", "2015-02-10", "卫国土资地灾备〔2015〕04号", None, ""),
            "控制性详细规划": (DONE, "2015-01-05", "2015-02-26", "平规〔2015〕08号", None, ""),
            "建设用地规划许可证": (DONE, "2015-03-02", "2015-03-16", "地字第410403201500013号", None, ""),
            "建设工程规划许可证": (DONE, "2015-03-10", "2015-03-24", "建字第410403201500026号", None, ""),
            "环境影响评价": (DONE, "2015-02-02", "2015-03-12", "卫环审〔2015〕08号", None, ""),
            "节能审查": (DONE, "2015-03-10", "2015-03-20", "卫建节能〔2015〕05号", None, ""),
            "使用林地审核": (SKIP, None, None, "", None, "不涉及林地。"),
            "施工图审查": (DONE, "2015-03-11", "2015-03-25", "施图审字〔2015〕第027号", None, ""),
            "建筑工程施工许可证": (DONE, "2015-03-26", "2015-03-31", "410403201503310201", None, ""),
        },
    ),
    "天安名郡(卫东区陈家岗下午三组改造)": (
        URBAN_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-02-02", "2015-02-11", "卫发改备〔2015〕05号", None, ""),
            "用地预审与选址意见书": (DONE, "2015-03-02", "2015-03-25", "卫国土资函〔2015〕19号", None, ""),
            "用地批准（农用地转用与土地征收）": (
                DONE,
                "2015-04-01",
                "2015-06-24",
                "豫政土〔2015〕351号",
                None,
                "城中村集体土地征收。",
            ),
            "地质灾害评估": (DONE, "2015-03-02", "2015-03-27", "卫国土资地灾备〔2015〕06号", None, ""),
            "控制性详细规划": (DONE, "2015-05-25", "2015-07-20", "平规〔2015〕37号", None, "详规已通过。"),
            "建设用地规划许可证": (DONE, "2015-07-22", "2015-08-05", "地字第410403201500031号", None, ""),
            "建设工程规划许可证": (DONE, "2015-08-06", "2015-08-20", "建字第410403201500058号", None, ""),
            "环境影响评价": (DONE, "2015-07-01", "2015-08-10", "卫环审〔2015〕26号", None, ""),
            "节能审查": (DONE, "2015-08-12", "2015-08-25", "卫建节能〔2015〕17号", None, ""),
            "使用林地审核": (SKIP, None, None, "", None, "不涉及林地。"),
            "施工图审查": (DONE, "2015-08-17", "2015-08-28", "施图审字〔2015〕第071号", None, ""),
            "建筑工程施工许可证": (DONE, "2015-08-31", "2015-09-08", "410403201509080101", None, "安置房已开工建设。"),
        },
    ),
    "市现代物流产业集聚区一期": (
        INDUSTRY_TEMPLATE,
        {
            "立项/备案": (DONE, "2015-05-04", "2015-05-08", "卫发改备〔2015〕16号", None, ""),
            # Submitted 2015-08-17: 20 working days end 2015-09-15 (the 9-3 and 9-4 holidays and
            # the 9-6 Sunday worked counted), past by the demo's day: red, and due in September.
            "用地预审与选址意见书": (DOING, "2015-08-17", None, "", None, "选址待集聚区规划评审后确定。"),
            "用地批准（农用地转用与土地征收）": (TODO, None, None, "", "2016-03-31", ""),
            "地质灾害评估": (TODO, None, None, "", "2015-12-31", ""),
            "控制性详细规划": (DOING, "2015-09-28", None, "", "2015-11-30", "规划初稿已完成，待组织评审。"),
            "建设用地规划许可证": (TODO, None, None, "", "2016-04-30", ""),
            "建设工程规划许可证": (TODO, None, None, "", "2016-05-31", ""),
            "环境影响评价": (TODO, None, None, "", "2016-03-31", ""),
            "节能审查": (TODO, None, None, "", "2016-03-31", ""),
            "使用林地审核": (SKIP, None, None, "", None, "不涉及林地。"),
            "施工图审查": (TODO, None, None, "", "2016-05-31", ""),
            "建筑工程施工许可证": (TODO, None, None, "", "2016-06-30", ""),
        },
    ),
}

# 要素保障 in 2015: land (亩: needed, supplied, supplied on, notes) and funding (万元 by source:
# planned, secured, secured on). Each project's planned funding adds up to its 2015 annual plan.
LAND_2015 = {
    "上徐机械加工工业园": ("150", "0", None, "省土地指标已批复（一期），待征收供地。"),
    "平东物流产业集聚区基础设施建设项目(开发一路北延工程)": ("126", "126", "2015-03-25", "道路用地划拨。"),
    "广厦黄金花园(城中村改造)": ("85", "85", "2015-03-18", ""),
    "天安名郡(卫东区陈家岗下午三组改造)": ("62", "62", "2015-07-08", ""),
    "市现代物流产业集聚区一期": ("520", "0", None, "用地预审办理中。"),
}
FUNDING_2015 = {
    "上徐机械加工工业园": [(FundingSource.SELF_RAISED, "5000", "800", "2015-08-28")],
    "市正顺化工公司技改10万吨/年洗油深加工": [
        (FundingSource.SELF_RAISED, "12000", "12000", "2015-07-06"),
        (FundingSource.BANK_LOAN, "3000", "2000", "2015-06-15"),
    ],
    "平东物流产业集聚区基础设施建设项目(开发一路北延工程)": [
        (FundingSource.FISCAL, "3000", "3000", "2015-04-10"),
        (FundingSource.SPECIAL_BOND, "6000", "5000", "2015-08-20"),
        (FundingSource.BANK_LOAN, "3000", "2000", "2015-06-30"),
    ],
    "益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)": [
        (FundingSource.CENTRAL_BUDGET, "1000", "1000", "2015-07-15"),
        (FundingSource.BANK_LOAN, "8000", "6000", "2015-09-10"),
        (FundingSource.SELF_RAISED, "11000", "9000", "2015-09-25"),
    ],
    "广厦黄金花园(城中村改造)": [
        (FundingSource.BANK_LOAN, "8000", "6000", "2015-08-31"),
        (FundingSource.SELF_RAISED, "10000", "9000", "2015-09-20"),
    ],
    "天安名郡(卫东区陈家岗下午三组改造)": [
        (FundingSource.BANK_LOAN, "6000", "4000", "2015-09-15"),
        (FundingSource.SELF_RAISED, "10000", "8500", "2015-09-18"),
    ],
    "市现代物流产业集聚区一期": [
        (FundingSource.FISCAL, "1000", "300", "2015-09-08"),
        (FundingSource.SELF_RAISED, "2000", "0", None),
    ],
}
# 入统 of the started projects (registered the month after their start) and the statistics' own
# January–September cumulative, near the cumulative they reported.
STATISTICS_2015 = {
    "市正顺化工公司技改10万吨/年洗油深加工": ("2015-05-12", "14200"),  # reported 14,600
    "平东物流产业集聚区基础设施建设项目(开发一路北延工程)": ("2015-05-12", "11200"),  # reported 11,200
    "益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)": ("2015-05-12", "17600"),  # reported 19,000
    "广厦黄金花园(城中村改造)": ("2015-05-12", "16800"),  # reported 16,500
    "天安名郡(卫东区陈家岗下午三组改造)": ("2015-09-14", "12900"),  # reported 13,800
}


# The office's own calendar (工作日历): the 2015 make-up Saturday entered as the office confirmed it.
# chinese-calendar already knows it, so no time limit moves; the entry shows what the table is for.
CALENDAR = [("2015-10-10", DayKind.WORKDAY, "国庆节调休上班（与国务院安排一致）")]


def _date(value):
    return D(value) if value else None


class _ApprovalsDemo:
    def __init__(self, district, admin):
        self.district = district
        self.admin = admin
        self.created = Counter()

    def count(self, model, n=1):
        if n:
            self.created[model._meta.verbose_name] += n

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.count(model)
        return obj

    def load(self):
        self.units = {name: Unit.objects.get(district=self.district, name=name) for name in (DRC, LAND, HOUSING)}
        order = (
            Unit.objects.filter(district=self.district)
            .order_by("-sort_order")
            .values_list("sort_order", flat=True)
            .first()
            or 0
        )
        for offset, name in enumerate(NEW_DEPARTMENTS, start=1):
            self.units[name] = self.get_or_create(
                Unit,
                district=self.district,
                name=name,
                defaults={"kind": UnitKind.DEPARTMENT, "sort_order": order + offset},
            )
        for day, kind, note in CALENDAR:
            if not CalendarDay.objects.filter(day=D(day)).exists():
                audited_save(CalendarDay(day=D(day), kind=kind, name=note), user=self.admin, reason=REASON)
                self.count(CalendarDay)
        templates = {name: self.template(name, notes, items) for name, (notes, items) in TEMPLATES.items()}
        projects = {p.name: p for p in Project.objects.filter(district=self.district, name__in=PROJECTS)}
        for name, (template, items) in PROJECTS.items():
            if name in projects:
                self.project_items(projects[name], templates[template], items)
        for project in projects.values():
            self.resources(project)
        return self.created

    def template(self, name, notes, items):
        template, created = ApprovalTemplate.objects.get_or_create(
            district=self.district, name=name, defaults={"notes": notes}
        )
        if created:
            self.count(ApprovalTemplate)
            for order, (item, department, limit, blocks) in enumerate(items, start=1):
                TemplateItem.objects.create(
                    template=template,
                    name=item,
                    department=self.units[department],
                    time_limit_days=limit,
                    sort_order=order * 10,
                    blocks_start=blocks,
                )
                self.count(TemplateItem)
        return template

    def project_items(self, project, template, states):
        """Apply the template once (a project that has items already is left as it is), then give
        each item its state in October 2015."""
        if ApprovalItem.objects.filter(project=project).exists():
            return
        created, _ = template_apply(user=self.admin, project=project, template=template)
        self.count(ApprovalItem, len(created))
        for item in created:
            status, submitted, approved, number, planned, notes = states[item.name]
            item.status = status
            item.submitted_date = _date(submitted)
            item.approved_date = _date(approved)
            item.document_number = number
            item.planned_date = _date(planned)
            item.notes = notes
            item.full_clean()
            audited_save(item, user=self.admin, reason=REASON)

    def resources(self, project):
        if project.name in LAND_2015:
            needed, supplied, supplied_on, notes = LAND_2015[project.name]
            self.get_or_create(
                LandSupply,
                project=project,
                year=YEAR,
                defaults={
                    "needed": Decimal(needed),
                    "supplied": Decimal(supplied),
                    "supplied_on": _date(supplied_on),
                    "notes": notes,
                },
            )
        for source, planned, secured, secured_on in FUNDING_2015.get(project.name, []):
            self.get_or_create(
                Funding,
                project=project,
                year=YEAR,
                source=source,
                defaults={"planned": Decimal(planned), "secured": Decimal(secured), "secured_on": _date(secured_on)},
            )
        if project.name in STATISTICS_2015:
            registered_on, cumulative = STATISTICS_2015[project.name]
            self.get_or_create(
                StatisticsRegistration,
                project=project,
                defaults={"registered": True, "registered_on": D(registered_on)},
            )
            self.get_or_create(
                StatisticsFigure, project=project, year=YEAR, month=9, defaults={"cumulative": Decimal(cumulative)}
            )


def load_approvals_demo():
    """Create the approvals demo of 卫东区 where it is missing; what was created, by kind of row."""
    district = Region.objects.filter(code=DISTRICT).first()
    admin = get_user_model().objects.filter(username="admin", region=district).first()
    if district is None or admin is None:
        return Counter()
    return _ApprovalsDemo(district, admin).load()
