"""The fixed vocabularies of the domain, with their Chinese labels."""

from django.db import models


class RegionKind(models.TextChoices):
    """The tiers of the administrative tree (GB/T 2260): each has a project office (项目办)."""

    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区县"


class Level(models.TextChoices):
    PROVINCE = "province", "省重点"
    CITY = "city", "市重点"
    DISTRICT = "district", "区重点"


class Batch(models.IntegerChoices):
    FIRST = 1, "第一批"
    SECOND = 2, "第二批"


class Category(models.TextChoices):
    COMPLETION = "completion", "计划建成"
    CONTINUING = "continuing", "续建"
    NEW_START = "new_start", "新开工"


class Stage(models.TextChoices):
    """The "五个一批" stages a project moves through."""

    PLANNING = "planning", "积极谋划"
    STARTING = "starting", "抓紧开工"
    BUILDING = "building", "加快建设"
    COMMISSIONING = "commissioning", "竣工投产"
    PRODUCING = "producing", "达产达效"


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", "前期筹备"
    UNDER_CONSTRUCTION = "under_construction", "在建"
    COMPLETED = "completed", "已建成"
    COMMISSIONED = "commissioned", "已投用"
    SUSPENDED = "suspended", "停缓建"


class Sector(models.TextChoices):
    INDUSTRY = "industry", "工业"
    LOGISTICS = "logistics", "商贸物流"
    SERVICES = "services", "现代服务业"
    REAL_ESTATE = "real_estate", "房地产及棚户区改造"
    INFRASTRUCTURE = "infrastructure", "城建基础设施"
    SOCIAL = "social", "社会事业"
    OTHER = "other", "其他"


class Body(models.TextChoices):
    """The district's four leadership bodies (四大班子)."""

    PARTY_COMMITTEE = "party_committee", "区委"
    CONGRESS = "congress", "区人大"
    GOVERNMENT = "government", "区政府"
    CPPCC = "cppcc", "区政协"


class UnitKind(models.TextChoices):
    STREET_OFFICE = "street_office", "街道办事处"
    DEPARTMENT = "department", "区直部门"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"


class ProblemKind(models.TextChoices):
    APPROVAL = "approval", "手续审批"
    LAND = "land", "用地"
    RELOCATION = "relocation", "征迁安置"
    FUNDING = "funding", "资金"
    UTILITIES = "utilities", "水电气暖配套"
    SITE = "site", "施工环境"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "待处理"
    COORDINATING = "coordinating", "协调解决中"
    PENDING_CLOSE = "pending_close", "待销号"  # solved, says the street; resolved once the office confirms
    RESOLVED = "resolved", "已解决"


# Problems the street still works on (neither solved nor waiting for the office's 销号).
UNSOLVED_PROBLEM_STATUSES = (ProblemStatus.OPEN, ProblemStatus.COORDINATING)


class WarningLight(models.TextChoices):
    """预警: how far a listing is behind the time schedule (selectors.figures.with_figures)."""

    GREEN = "green", "正常"
    YELLOW = "yellow", "滞后"
    RED = "red", "严重滞后"
    NOT_JUDGED = "none", "尚未填报"  # a year nobody has reported on yet: nothing to judge


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "已预览"
    REFUSED = "refused", "已拒绝"
    APPLIED = "applied", "已导入"


class RolloverStatus(models.TextChoices):
    """从上年续转: a preview, then confirmed once (the values are the import's, for the same badges)."""

    PREVIEWED = "previewed", "已预览"
    APPLIED = "applied", "已续转"
