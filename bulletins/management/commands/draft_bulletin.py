"""Write the month's bulletin draft (进展情况通报) to a .docx, as the office's page drafts it; --json
prints the figures it is built from."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bulletins.documents import render_office_docx
from bulletins.forms import DraftOptionsForm
from bulletins.selectors.drafts import bulletin_draft
from projects.choices import Level
from projects.management.commands.export_progress import acting_user, region_option
from projects.models import Street
from projects.scoping import regions_under

# The figures --json prints, in this order.
FIGURES = (
    "projects",
    "annual_plan",
    "cumulative",
    "percent",
    "schedule",
    "points",
    "start_rate",
    "completion_rate",
    "problems",
    "timeliness",
)


def street_option(street_id, node):
    """The street ``--street`` names (its id), which must lie under ``node``."""
    if street_id is None:
        return None
    street = Street.objects.select_related("district").filter(pk=street_id).first()
    if street is None:
        raise CommandError(f"找不到编号为 {street_id} 的街道。")
    if node is not None and not regions_under(node.pk).filter(pk=street.district_id).exists():
        raise CommandError(f"{street.name}（{street.district.name}）不在{node.name}范围内。")
    return street


class Command(BaseCommand):
    help = "生成月度重点项目建设进展情况通报草稿（.docx）；--json 输出所用数据。"

    def add_arguments(self, parser):
        parser.add_argument("--year", help="年度，如 2015")
        parser.add_argument("--month", help="月份，1到12：通报1月至该月")
        parser.add_argument("--level", default=Level.CITY, help=f"级别：{'、'.join(Level.values)}，默认 city")
        parser.add_argument("--region", help="行政区划代码，如 410403（卫东区）；默认该账号的项目办")
        parser.add_argument("--street", help="只通报一个街道：街道编号")
        parser.add_argument("--output", help="输出 .docx 文件路径；不给则只生成 --json 数据")
        parser.add_argument("--json", dest="as_json", action="store_true", help="在标准输出打印通报所用的数据（JSON）")
        parser.add_argument("--as", dest="username", help="按该账号的查看范围生成，默认系统管理员")

    def handle(self, *args, region, output, as_json, username, **options):
        form = DraftOptionsForm({key: options[key] for key in ("year", "month", "level", "street")})
        if not form.is_valid():
            raise CommandError("；".join(error for errors in form.errors.values() for error in errors))
        year, month, level = form.cleaned_data["year"], form.cleaned_data["month"], form.cleaned_data["level"]
        if not output and not as_json:
            raise CommandError("请用 --output 指定输出的 .docx 文件，或用 --json 输出数据。")
        user = acting_user(username)
        node = region_option(region, user)
        street = street_option(form.cleaned_data["street"], node)
        draft = bulletin_draft(user=user, year=year, month=month, level=level, region=node, street=street)
        if output:
            content = {**draft.as_dict(), "next_steps": "", "notes": ""}
            path = Path(output)
            try:
                path.write_bytes(render_office_docx(content, office=node))
            except OSError as exc:
                raise CommandError(f"无法写入「{path}」：{exc.strerror}") from None
            message = f"已生成：{draft.title} → {path}（{draft.figures['projects']} 个项目）"
            # With --json the standard output is the JSON alone; the note goes to stderr.
            (self.stderr if as_json else self.stdout).write(message)
        if as_json:
            self.stdout.write(_json({key: draft.figures[key] for key in FIGURES}))


def _json(figures):
    return json.dumps(figures, ensure_ascii=False, indent=2)
