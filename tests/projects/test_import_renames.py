"""The same project under another name on next year's list (issue #24, points 5 and 6): matched by
its code, then by its name's key within its street or unit; a name only alike is proposed to the
admin, who accepts or rejects it before confirming; a project matched under a new name keeps the
old one, searchable, with the change in its history. Never a silent duplicate, never a silent merge."""

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from projects.importers.names import PROPOSAL_SCORE, likeness, name_key, numbers_in
from projects.models import ImportRecord, Project
from projects.services.errors import ValidationError
from projects.services.import_plans import NEW
from projects.services.imports import decide_matches, import_confirm, import_upload
from tests.projects.test_import import read, xlsx

pytestmark = pytest.mark.usefixtures("demo")

HEADER = [
    "序号",
    "项目代码",
    "项目名称",
    "建设单位",
    "建设地点",
    "建设年限",
    "总投资（万元）",
    "2016年计划投资（万元）",
]

# Nine of the 2015 demo projects as next year's list names them.
RENAMED = {
    "平煤神马集团八矿二号井": "平煤神马集团八矿二号井项目",
    "明珠世纪城二期": "明珠世纪城（二期）",
    "恒宇·东城国际": "恒宇东城国际",
    "市四十一中异地重建项目": "市四十一中异地重建",
    "鹰城商贸、商务中心": "鹰城商贸商务中心",
    "碧水香墅(劳动路恒温库区域改造)": "碧水香墅（劳动路恒温库区域改造）项目",
    "广厦黄金花园(城中村改造)": "广厦·黄金花园城中村改造工程",
    "河南新吉祥电子科技产业园": "新吉祥电子科技产业园",  # alike only: proposed
    "上徐机械加工工业园": "上徐机械加工工业园区建设项目",  # alike only: proposed
}
PROPOSED = {"河南新吉祥电子科技产业园", "上徐机械加工工业园"}


def row_for(project, name, *, code="", number=1, street=None, owner=None):
    return [
        number,
        code,
        name,
        project.owner if owner is None else owner,
        project.street.name if street is None else street,
        "2015-2017",
        float(project.total_investment),
        1000,
    ]


def renamed_list(renamed=RENAMED, **extra):
    projects = {project.name: project for project in Project.objects.filter(name__in=renamed).select_related("street")}
    rows = [row_for(projects[old], new, number=n) for n, (old, new) in enumerate(renamed.items(), start=1)]
    return xlsx({"2016年市重点项目": [["单位：万元"], HEADER, ["一、续建项目"], *rows, *extra.get("more", [])]})


def answering(rows, accept):
    """The answers to the proposals of ``rows``, as the page gives them (with the project proposed)."""
    return {(row.sheet, row.row): (accept, row.suggestion.project.pk) for row in rows}


def plan_of(upload):
    return read(upload, year=2016)


# --- The name's key and likeness -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("平煤神马集团八矿二号井项目", "平煤神马集团八矿二号井"),
        ("明珠世纪城（二期）", "明珠世纪城二期"),
        ("明珠世纪城(二期)", "明珠世纪城 二期"),
        ("恒宇东城国际", "恒宇·东城国际"),
        ("恒宇・东城国际建设项目", "恒宇东城国际"),
        ("ＡＢＣ物流园工程", "abc物流园"),
        ("市正顺化工公司技改10万吨/年洗油深加工", "市正顺化工公司技改10万吨年洗油深加工项目"),
        ("道路改造（一期）-东段", "道路改造一期东段"),
    ],
)
def test_names_that_differ_only_in_width_spaces_dots_brackets_or_a_trailing_word_have_one_key(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("明珠世纪城一期", "明珠世纪城二期"),
        ("明珠世纪城（三期）", "明珠世纪城二期"),
        ("平煤神马集团八矿三号井", "平煤神马集团八矿二号井"),
        ("市现代物流产业集聚区二期", "市现代物流产业集聚区一期"),
        ("5号地块住宅", "6号地块住宅"),
        ("产业园A区", "产业园"),
        ("XX化工年产1.5万吨项目", "XX化工年产15万吨项目"),
        ("XX小区1-2号楼", "XX小区12号楼"),
        ("道路Ⅰ标段", "道路Ⅱ标段"),
        ("产业园A区", "产业园B区"),
        ("新城东区", "新城西区"),
        ("A地块住宅", "B地块住宅"),
        ("2016年城区道路改造", "2017年城区道路改造"),
    ],
)
def test_names_that_differ_in_a_phase_or_a_number_are_different(one, other):
    assert name_key(one) != name_key(other)
    if numbers_in(name_key(one)) != numbers_in(name_key(other)):
        assert likeness(name_key(one), name_key(other)) == 0


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("明珠世纪城2期", "明珠世纪城二期"),
        ("第1标段道路", "第一标段道路"),
        ("万基铝业技改", "铝业技改"),
        ("城乡一体化示范区", "城乡示范区"),
    ],
)
def test_a_phase_or_number_written_otherwise_and_numerals_inside_words_still_allow_a_proposal(one, other):
    assert numbers_in(name_key(one)) == numbers_in(name_key(other))
    assert likeness(name_key(one), name_key(other)) >= PROPOSAL_SCORE


