"""Dispatch's part of the 2015 卫东区 demo: a weekly and a monthly meeting of September 2015 and the six
tasks they (and the office, and the demo leader) assigned, each in the state it stands in on the
demo's day, 2015-10-20 — one closed after a 退回重办, one replied and waiting for 销号, one being
worked on, one overdue, one escalated from a problem still being coordinated (the ledger still reads
50 / 38 / 12), one assigned by the leader directly. Run at the end of projects' demo load
(projects.extensions.demo_loader); creates only what is missing, at the demo's own dates (never
"today"), without telling anyone: the inbox starts empty."""

from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from dispatch.choices import MeetingKind, TaskSource, TaskStatus
from dispatch.models import Meeting, Task, TaskReply, TaskStep
from projects.freshness import data_changed
from projects.models import Leader, Problem, Project, Region, Unit
from projects.services.audit import audited_save
from projects.workdays import workdays_after

DISTRICT = "410403"
REASON = "演示数据：2015年9—10月的调度会议和交办事项"

WEEKLY = "9月第3周重点项目周调度会"
MONTHLY = "9月份重点项目月调度会"
MEETINGS = {
    WEEKLY: {
        "date": "2015-09-14",
        "kind": MeetingKind.WEEKLY,
        "chair": "王某",
        "recorded_by": "leader",
        "attendees": ["北环路街道办事处", "东安路街道办事处", "建设路街道办事处", "区国土资源局", "区住房和城乡建设局"],
        "projects": [
            "恒宇·东城国际",
            "东安路片区旧城改造（示例）",
            "天安名郡(卫东区陈家岗下午三组改造)",
            "北环路街道便民服务中心（示例）",
        ],
        "minutes": (
            "王某副区长主持召开重点项目周调度会，听取北环路、东安路、建设路街道和区国土资源局、住建局"
            "关于拆迁安置、项目用地的进展汇报。\n"
            "会议要求：一、北环路街道9月底前完成天安名郡剩余拆迁户签约；二、东安路街道10月中旬前将"
            "东安路片区旧城改造拆迁安置方案报区政府审定；三、区国土资源局加快恒宇·东城国际用地报批。"
        ),
    },
    MONTHLY: {
        "date": "2015-09-28",
        "kind": MeetingKind.MONTHLY,
        "chair": "郑某",
        "recorded_by": "admin",
        "attendees": [
            "北环路街道办事处",
            "光华路街道办事处",
            "申楼街道办事处",
            "区发展和改革委员会",
            "区住房和城乡建设局",
            "区商务局",
        ],
        "projects": [
            "北环路冷链物流中心（示例）",
            "北环路机械配件厂技改（示例）",
            "光华路供热管网改造（示例）",
            "申楼汽车销售服务中心（示例）",
        ],
        "minutes": (
            "郑某区长主持召开9月份重点项目月调度会，通报1—9月全区重点项目投资完成情况，逐一调度进度"
            "滞后项目。\n会议要求：各责任单位对照交办事项限期办结，按时回复办理情况，项目办跟踪督办、"
            "逐项销号。"
        ),
    },
}

# (content, owner, source meeting or None, projects, assigned on, by, deadline: a date or N working
# days, the steps after 交办 as (day, to status, by, note / reply text))
TASKS = [
    {
        "content": "天安名郡项目9月底前完成剩余12户拆迁户签约，并报送签约台账。",
        "owner": "北环路街道办事处",
        "meeting": WEEKLY,
        "projects": ["天安名郡(卫东区陈家岗下午三组改造)"],
        "assigned": ("2015-09-14", "leader"),
        "deadline": "2015-09-30",
        "steps": [
            ("2015-09-15", TaskStatus.IN_PROGRESS, "staff", ""),
            ("2015-09-24", TaskStatus.REPLIED, "staff", "已完成剩余12户中10户签约，另2户正在做工作。"),
            ("2015-09-25", TaskStatus.RETURNED, "admin", "尚有2户未签约，请全部完成后附签约台账重新回复。"),
            ("2015-09-25", TaskStatus.IN_PROGRESS, "staff", ""),
            ("2015-09-29", TaskStatus.REPLIED, "staff", "剩余12户已全部签约，签约台账已报区项目办。"),
            ("2015-09-30", TaskStatus.CLOSED, "admin", "签约台账已核对。"),
        ],
    },
    {
        "content": "东安路片区旧城改造拆迁安置方案10月中旬前报区政府审定。",
        "owner": "东安路街道办事处",
        "meeting": WEEKLY,
        "projects": ["东安路片区旧城改造（示例）"],
        "assigned": ("2015-09-14", "leader"),
        "deadline": "2015-10-16",
        "steps": [],  # not taken up: overdue on 2015-10-20
    },
    {
        "content": "北环路冷链物流中心项目完成施工临时用电接入，保障设备进场。",
        "owner": "北环路街道办事处",
        "meeting": MONTHLY,
        "projects": ["北环路冷链物流中心（示例）"],
        "assigned": ("2015-09-28", "admin"),
        "workdays": 10,  # across the National Day holiday: due 2015-10-16
        "steps": [
            ("2015-09-29", TaskStatus.IN_PROGRESS, "staff", ""),
            ("2015-10-15", TaskStatus.REPLIED, "staff", "临时用电已于10月14日接入并通电，设备已进场。"),
        ],
    },
    {
        "content": "北环路机械配件厂技改项目10月底前完成设备安装调试。",
        "owner": "北环路街道办事处",
        "meeting": MONTHLY,
        "projects": ["北环路机械配件厂技改（示例）"],
        "assigned": ("2015-09-28", "admin"),
        "deadline": "2015-10-30",
        "steps": [("2015-10-08", TaskStatus.IN_PROGRESS, "staff", "")],
    },
    {
        "content": "督办问题：申楼汽车销售服务中心周边群众阻工，请申楼街道做好群众工作，保障施工。",
        "owner": "申楼街道办事处",
        "problem": ("申楼汽车销售服务中心（示例）", "周边群众阻工，需街道做好协调工作"),
        "projects": ["申楼汽车销售服务中心（示例）"],
        "assigned": ("2015-10-08", "admin"),
        "workdays": 10,  # 2015-10-10, a Saturday, was a working day: due 2015-10-21
        "steps": [],
    },
    {
        "content": "协调打通东环路仓储物流园配套道路，11月中旬前提出施工方案。",
        "owner": "区商务局",
        "projects": ["东环路仓储物流园（示例）"],
        "assigned": ("2015-10-19", "leader"),
        "deadline": "2015-11-13",
        "steps": [],
    },
]


