"""manage.py score_ranking: both rankings as text, equal to ranking(); --json the figures the bulletin
stores; a missing scheme, a bad period or an unknown region named in Chinese, with a non-zero exit."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from bulletins.selectors.drafts import bulletin_draft
from scoring.management.commands.score_ranking import Command
from scoring.periods import ScorePeriod
from scoring.selectors.scores import ranking
from tests.scoring.conftest import TODAY

pytestmark = pytest.mark.django_db
SEPTEMBER = ScorePeriod("month", 2015, 9)
ARGS = ["--year", "2015", "--period", "month-9", "--region", "410403"]


@pytest.fixture(autouse=True)
def demo_today(settings):
    settings.KP_TODAY = TODAY


def run(*args):
    out = io.StringIO()
    call_command("score_ranking", *args, stdout=out)
    return out.getvalue()


def blocks(text):
    """{heading: [(rank, name, total)]} of the printed tables."""
    tables = {}
    for block in text.strip().split("\n\n")[1:]:
        heading, header, *rows = block.split("\n")
        assert header.split() == ["名次", "名称", "总分"]
        tables[heading] = [tuple(row.split()) for row in rows]
    return tables


def test_the_text_tables_are_the_rankings(scheme):
    out = run(*ARGS)
    first, second = out.split("\n")[:2]
    assert first == "卫东区2015年9月重点项目考核排名"
    assert second == "考核办法：《重点项目考核办法》；未定稿，得分按2015-10-20的数据计算"
    tables = blocks(out)
    assert list(tables) == ["街道", "责任单位"]
    for heading, kind in (("街道", "street"), ("责任单位", "unit")):
        expected = ranking(scheme=scheme, period=SEPTEMBER, kind=kind)
        assert tables[heading] == [
            (str(row.rank), row.name, str(row.total)) if row.ranked else ("—", row.name, "本期无考核内容")
            for row in expected.rows
        ]
    assert tables["责任单位"][-1] == ("—", "区财政局", "本期无考核内容")


def test_json_is_what_the_bulletin_stores(scheme, users):
    figures = json.loads(run(*ARGS, "--json"))
    draft = bulletin_draft(user=users["admin"], year=2015, month=9, level="city")
    assert figures == draft.figures["scoring"]
    assert figures["streets"] == [
        [row.rank, row.name, str(row.total)] for row in ranking(scheme=scheme, period=SEPTEMBER, kind="street").ranked
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2016", "--period", "month-9", "--region", "410403"], "卫东区没有2016年的考核方案"),
        (["--year", "2015", "--period", "month-13", "--region", "410403"], "考核周期只能是某月、某季度或全年"),
        (["--year", "2015", "--period", "month-9", "--region", "999999"], "找不到行政区划代码「999999」"),
        (["--year", "2015", "--period", "month-9", "--region", "410400"], "考核按区县进行"),
        (["--year", "2015", "--period", "month-9", "--region", "410402"], "新华区没有2015年的考核方案"),
        (["--year", "二〇一五", "--period", "month-9", "--region", "410403"], "年度必须是数字"),
        (["--period", "month-9", "--region", "410403"], "请指定年度（--year）"),
        (["--year", "2015", "--region", "410403"], "请指定考核周期（--period）"),
    ],
)
def test_bad_options_are_named_in_chinese(scheme, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_an_error_exits_non_zero_with_the_message(scheme):
    stderr = io.StringIO()
    argv = ["manage.py", "score_ranking", "--year", "2016", "--period", "month-9", "--region", "410403"]
    with pytest.raises(SystemExit) as exit_info:
        Command(stdout=io.StringIO(), stderr=stderr).run_from_argv(argv)
    assert exit_info.value.code == 1
    assert stderr.getvalue().strip() == "CommandError: 卫东区没有2016年的考核方案，请先在“考核方案”中建立。"