def test_a_name_is_never_cut_to_nothing():
    assert name_key("项目") == "项目"
    assert name_key("  工程 ") == "工程"


# --- The nine demo projects under their new names ------------------------------------------------------


def test_nine_demo_projects_under_new_names_are_matched_or_proposed_never_silently_new():
    plan = plan_of(renamed_list())
    assert plan.ok, plan.errors
    by_name = {row.name: row for row in plan.rows}
    for old, new in RENAMED.items():
        row = by_name[new]
        if old in PROPOSED:
            assert row.project is None and row.status == NEW
            assert row.suggestion is not None and row.suggestion.project.name == old
            assert row.suggestion.decision is None
        else:
            assert row.project is not None and row.project.name == old, new
            assert ("name", old, new) in row.changes
    assert {row.name for row in plan.undecided} == {RENAMED[old] for old in PROPOSED}
    assert [match["project_name"] for match in plan.summary()["suggested_matches"]] == [
        old for old in RENAMED if old in PROPOSED
    ]


def test_renamed_projects_keep_their_old_names_searchable_with_the_change_in_history(admin_user, client):
    again_upload = renamed_list()  # read again once imported
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    record, plan = decide_matches(user=admin_user, record=record, answers=answering(plan.suggestions, True))
    before = Project.objects.count()
    import_confirm(user=admin_user, record=record)
    assert Project.objects.count() == before  # not one project created a second time
    for old, new in RENAMED.items():
        project = Project.objects.get(name=new)
        assert project.former_name_list == [old]
        assert project.listings.filter(year=2016).exists()
        change = project.history.filter(name=new).earliest("history_date")
        assert change.prev_record.name == old
        assert f"导入记录 #{record.pk}" in change.history_change_reason
    client.force_login(admin_user)
    page = client.get(reverse("projects:project_list"), {"q": "八矿二号井", "year": 2016}).content.decode()
    assert "平煤神马集团八矿二号井项目" in page
    page = client.get(reverse("projects:project_list"), {"q": "河南新吉祥", "year": 2016}).content.decode()
    assert "新吉祥电子科技产业园" in page  # found by its former name
    detail = client.get(Project.objects.get(name="新吉祥电子科技产业园").get_absolute_url()).content.decode()
    assert "曾用名" in detail and "河南新吉祥电子科技产业园" in detail
    # The same list again: all unchanged, the former names untouched.
    again = plan_of(again_upload)
    assert {row.status for row in again.rows} == {"unchanged"} and not again.suggestions