def _day(value):
    return date.fromisoformat(value)


def _at(value):
    return datetime.combine(_day(value), time(10, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


class _DispatchDemo:
    def __init__(self, district, users):
        self.district, self.users, self.created = district, users, Counter()
        self.units = {unit.name: unit for unit in Unit.objects.filter(district=district)}
        self.projects = {project.name: project for project in Project.objects.filter(district=district)}

    def count(self, model, number=1):
        self.created[model._meta.verbose_name] += number

    def load(self):
        meetings = {title: self.meeting(title, spec) for title, spec in MEETINGS.items()}
        for spec in TASKS:
            self.task(spec, meetings)
        return self.created

    def meeting(self, title, spec):
        found = Meeting.objects.filter(district=self.district, title=title).first()
        if found is not None:
            return found
        chair = Leader.objects.get(region=self.district, name=spec["chair"])
        recorder = self.users[spec["recorded_by"]]
        meeting = Meeting(
            district=self.district,
            date=_day(spec["date"]),
            kind=spec["kind"],
            title=title,
            chair=chair,
            minutes=spec["minutes"],
            created_by=recorder,
        )
        audited_save(meeting, user=recorder, reason=REASON)
        meeting.attendees.set([self.units[name] for name in spec["attendees"]])
        meeting.projects.set([self.projects[name] for name in spec["projects"]])
        self.count(Meeting)
        return meeting

    def task(self, spec, meetings):
        if Task.objects.filter(district=self.district, content=spec["content"]).exists():
            return
        assigned_on, assigner = _day(spec["assigned"][0]), self.users[spec["assigned"][1]]
        meeting = meetings.get(spec.get("meeting"))
        problem = None
        if "problem" in spec:
            project, description = spec["problem"]
            problem = Problem.objects.get(project=self.projects[project], description=description)
        workdays = spec.get("workdays")
        deadline = workdays_after(assigned_on, workdays) if workdays else _day(spec["deadline"])
        task = Task(
            district=self.district,
            source=TaskSource.MEETING if meeting else TaskSource.PROBLEM if problem else TaskSource.DIRECT,
            meeting=meeting,
            problem=problem,
            owner=self.units[spec["owner"]],
            content=spec["content"],
            assigned_on=assigned_on,
            deadline=deadline,
            deadline_workdays=workdays,
            assigned_by=assigner,
        )
        steps = [
            TaskStep(task=task, from_status="", to_status=TaskStatus.ASSIGNED, by=assigner, at=_at(spec["assigned"][0]))
        ]
        replies = []
        for day, to_status, by, note in spec["steps"]:
            user = self.users[by]
            if to_status == TaskStatus.REPLIED:
                replies.append(TaskReply(task=task, text=note, by=user, at=_at(day)))
                task.replied_on, note = _day(day), ""
            elif to_status == TaskStatus.RETURNED:
                task.replied_on = None
            elif to_status == TaskStatus.CLOSED:
                task.closed_on, task.closed_by = _day(day), user
            steps.append(
                TaskStep(task=task, from_status=task.status, to_status=to_status, by=user, at=_at(day), note=note)
            )
            task.status = to_status
        audited_save(task, user=assigner, reason=REASON)
        task.projects.set([self.projects[name] for name in spec["projects"]])
        TaskStep.objects.bulk_create(steps)
        TaskReply.objects.bulk_create(replies)
        data_changed()  # bulk_create sends no model signal (docs/architecture.md)
        self.count(Task)
        self.count(TaskStep, len(steps))
        self.count(TaskReply, len(replies))


def load_dispatch_demo():
    """Create the dispatch demo of 卫东区 where it is missing; what was created, by kind of row."""
    district = Region.objects.filter(code=DISTRICT).first()
    users = {user.username: user for user in get_user_model().objects.filter(username__in=["admin", "staff", "leader"])}
    if district is None or len(users) < 3:
        return Counter()
    return _DispatchDemo(district, users).load()
