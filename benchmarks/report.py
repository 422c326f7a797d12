"""docs/benchmarks.md: one section per kind of run (make bench on each database, make loadtest);
a run replaces its own section and keeps the others."""

import os
import platform
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
ORDER = ("SQLite", "PostgreSQL", "负载测试")

HEAD = """# 基准测试（make bench、make loadtest）

`make bench` 在 SQLite（默认）或 `DATABASE_URL` 指定的 PostgreSQL 上运行，每个数据库一节，重跑时只替换本库的一节。
页面：库中清单分布在 2006–2015 共 10 年（每个清单 12 个月填报、2 个节点，三分之一项目有问题，均有联系领导），
总览与列表显示 2015 年 9 月的市级清单。区县页面以卫东区项目办管理员登录，清单都在卫东区；
市、省总览（含下一级排名）以该市、该省项目办管理员登录，清单均分在虚构的示例省（990000）10 个市的 100 个区县，
同样分布在 10 年，测的是示例一市（排 10 个区县）与示例省（排 10 个市）。
进展表导出：2016 年同一年内 1,000 / 20,000 个清单。
导入：5,000 行的市级名单（预览＋确认），django-import-export 读取同样 5,000 行的平表。

剖析（cProfile 与 EXPLAIN ANALYZE）发现并已修正的原因：
- 累计完成投资原是对月报的相关子查询，每个清单在 SQL 中被内联 8 次（预警、排序各引用一次）：
  改为每个清单一行的月末累计表（`ListingCumulative`，随月报保存在同一事务内重算），总览 5 万清单从 15.4 s 降到 0.2 s。
- 总览曾渲染全部滞后项目（规模化后 2.9 万行）：只列最紧急的 20 个，并给出总数与完整列表链接。
- 默认年月的查询在 PostgreSQL 上成为全部月报的哈希半连接（每页 80–120 ms）：改为按索引逐月探测，8 ms。
- 进展表曾为 2 万行构建 10.7 万个模型对象，openpyxl 对每个带格式单元格构建并散列样式：
  改为按值读取并用 XlsxWriter 流式写出，6.9 s → 2.3 s，快于裸 openpyxl 只写不带格式的同样单元格。
- 导入时 simple-history 为每个新建对象在 Python 中构建历史对象：改为数据库内 INSERT … SELECT，3.3 s → 2.1 s。

未达标：导入 5,000 行为裸解析的约 5 倍（目标 3 倍）。裸解析只读文件（约 0.45 s）；导入还要解析与核对版式、
与库中项目逐行比对（预览、确认各一次，确认时重新比对以发现预览后的改动）、保存预览记录，并写入
5,000 个项目、5,000 个清单项目及其变更记录：其中经 Django ORM 批量写入约 0.6 s，比对与摘要约 0.5 s。
在保留"预览后有改动即拒绝确认"和完整变更记录的前提下，3 倍需要绕过 ORM 直接写库，未做。

`make loadtest` 另有一节：真实的 gunicorn（生产配置、2 个 worker）在 PostgreSQL 上，
由 wrk 经本机回环加压。
"""


def machine_line(versions):
    """The CPU, its cores and the given software versions, for a section's first line."""
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}，{os.cpu_count()} 核；Python {platform.python_version()}；{versions}"


def replace_section(title, section):
    """Write docs/benchmarks.md with the section headed ``## {title}…`` replaced or added."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    sections = ["## " + part for part in text.split("\n## ")[1:]]
    kept = [old.rstrip() for old in sections if not old.startswith(f"## {title}")]

    def rank(part):
        heading = part.splitlines()[0][3:].split("（")[0].strip()
        return ORDER.index(heading) if heading in ORDER else len(ORDER)

    ordered = sorted([*kept, section.rstrip()], key=rank)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(HEAD + "\n" + "\n\n".join(ordered) + "\n", encoding="utf-8")