def test_a_rejected_proposal_is_a_new_project_and_the_old_one_is_untouched(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    answers = {(r.sheet, r.row): (r.name == "新吉祥电子科技产业园", r.suggestion.project.pk) for r in plan.suggestions}
    record, plan = decide_matches(user=admin_user, record=record, answers=answers)
    assert record.summary["suggested_matches"][0]["decision"] == "accepted"
    assert record.summary["suggested_matches"][1]["decision"] == "rejected"
    import_confirm(user=admin_user, record=record)
    assert Project.objects.filter(name="上徐机械加工工业园").exists()
    assert Project.objects.filter(name="上徐机械加工工业园区建设项目").get().former_names == ""
    assert not Project.objects.filter(name="河南新吉祥电子科技产业园").exists()


def test_confirm_is_refused_while_a_proposal_is_unanswered(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    counts = Project.objects.count()
    with pytest.raises(ValidationError, match="还有 2 条"):
        import_confirm(user=admin_user, record=record)
    first = plan.suggestions[0]
    record, plan = decide_matches(user=admin_user, record=record, answers=answering([first], True))
    with pytest.raises(ValidationError, match="还有 1 条"):
        import_confirm(user=admin_user, record=record)
    assert Project.objects.count() == counts
    assert ImportRecord.objects.get(pk=record.pk).status == "previewed"


def test_answers_the_preview_did_not_ask_for_change_nothing(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    digest = record.plan_digest
    with pytest.raises(ValidationError, match="第2行没有匹配建议"):
        decide_matches(user=admin_user, record=record, answers={("2016年市重点项目", 2): (True, 1)})
    assert ImportRecord.objects.get(pk=record.pk).plan_digest == digest


def test_two_rows_cannot_both_take_one_proposed_project(admin_user):
    project = Project.objects.select_related("street").get(name="河南新吉祥电子科技产业园")
    more = [row_for(project, "新吉祥电子科技产业园区", number=10)]
    record, plan = import_upload(user=admin_user, upload=renamed_list(more=more), year=2016, level="city")
    twins = [row for row in plan.suggestions if row.suggestion.project.pk == project.pk]
    assert len(twins) == 2
    with pytest.raises(ValidationError, match="对应同一个已有项目"):
        decide_matches(user=admin_user, record=record, answers=answering(twins, True))
    assert ImportRecord.objects.get(pk=record.pk).summary.get("match_decisions") is None


def test_a_proposal_made_stale_by_a_change_is_refused(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    Project.objects.filter(name="河南新吉祥电子科技产业园").update(owner="另一家公司")
    first = plan.suggestions[0]
    with pytest.raises(ValidationError, match="已有变化"):
        decide_matches(user=admin_user, record=record, answers=answering([first], True))


# --- What is never proposed or matched ------------------------------------------------------------------


def test_another_phase_or_number_is_a_new_project_never_proposed():
    projects = {p.name: p for p in Project.objects.filter(name__in=["明珠世纪城二期", "平煤神马集团八矿二号井"])}
    rows = [
        row_for(projects["明珠世纪城二期"], "明珠世纪城三期", number=1),
        row_for(projects["明珠世纪城二期"], "明珠世纪城（一期）项目", number=2),
        row_for(projects["平煤神马集团八矿二号井"], "平煤神马集团八矿三号井", number=3),
    ]
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、新开工项目"], *rows]}))
    assert plan.ok, plan.errors
    assert [(row.status, row.project, row.suggestion) for row in plan.rows] == [(NEW, None, None)] * 3


def test_a_proposal_needs_the_same_street_and_owner():
    project = Project.objects.select_related("street").get(name="河南新吉祥电子科技产业园")
    other_street = "东安路街道" if project.street.name != "东安路街道" else "北环路街道"
    rows = [
        row_for(project, "新吉祥电子科技产业园", number=1, street=other_street),
        row_for(project, "新吉祥电子科技产业园", number=2, owner="别的置业有限公司"),
    ]
    for row in rows:
        plan = plan_of(xlsx({"2016年": [HEADER, ["一、续建项目"], row]}))
        assert plan.ok and plan.rows[0].suggestion is None and plan.rows[0].project is None


def test_the_owner_agrees_whatever_its_company_form():
    project = Project.objects.select_related("street").get(name="明珠世纪城二期")
    owner = project.owner.replace("有限公司", "有限责任公司")
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、续建项目"], row_for(project, "明珠世纪城二期住宅", owner=owner)]}))
    assert plan.rows[0].suggestion is not None and plan.rows[0].suggestion.project.pk == project.pk


def test_a_key_match_needs_the_street_or_unit_to_agree():
    project = Project.objects.select_related("street").get(name="恒宇·东城国际")
    other_street = "东安路街道" if project.street.name != "东安路街道" else "北环路街道"
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、续建项目"], row_for(project, "恒宇东城国际", street=other_street)]}))
    assert plan.ok and plan.rows[0].project is None  # in another street: another project


def test_the_code_decides_when_both_have_one():
    one = Project.objects.select_related("street").get(name="恒宇·东城国际")
    one.code = "2015-410403-47-01-000001"
    one.save()
    # The name's key is one's, the code is not: both have codes, so they are two projects.
    row = row_for(one, "恒宇东城国际", code="2016-410403-47-01-000002")
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、续建项目"], row]}))
    assert plan.ok, plan.errors
    assert plan.rows[0].project is None and plan.rows[0].suggestion is None
    # The code is one's, the name another's: the code wins, and the name is its new one.
    other = Project.objects.get(name="明珠世纪城二期")
    row = row_for(one, other.name, code="2015-410403-47-01-000001")
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、续建项目"], row]}))
    assert plan.rows[0].project.pk == one.pk and ("name", "恒宇·东城国际", "明珠世纪城二期") in plan.rows[0].changes


def test_a_project_renamed_back_to_a_former_name_drops_it_from_the_former_names():
    project = Project.objects.get(name="恒宇·东城国际")
    project.rename("恒宇东城国际花园")
    project.rename("恒宇·东城国际")
    assert project.name == "恒宇·东城国际" and project.former_name_list == ["恒宇东城国际花园"]


def test_a_former_name_still_finds_its_project(admin_user):
    project = Project.objects.select_related("street").get(name="恒宇·东城国际")
    project.rename("恒宇东城国际花园")
    project.save()
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、续建项目"], row_for(project, "恒宇·东城国际")]}))
    assert plan.rows[0].project.pk == project.pk


# --- The command and the page ---------------------------------------------------------------------------


def run_command(path, *args):
    out = io.StringIO()
    try:
        call_command("import_projects", str(path), "--year", "2016", "--region", "410403", "--json", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


@pytest.fixture
def renamed_file(tmp_path):
    path = tmp_path / "2016.xlsx"
    path.write_bytes(renamed_list().read())
    return path


def test_the_command_reports_proposals_and_imports_them_as_new_unless_accepted(renamed_file):
    code, payload = run_command(renamed_file, "--dry-run")
    assert code == 0
    assert [(m["name"], m["project_name"], m["decision"]) for m in payload["suggested_matches"]] == [
        ("新吉祥电子科技产业园", "河南新吉祥电子科技产业园", "rejected"),
        ("上徐机械加工工业园区建设项目", "上徐机械加工工业园", "rejected"),
    ]
    # Every row is new on the 2016 list; the two proposed ones would be new projects too.
    assert payload["created"] == 9 and payload["updated"] == 0
    code, payload = run_command(renamed_file, "--dry-run", "--accept-suggestions")
    assert {m["decision"] for m in payload["suggested_matches"]} == {"accepted"}
    before = Project.objects.count()
    code, payload = run_command(renamed_file, "--accept-suggestions")
    assert code == 0 and payload["status"] == "applied" and Project.objects.count() == before
    assert Project.objects.get(name="新吉祥电子科技产业园").former_name_list == ["河南新吉祥电子科技产业园"]


def test_the_command_without_accepting_creates_the_proposed_rows_as_new(renamed_file):
    before = Project.objects.count()
    code, payload = run_command(renamed_file)
    assert code == 0 and payload["status"] == "applied"
    assert Project.objects.count() == before + 2
    assert Project.objects.filter(name="河南新吉祥电子科技产业园").exists()


def test_the_preview_page_asks_and_keeps_the_answers(client_for):
    client = client_for("admin")
    response = client.post(
        reverse("projects:import_list"), {"file": renamed_list(), "year": 2016, "level": "city"}, follow=True
    )
    page = response.content.decode()
    record = ImportRecord.objects.latest("pk")
    assert "可能是同一项目" in page and "河南新吉祥电子科技产业园" in page
    assert "还有 2 条匹配建议未选择" in page and 'class="primary" disabled' in page
    url = reverse("projects:import_matches", args=[record.pk])
    first, second = record.summary["suggested_matches"]
    accept = f"accept:{first['row']}:{first['project_id']}"
    reject = f"reject:{second['row']}:{second['project_id']}"
    assert f'value="{accept}"' in page and f'value="{reject}"' in page
    # Not an answer; and an answer given for another row or project (a page from before the
    # proposals changed): refused, nothing kept.
    stale = f"accept:{second['row']}:{second['project_id']}"
    for answers in ({"match-0": accept, "match-1": "sideways"}, {"match-0": stale}, {"match-0": "accept"}):
        response = client.post(url, answers, follow=True)
        assert "请选择「是同一项目」或「不是，新建项目」" in response.content.decode()
        assert ImportRecord.objects.get(pk=record.pk).summary.get("match_decisions") is None
    response = client.post(url, {"match-0": accept, "match-1": reject}, follow=True)
    page = response.content.decode()
    assert "已保存匹配选择" in page and 'class="primary" disabled' not in page
    client.post(reverse("projects:import_confirm", args=[record.pk]), follow=True)
    assert ImportRecord.objects.get(pk=record.pk).status == "applied"
    assert Project.objects.get(name="新吉祥电子科技产业园").former_name_list == ["河南新吉祥电子科技产业园"]
    assert Project.objects.filter(name="上徐机械加工工业园区建设项目").exists()


def test_only_admins_answer_proposals(client_for, admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    url = reverse("projects:import_matches", args=[record.pk])
    for role in ("staff_a", "leader"):
        assert client_for(role).post(url, {"match-0": f"accept:{plan.rows[0].row}:1"}).status_code in (302, 403, 404)
    assert ImportRecord.objects.get(pk=record.pk).summary.get("match_decisions") is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions")
def test_two_admins_answering_at_once_lose_neither_answer(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    first, second = plan.suggestions
    barrier, outcomes = threading.Barrier(2), {}

    def answer(row, accept):
        def work():
            barrier.wait()
            try:
                decide_matches(user=admin_user, record=record, answers=answering([row], accept))
                outcomes[row.row] = "ok"
            except Exception as error:  # asserted on below
                outcomes[row.row] = error
            finally:
                connections.close_all()

        return threading.Thread(target=work)

    threads = [answer(first, True), answer(second, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {first.row: "ok", second.row: "ok"}
    kept = ImportRecord.objects.get(pk=record.pk)
    assert sorted(map(tuple, kept.summary["match_decisions"])) == sorted(
        [(first.sheet, first.row, first.suggestion.project.pk), (second.sheet, second.row, 0)]
    )
    import_confirm(user=admin_user, record=kept)  # both answered: it confirms


def test_sub_items_stay_under_their_project_when_the_answers_plan_the_preview_again(admin_user):
    project = Project.objects.select_related("street").get(name="河南新吉祥电子科技产业园")
    rows = [
        row_for(project, "新吉祥电子科技产业园", number=1),
        ["", "", "其中：一期厂房", "", "", "", 500, 100],
    ]
    upload = xlsx({"2016年": [HEADER, ["一、续建项目"], *rows]})
    record, plan = import_upload(user=admin_user, upload=upload, year=2016, level="city")
    assert record.summary["rows"][0]["sub_items"][0]["name"] == "其中：一期厂房"
    record, plan = decide_matches(user=admin_user, record=record, answers=answering(plan.suggestions, True))
    kept = ImportRecord.objects.get(pk=record.pk).summary["rows"][0]
    assert kept["suggestion"]["decision"] == "accepted"
    assert [(item["name"], item["total"], item["plan"]) for item in kept["sub_items"]] == [
        ("其中：一期厂房", "500", "100")
    ]
    import_confirm(user=admin_user, record=record)
    assert not Project.objects.filter(name__contains="一期厂房").exists()


def test_confirm_refuses_a_record_read_before_the_answers_changed(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    read_before = ImportRecord.objects.get(pk=record.pk)  # the confirm page's copy
    decide_matches(user=admin_user, record=record, answers=answering(plan.suggestions, False))
    with pytest.raises(ValidationError, match="匹配选择已有修改"):
        import_confirm(user=admin_user, record=read_before)
    assert ImportRecord.objects.get(pk=record.pk).status == "previewed"


def test_answers_are_refused_when_the_data_changed_since_the_preview(admin_user):
    record, plan = import_upload(user=admin_user, upload=renamed_list(), year=2016, level="city")
    Project.objects.filter(name="明珠世纪城二期").update(total_investment=1)  # a matched project
    with pytest.raises(ValidationError, match="已有变化"):
        decide_matches(user=admin_user, record=record, answers=answering(plan.suggestions[:1], True))
    assert ImportRecord.objects.get(pk=record.pk).summary.get("match_decisions") is None


def test_a_dry_run_keeps_no_answers(renamed_file):
    run_command(renamed_file, "--dry-run", "--accept-suggestions")
    record = ImportRecord.objects.latest("pk")
    assert record.status == "previewed" and record.summary.get("match_decisions") is None
    assert {match["decision"] for match in record.summary["suggested_matches"]} == {None}


def test_an_earlier_years_list_finds_a_renamed_project_and_leaves_its_name(admin_user):
    project = Project.objects.select_related("street").get(name="恒宇·东城国际")
    upload = xlsx({"2016年": [HEADER, ["一、续建项目"], row_for(project, "恒宇东城国际项目")]})
    record, plan = import_upload(user=admin_user, upload=upload, year=2016, level="city")
    import_confirm(user=admin_user, record=record)
    project.refresh_from_db()
    assert project.name == "恒宇东城国际项目" and project.former_name_list == ["恒宇·东城国际"]
    header_2015 = [*HEADER[:-1], "2015年计划投资（万元）"]
    again = read(xlsx({"2015年": [header_2015, ["一、续建项目"], row_for(project, "恒宇·东城国际")]}), year=2015)
    assert again.rows[0].project.pk == project.pk
    assert not [change for change in again.rows[0].changes if change[0] == "name"]


def test_two_rows_of_one_file_whose_names_differ_only_in_writing_are_one_project_twice():
    project = Project.objects.select_related("street").get(name="明珠世纪城二期")
    rows = [row_for(project, "新城花园（三期）", number=1), row_for(project, "新城花园三期项目", number=2)]
    plan = plan_of(xlsx({"2016年": [HEADER, ["一、新开工项目"], *rows]}))
    assert ["只是写法不同" in str(error) and "第3行是同一个项目" in str(error) for error in plan.errors] == [True]


def test_a_county_without_streets_on_record_gets_proposals_too(admin_user):
    from projects.models import Region

    county = Region.objects.get(code="410422")  # 叶县: its list names towns, no streets on record
    assert not county.streets.exists()
    existing = Project.objects.create(name="叶县产业集聚区标准化厂房", district=county, owner="叶县建设投资有限公司")
    header = ["序号", "项目名称", "所在县区", "建设单位", "建设地点", "总投资（万元）", "2016年计划投资（万元）"]
    row = [1, "叶县产业集聚区标准厂房", "叶县", "叶县建设投资有限公司", "叶县任店镇", 5000, 1000]
    plan = read(xlsx({"2016年": [header, ["一、续建项目"], row]}), year=2016, region="410400")
    assert plan.ok, plan.errors
    assert plan.rows[0].suggestion is not None and plan.rows[0].suggestion.project.pk == existing.pk


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_the_renamed_list_as_xls_or_ods_is_matched_and_proposed_as_the_xlsx(admin_user, in_format, extension):
    xlsx_plan = plan_of(renamed_list())
    again = renamed_list()  # for the re-import, read before the names change
    record, plan = import_upload(user=admin_user, upload=in_format(renamed_list(), extension), year=2016, level="city")
    assert plan.ok, plan.errors
    assert plan.summary()["rows"] == xlsx_plan.summary()["rows"]
    assert plan.summary()["suggested_matches"] == xlsx_plan.summary()["suggested_matches"]
    record, plan = decide_matches(user=admin_user, record=record, answers=answering(plan.suggestions, True))
    before = Project.objects.count()
    import_confirm(user=admin_user, record=record)
    assert Project.objects.count() == before
    replan = plan_of(in_format(again, extension))
    assert {row.status for row in replan.rows} == {"unchanged"} and not replan.suggestions
