"""Our vocabularies in OC4IDS's codes (docs/oc4ids.md is this module as a table).

OC4IDS's sectors and project types are coarser than, and cut differently from, China's 行业类别: a
category maps to a sector where it means one, else the project's name and content decide by the key
words below, else no sector is published (a wrong sector is worse than none). Our own categories
always travel along in ``additionalClassifications`` under the local schemes named here."""

from approvals.choices import FundingSource, ItemStatus
from projects.choices import Batch, Category, Level, ProjectStatus, Sector, Stage

# Local classification schemes (classificationScheme is an open codelist); "kp-" marks them ours.
LOCAL_SCHEMES = {
    "kp-level": ("级别", Level),
    "kp-batch": ("批次", Batch),
    "kp-category": ("类别（计划建成/续建/新开工）", Category),
    "kp-stage": ("五个一批", Stage),
    "kp-sector": ("行业类别", Sector),
    "kp-status": ("项目状态", ProjectStatus),
}

# 项目代码 of the national investment project online approval platform (全国投资项目在线审批监管平台).
PROJECT_CODE_SCHEME = "CN-TZXM"

# A 行业类别 that means one OC4IDS sector whatever the project is.
SECTOR_CODES = {
    Sector.INDUSTRY: ("economy",),
    Sector.LOGISTICS: ("economy", "transport"),
    Sector.SERVICES: ("economy",),
}

# For the others, key words of the name and content, first match wins, within the 行业类别 only.
SECTOR_WORDS = {
    Sector.REAL_ESTATE: [
        (("棚户区", "棚改", "城中村", "安置", "保障性", "公租房", "廉租"), "socialHousing"),
    ],
    Sector.INFRASTRUCTURE: [
        (("公交", "地铁", "轨道交通", "快速公交"), "transport.urban"),
        (("道路", "大道", "路网", "桥", "隧道", "延工程", "路改造", "路建设"), "transport.road"),
        (("污水", "供水", "排水", "管网", "水厂", "垃圾", "环卫"), "waterAndWaste"),
        (("防洪", "河道", "堤防", "水系治理"), "naturalResources.floodProtection"),
        (("变电", "电网", "热力", "供热", "燃气", "光伏"), "energy"),
        (("公园", "绿化", "游园"), "cultureSportsAndRecreation"),
    ],
    Sector.SOCIAL: [
        (("学校", "中学", "小学", "幼儿园", "学院", "大学", "教育", "教学", "实训"), "education"),
        (("医院", "卫生", "医疗", "养老", "康复", "疾控"), "health"),
        (("体育", "文化", "博物馆", "图书馆", "旅游", "公园", "剧院"), "cultureSportsAndRecreation"),
        (("保障性", "公租房", "廉租", "安置"), "socialHousing"),
    ],
}

# The project's type from key words of its name (then its content), first match wins; none, none published.
TYPE_WORDS = [
    (("改扩建", "扩建", "二期", "三期", "四期", "北延", "南延", "东延", "西延", "延伸"), "expansion"),
    (("异地重建", "新建", "棚户区改造", "城中村改造"), "construction"),
    (("改造", "提升", "修缮", "技改", "维修"), "rehabilitation"),
]

# Our state as OC4IDS's project status: a project still being planned (积极谋划) is identification.
STATUS_CODES = {
    ProjectStatus.PREPARING: "preparation",
    ProjectStatus.UNDER_CONSTRUCTION: "implementation",
    ProjectStatus.SUSPENDED: "implementation",  # started and not finished; kp-status says 停缓建
    ProjectStatus.COMPLETED: "completion",
    ProjectStatus.COMMISSIONED: "completion",
}
COMPLETED_STATUSES = (ProjectStatus.COMPLETED, ProjectStatus.COMMISSIONED)

# A funding source as OC4IDS's financing arrangement; sources with no counterpart (own budget
# money, the owner's own funds) carry no type.
FINANCE_TYPES = {
    FundingSource.SPECIAL_BOND: "bond",
    FundingSource.BANK_LOAN: "loan",
    FundingSource.CENTRAL_BUDGET: "grant",
}

# Milestone codes from key words of a project milestone's name (节点名称).
MILESTONE_CODE_WORDS = [
    (("开工",), "commencement"),
    (("竣工", "建成", "完工"), "completion"),
    (("投产", "投用", "运营", "试运行"), "commissioning"),
]

# The approval items that become milestones: all but those not needed.
PUBLISHED_ITEM_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.DONE)

OWNER_ROLES = ["buyer", "procuringEntity"]  # 建设单位: pays for and procures the works
UNIT_ROLES = ["publicAuthority"]  # 责任单位: the department answering for the project


def _first_match(text, table):
    for words, code in table:
        if any(word in text for word in words):
            return code
    return None


def sector_codes(project):
    """The OC4IDS sectors of ``project`` (a list, empty when none is sure)."""
    if project.sector in SECTOR_CODES:
        return list(SECTOR_CODES[project.sector])
    code = _first_match(f"{project.name} {project.content}", SECTOR_WORDS.get(project.sector, []))
    return [code] if code else []


def project_type(project):
    """The type the name says, else the one the content (建设内容) says, else None."""
    return _first_match(project.name, TYPE_WORDS) or _first_match(project.content, TYPE_WORDS)


def project_status(project):
    if project.stage == Stage.PLANNING and project.status == ProjectStatus.PREPARING:
        return "identification"
    return STATUS_CODES[project.status]


def milestone_code(name):
    return _first_match(name, MILESTONE_CODE_WORDS)
