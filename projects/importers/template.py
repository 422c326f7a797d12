"""The downloadable import template: the canonical headers and one example row."""

from projects.exporters.xlsx import simple_workbook

TEMPLATE_HEADERS = [
    "序号",
    "项目名称",
    "项目代码",
    "建设单位",
    "建设内容及规模",
    "建设地点",
    "所在县区（市级、省级项目办导入时必填）",
    "建设年限",
    "总投资（万元）",
    "年度计划投资（万元）",
    "类别",
    "批次",
    "责任单位",
    "联系领导",
    "备注",
]
EXAMPLE_ROW = [
    1,
    "示例：北环路冷链物流中心",
    "",
    "平顶山市示例物流有限公司",
    "建设冷库及配送中心，建筑面积2万平方米",
    "北环路街道",
    "",
    "2016-2017",
    36830,
    12000,
    "新开工",
    "第一批",
    "区商务局",
    "",
    "示例行，导入前请删除",
]


def template_workbook():
    return simple_workbook(
        "重点项目清单",
        TEMPLATE_HEADERS,
        [EXAMPLE_ROW],
        widths=[6, 30, 14, 24, 36, 14, 18, 12, 14, 16, 10, 10, 16, 12, 20],
    )
