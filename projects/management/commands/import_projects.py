"""Import a municipal key-project list from .xlsx: the same service as the web page, made by the
office of the region ``--region`` names (required when the installation has more than one)."""

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from projects.choices import Level
from projects.models import Region
from projects.services.errors import ValidationError
from projects.services.imports import decide_matches, import_confirm, import_upload


class Command(BaseCommand):
    help = (
        "导入市（区、省）重点项目清单（.xlsx、.xls 或 .ods）。"
        "退出码：0 已导入（--dry-run 时为可以导入），1 文件被拒绝。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="清单文件路径（.xlsx、.xls 或 .ods）")
        parser.add_argument("--year", type=int, required=True, help="清单年度，如 2016")
        parser.add_argument("--level", default=Level.CITY.value, choices=Level.values, help="级别，默认 city")
        parser.add_argument(
            "--region",
            help="导入清单的项目办的行政区划代码，如 410403（卫东区）、410400（平顶山市）；"
            "系统中只有一个行政区划时可省略",
        )
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="接受全部「可能是同一项目」的匹配建议（按名称相似、街道和建设单位一致提出）；"
            "不加此项时，这些行按新项目导入，建议列在 suggested_matches 中",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果")

    def handle(self, *args, file, year, level, region, dry_run, as_json, accept_suggestions, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度必须在2000到2100之间，收到：{year}")
        office = None
        if region is not None:
            office = Region.objects.filter(code=region.strip()).first()
            if office is None:
                raise CommandError(f"没有行政区划代码为「{region}」的地区，请核对 --region（如 410403）。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            with path.open("rb") as handle:
                record, plan = import_upload(
                    user=None, upload=File(handle, name=path.name), year=year, level=level, region=office
                )
        except ValidationError as error:
            raise CommandError(f"{'；'.join(error.messages)}用 --region 指定，如 --region 410403。") from None
        outcome_errors = [error.as_dict() for error in plan.errors]
        if plan.ok and plan.suggestions:
            answers = {
                (row.sheet, row.row): (accept_suggestions, row.suggestion.project.pk) for row in plan.suggestions
            }
            try:
                record, plan = decide_matches(user=None, record=record, answers=answers, keep=not dry_run)
            except ValidationError as error:
                outcome_errors.append({"sheet": "", "row": 0, "column": "", "message": "；".join(error.messages)})
        if plan.ok and not dry_run and not outcome_errors:
            try:
                record = import_confirm(user=None, record=record)
            except ValidationError as error:
                outcome_errors.append({"sheet": "", "row": 0, "column": "", "message": "；".join(error.messages)})
        summary = plan.summary()
        payload = {
            "import_id": record.pk,
            "region": record.region.code,
            "office": record.region.office_name,
            "status": record.status,
            "dry_run": dry_run,
            "created": summary["created"],
            "updated": summary["updated"],
            "unchanged": summary["unchanged"],
            "projects": summary["projects"],
            "total_investment": summary["total_investment"],
            "annual_plan": summary["annual_plan"],
            "by_category": {label: count for label, count, _, _ in summary["by_category"]},
            "by_batch": {label: count for label, count, _, _ in summary["by_batch"]},
            "subtotals": summary["subtotals"],
            "suggested_matches": summary["suggested_matches"],
            "sub_items": [
                {"sheet": row["sheet"], "row": row["row"], "name": row["name"], "sub_items": row["sub_items"]}
                for row in summary["rows"]
                if row["sub_items"]
            ],
            "errors": outcome_errors,
            "warnings": summary["warnings"],
        }
        if as_json:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        else:
            self._print(payload)
        if outcome_errors:
            raise SystemExit(1)

    def _print(self, payload):
        if payload["errors"]:
            self.stderr.write(f"文件被拒绝，未写入任何数据。共 {len(payload['errors'])} 个错误：")
            for error in payload["errors"]:
                where = f"「{error['sheet']}」第{error['row']}行" if error["row"] else error["sheet"]
                self.stderr.write(f"  {where}「{error['column']}」：{error['message']}")
            return
        verb = "预览（未写入）" if payload["dry_run"] else "已导入"
        self.stdout.write(
            f"{verb}（{payload['office']}）：项目 {payload['projects']} 个，新增 {payload['created']}，"
            f"更新 {payload['updated']}，"
            f"无变化 {payload['unchanged']}；总投资 {payload['total_investment']} 万元，"
            f"年度计划投资 {payload['annual_plan']} 万元。"
        )
        for match in payload["suggested_matches"]:
            verdict = "已接受，按同一项目导入" if match["decision"] == "accepted" else "未接受，按新项目导入"
            self.stdout.write(
                f"  匹配建议：「{match['sheet']}」第{match['row']}行「{match['name']}」可能是已有项目"
                f"「{match['project_name']}」（相似度 {match['score']}）——{verdict}；"
                "确认是同一项目请加 --accept-suggestions。"
            )
        for warning in payload["warnings"]:
            self.stdout.write(f"  提示：第{warning['row']}行「{warning['column']}」{warning['message']}")
