"""The field table: every fact about a record's and the taxonomy's fields, declared once.

The validator, the JSON Schema, the spreadsheet columns (exports and import), the `new` prompts, the labels on pages,
in checks and in the catalogue, and the /help/fields/ page all come from RECORD and TAXONOMY below.
"""

from __future__ import annotations

import unicodedata

from .kinds import (
    INVISIBLE,
    Amount,
    Choice,
    CreditCode,
    Date,
    Email,
    FeeItem,
    Field,
    Flag,
    Fraction,
    Integer,
    ListOf,
    Number,
    Object,
    OpeningHours,
    Phone,
    PostalCode,
    Slug,
    Text,
    Title,
    Url,
)

DISCLOSURE_KEYS = {"content": "服务内容", "process": "服务流程", "standards": "服务标准", "fees": "收费标准", "hours": "服务时间"}
DISCLOSURE_HEADINGS = {"content": ("服务内容", "主要服务内容"), "fees": ("收费标准", "收费情况", "收费", "收费方式"),
                       "hours": ("服务时间", "办公时间", "工作时间")}
STATUSES = {"active": "在册（公开）", "draft": "草稿（待补全，不公开）", "suspended": "暂停（不公开）", "revoked": "撤销（不公开）"}
RANKING_GROUPS = {"tier": "按层级", "function": "按主要服务功能"}
CANCEL_DATES = {"published": "结果公布之日", "year_end": "评价年度的 12 月 31 日", "next_year": "评价次年的 1 月 1 日"}
FIXED_CHOICES = {"statuses": STATUSES, "disclosure_keys": DISCLOSURE_KEYS, "ranking_groups": RANKING_GROUPS, "cancel_dates": CANCEL_DATES}
PLACEHOLDERS = ("待补充", "待填写", "暂无", "无", "略", "空", "详见附件", "见附件", "-", "—", "/", "N/A", "n/a", "NA", "TBD", "…", "...")
DEFAULT_SUFFIXES = ("自治县", "新区", "区", "县", "市")
BULLETIN_FIGURES = {"demands": "服务需求对接数量", "enterprises": "服务企业数", "activities": "服务活动场次", "users": "注册用户数",
                    "resources": "引入服务资源数"}


def _named(label: str, extra: dict[str, Field] | None = None) -> Object:
    """An object with an id and a Chinese name: the shape of every taxonomy list entry."""
    fields = {"id": Slug("标识", required=True), "name": Text("中文名称", required=True),
              "aliases": ListOf("别称", item=Text("别称"), help="导入表格时也认作这一项的说法，如 人才培训")}
    return Object(label, fields=fields | (extra or {}))


def _taxonomy_list(label: str, item: Object) -> ListOf:
    return ListOf(label, required=True, item=item, min_items=1, unique_key="id")


TAXONOMY = Object("分类表", fields={
    "site": Object("网站", required=True, fields={
        "title": Text("网站标题", required=True),
        "authority": Text("主管部门", required=True),
        "region": Text("所在省市", default="", help="用于开放数据和结构化数据中的地址"),
        "description": Text("简介", single_line=False, default="", help="网页的描述（搜索引擎摘要）和首页开头的一段话",
                        headings=("简介", "机构简介", "平台简介")),
        "notice": Text("提示", single_line=False, default="", help="显示在首页、关于页和每页页脚，如“示例数据”"),
        "timezone": Text("时区", default="Asia/Shanghai", help="网页判断“现在开放”时按这个时区的时间，默认 Asia/Shanghai"),
        "area_code": Text("电话区号", default="", help="导入时补回表格丢掉的区号开头的 0，如 021；电话的输入提示也用它"),
        "district_word": Text("对区的称呼", default="区", help="如 区、区县、县市区；默认 区"),
        "area_word": Text("对全域的称呼", default="全市", help="如 全市、全省；默认 全市"),
        "examples": Object("示例", default={}, help="输入提示中的示例；不写时由区、产业和电话区号生成", fields={
            "phone": Text("电话示例"), "id": Slug("机构标识示例"), "query": Text("搜索示例"),
        }),
    }),
    "districts": _taxonomy_list("区", _named("区", {"name_en": Text("英文名称", required=True)})),
    "district_suffixes": ListOf("区名后缀", item=Text("后缀"), default=list(DEFAULT_SUFFIXES),
                                help="导入时可省略的区名后缀，如 区、县、市、新区、自治县"),
    "historical_districts": ListOf("历史区名", default=[], item=Object("历史区名", fields={
        "name": Text("旧区名", required=True),
        "id": Slug("旧区标识", help="旧区曾有网页时写它的标识，/districts/<旧标识>/ 会跳转到现在的区"),
        "maps_to": Choice("并入的区", required=True, choices="districts"),
        "year": Integer("撤并年份", minimum=1949, maximum=2100),
    })),
    "function_categories": _taxonomy_list("功能大类", _named("功能大类")),
    "functions": _taxonomy_list("服务功能", _named("服务功能", {
        "category": Choice("所属大类", required=True, choices="function_categories"),
        "target": Integer("规划目标数"),
        "description": Text("说明", single_line=False),
    })),
    "tiers": _taxonomy_list("层级", _named("层级", {
        "description": Text("说明", single_line=False),
        "criteria": Object("认定条件", fields={
            "floor_area_m2": Integer("服务场地面积下限（平方米）"),
            "smes_served": Integer("年服务企业数下限"),
            "satisfaction": Fraction("满意度下限"),
        }),
    })),
    "demonstration_levels": _taxonomy_list("示范平台级别", _named("示范平台级别", {
        "validity_years": Integer("有效年数", minimum=1, maximum=50,
                                  help="称号没写有效期时，认定年份加上这个年数的年底到期（如 2016 年认定、3 年有效，2019-12-31 到期）"),
    })),
    "evaluation_grades": _taxonomy_list("评价等级", _named("评价等级")),
    "industries": _taxonomy_list("服务产业", _named("服务产业", {"strategic": Flag("战略性新兴或高技术产业")})),
    "disclosures": ListOf("服务五公开", required=True, min_items=5, unique_key="key", item=Object("公开项", fields={
        "key": Choice("公开项", required=True, choices="disclosure_keys"),
        "label": Text("显示名称", required=True),
    })),
    "pinyin_overrides": ListOf("拼音更正（排序用）", default=[], item=Object("拼音更正", fields={
        "text": Text("词语", required=True),
        "pinyin": Text("拼音（不带声调，空格分隔）", required=True),
    })),
    "thesaurus": ListOf("同义词表", default=[], item=ListOf("同义词组", item=Text("词"), min_items=2),
                        help="搜索时，查询中的一个词也按同组的其他词查找，结果排在原词之后；每组一行，如 [检测, 检验, 测试]"),
    "placeholders": ListOf("占位文字", item=Text("占位文字"), default=list(PLACEHOLDERS),
                           help=f"不算数据的填写，如 {'、'.join(PLACEHOLDERS[:5])}；不写时用默认的列表"),
    "verification_months": Integer("核实周期（月）", minimum=1, maximum=120, default=12, help="记录多久没有核实就提醒；默认 12 个月"),
    "plan": Object("规划目标", default={}, fields={
        "platforms": Integer("平台总数目标"),
        "demonstration": Integer("示范平台目标"),
        "strategic_share": Fraction("服务战略性新兴产业的比例目标"),
        "quarterly": Object("每季度目标", help="季度通报的合计与它比较",
                            fields={key: Integer(label) for key, label in BULLETIN_FIGURES.items()}),
    }),
    "evaluation_rules": Object("评价规则", default={}, help="年度评价结果带来什么：取消称号、排名警告、名单；不写则都没有", fields={
        "ranking": Choice("排名分组", choices="ranking_groups", default="tier",
                          help="“末位”在哪一组里算：tier 按层级，function 按主要服务功能"),
        "cancel_grades": ListOf("取消称号的等次", item=Choice("等次", choices="evaluation_grades"), default=[],
                                help="评为这些等次的平台，评价年度及以前认定的称号被取消（如 fail）"),
        "cancel_levels": ListOf("被取消的称号级别", item=Choice("级别", choices="demonstration_levels"), default=[],
                                help="只取消这些级别的称号；不写则所有级别"),
        "cancel_from": Choice("称号自何时取消", choices="cancel_dates", default="published",
                              help="published：结果公布之日（结果文件的 published，没写时为次年 1 月 1 日）；year_end；next_year"),
        "cancel_reason": Text("取消的原因", default="年度评价{grade}，取消称号", help="{grade} 换成等次名称，{year} 换成年份"),
        "warnings": ListOf("排名警告", default=[], unique_key="id", help="同组排名末位的平台得到的警告或通报",
                           item=Object("排名警告", fields={
            "id": Slug("标识", required=True),
            "name": Text("名称", required=True, help="如 黄牌警告、建议更换运营单位"),
            "last_places": Integer("末尾几名", minimum=1, maximum=100, help="不写为 1，即组内最后一名"),
            "years": Integer("连续年数", minimum=1, maximum=20, help="连续几年处在末尾才给出；不写为 1"),
            "tiers": ListOf("只对这些层级", item=Choice("层级", choices="tiers"), help="不写则所有层级"),
        })),
        "lists": ListOf("名单", default=[], unique_key="id", help="按最近一年的等次列入的名单，如 白名单、黑名单",
                        item=Object("名单", fields={
            "id": Slug("标识", required=True),
            "name": Text("名称", required=True),
            "grades": ListOf("列入的等次", required=True, min_items=1, item=Choice("等次", choices="evaluation_grades")),
        })),
    }),
})

RECORD = Object("服务机构记录", fields={
    "name": Text("机构名称", required=True, visible_only=True, max_length=100, ask=True, help="营业执照或认定文件上的全称",
                 example="示例区知识产权服务中心", headings=("名称", "平台名称", "服务机构名称", "机构名称", "单位名称"), footnotes=True),
    "name_en": Text("英文名称", visible_only=True, max_length=200, example="Example IP Service Center"),
    "district": Choice("所在区", required=True, choices="districts", ask=True, help="分类表中的区标识，必须与记录所在的文件夹同名",
                       example="(districts)", headings=("所在区", "区", "区县", "所属区")),
    "tier": Choice("层级", required=True, choices="tiers", ask=True, help="平台的认定层级", example="(tiers)",
                   headings=("层级", "平台层级", "认定类别", "平台类别")),
    "functions": ListOf("服务功能", required=True, min_items=1, unique=True, item=Choice("服务功能", choices="functions"),
                        ask=True, help="一项或多项，第一项为主要功能", example="(functions)",
                        headings=("服务功能", "功能", "服务类别", "服务领域", "服务范围")),
    "industries": ListOf("服务产业", unique=True, item=Choice("服务产业", choices="industries"), help="主要服务的产业，可多项",
                         example="(industries)", headings=("服务产业", "服务对象", "服务行业")),
    "operator": Text("运营机构", required=True, visible_only=True, max_length=200, ask=True, help="负责运营平台的法人单位",
                     example="示例科技服务有限公司", headings=("运营机构", "运营单位", "运营主体"), footnotes=True),
    "credit_code": CreditCode("统一社会信用代码", help="运营机构营业执照上的 18 位代码，含校验位", example="<credit_code>",
                              headings=("统一社会信用代码", "信用代码")),
    "address": Text("地址", required=True, max_length=300, ask=True, help="服务场所的详细地址", example="示例路 100 号 5 楼",
                    headings=("地址", "单位地址", "办公地址", "详细地址", "联系地址", "服务地址")),
    "postal_code": PostalCode("邮政编码", help="服务场所的 6 位邮政编码；开放数据（HSDS）的地址需要它", example="123456"),
    "contacts": Object("联系方式", required=True, at_least_one_of=("phone", "hotline", "email", "website"),
                       help="电话、服务热线、电子邮箱、网站至少填写一项", fields={
        "person": Text("联系人", max_length=50, example="王老师"),
        "phone": Phone("电话", ask=True, help="带区号的固定电话或手机号码", example='"<phone>"',
                       headings=("电话", "联系电话", "电话号码", "联系方式")),
        "hotline": Phone("服务热线", help="可带“转”分机号", example='"400-000-0000 转 8"', headings=("服务热线", "热线")),
        "email": Email("电子邮箱", ask=True, example="service@example.org", headings=("电子邮箱", "邮箱")),
        "website": Url("网站", help="以 http:// 或 https:// 开头的完整网址", example="https://www.example.org/",
                       headings=("网站", "网址", "网站地址", "官方网站", "门户网站")),
    }),
    "disclosures": Object("服务五公开", required=True, help="五项都必须填写；网站上的名称来自分类表", fields={
        key: Text(label, required=True, single_line=False, ask=True, example=example, headings=DISCLOSURE_HEADINGS.get(key, ()))
        for (key, label), example in zip(DISCLOSURE_KEYS.items(), ("专利检索、知识产权咨询", "线上预约，现场受理，五个工作日内答复",
                                                                   "按示例行业服务规范执行", "基础咨询免费，检索按次收费",
                                                                   '"周一至周五 9:00-17:00"'))
    }),
    "opening_hours": OpeningHours("营业时间（结构化）", max_length=500, help=(
        "OpenStreetMap opening_hours 写法，网页据此显示“现在开放/现在休息”：Mo–Su 是周一到周日，PH off 表示法定节假日休息；"
        "调休上班日按工作日时间开放，不调休的在其中写上 \"不调休\"。服务时间（五公开）仍照机构原文填写"),
        example="Mo-Fr 08:30-17:30; Sa 09:00-12:00; PH off", headings=("营业时间（结构化）", "opening_hours")),
    "fee_items": ListOf("收费项目",
                        help="逐项列出收费：项目、是否免费、金额（元）、最高金额、单位、说明；收费标准（五公开）仍照机构原文填写",
                        example="- {item: 政策咨询, free: true}", headings=("收费项目",), item=FeeItem("收费项目", fields={
        "item": Text("项目", required=True, max_length=200),
        "free": Flag("免费"),
        "amount": Amount("金额（元）"),
        "amount_max": Amount("最高金额（元）"),
        "unit": Text("单位", max_length=20),
        "note": Text("说明", max_length=300),
    })),
    "free_services": ListOf("免费基础服务", item=Text("免费基础服务", max_length=300), help="向中小企业免费提供的服务，每项一行",
                            example="政策咨询", headings=("免费基础服务", "免费服务")),
    "demonstration": ListOf("示范平台称号", help="每项写明级别和认定年份，可加有效期和证书编号；过期的称号显示为已过期",
                            example="- {level: (demonstration_levels), year: 2024}", item=Title("示范平台称号", fields={
        "level": Choice("级别", required=True, choices="demonstration_levels", headings=("示范级别", "示范平台级别", "认定级别", "级别")),
        "year": Integer("认定年份", required=True, minimum=1990, maximum=2100, headings=("认定年份", "认定年度", "认定时间")),
        "expires": Date("有效期至", headings=("有效期至", "有效期", "称号有效期")),
        "certificate": Text("证书或文件编号", max_length=200),
    })),
    "evaluations": ListOf("年度评价", unique_key="year", help="每年一项：年份和等级", example="- {year: 2025, grade: (evaluation_grades)}",
                          item=Object("年度评价", fields={
        "year": Integer("年份", required=True, minimum=1990, maximum=2100, headings=("评价年度", "考核年度", "评价年份")),
        "grade": Choice("等级", required=True, choices="evaluation_grades", headings=("评价等级", "考核等级", "考核结果", "年度评价结果")),
    })),
    "metrics": Object("运营指标", help="与层级的认定条件比较，低于条件时给出警告", fields={
        "year": Integer("统计年份", required=True, minimum=1990, maximum=2100, example="2025", headings=("指标年份",)),
        "floor_area_m2": Integer("服务场地面积（平方米）", example="500"),
        "smes_served": Integer("年服务企业数", example="6000"),
        "satisfaction": Fraction("满意度", help="0 到 1 之间的小数，如 0.95 表示 95%", example="0.95"),
    }),
    "status": Choice("状态", choices="statuses", column=False, help="不选即为在册（公开）；草稿、暂停、撤销的都不公开，记录保留",
                     example="(statuses)"),
    "description": Text("简介", single_line=False, help="一两句话介绍机构"),
    "since": Integer("成立年份", minimum=1900, maximum=2100, example="2012"),
    "aliases": ListOf("原标识", unique=True, item=Slug("原标识"),
                      help="记录改过文件名（标识）时，把旧标识写在这里：旧网址会跳转到新网址，打印的二维码仍然有效",
                      example="- <id>"),
    "pinyin": Text("名称拼音", max_length=300, help="用于排序，可选；自动注音有误时填写", example="shi li qu zhi shi chan quan"),
    "verified": Date("最近核实日期", required=True, help="主管部门最近一次核实这条记录的日期", example="2026-03-01",
                     headings=("最近核实日期", "核实日期")),
    "notes": ListOf("导入备注", item=Text("备注", max_length=500), column=False, public=False,
                    help="导入时没能读懂、需要有人核对的内容，每项一行；只给编辑看，不会公开",
                    example="第 5 行“信用代码”：请从原件重新填写"),
})

_ENTRY_ID = Slug("机构标识", required=True, help="记录的文件名（不含 .yml）", example="<id>", headings=("机构标识", "标识"))

EVALUATION_FILE = Object("年度评价结果（evaluations/<年份>.yml）", fields={
    "published": Date("公布日期", help="主管部门公布结果的日期；称号按评价规则从这一天起取消", example="2026-01-20"),
    "source": Text("文件名称或文号", max_length=300, example="关于 2025 年度服务平台评价结果的通报（示例）"),
    "results": ListOf("评价结果", required=True, unique_key="id", help="每家机构一项", item=Object("评价结果",
                      at_least_one_of=("score", "rank", "grade"), fields={
        "id": _ENTRY_ID,
        "score": Number("得分", minimum=0, maximum=1000, expects="0 到 1000 之间的分数", example="86.5", headings=("得分", "分数", "总分")),
        "rank": Integer("组内排名", minimum=1, maximum=100000, help="在同一组（层级或主要功能，见评价规则）中的名次；不写时按得分排",
                        example="3", headings=("排名", "名次")),
        "grade": Choice("等次", choices="evaluation_grades", example="(evaluation_grades)",
                        headings=("等次", "等级", "评价等次", "考核结果")),
        "group": Slug("排名组别", help="排名所在的组：当年的层级或主要功能的标识（见评价规则）。导入时按当时的记录写入，"
                      "以后层级变了，这一年的排名和警告仍按这一组；不写时按记录现在的层级或主要功能", example="city",
                      headings=("排名组别",)),
        "notes": Text("备注", max_length=500, headings=("备注", "说明")),
    })),
})

BULLETIN_FILE = Object("季度通报（bulletins/<年份>-Q<季度>.yml）", fields={
    "published": Date("通报日期", example="2025-10-15"),
    "source": Text("文件名称或文号", max_length=300),
    "figures": ListOf("各机构数字", required=True, unique_key="id", help="每家机构一项", item=Object("季度数字", fields={
        "id": _ENTRY_ID,
        **{key: Integer(label, example="12", headings=(label,)) for key, label in BULLETIN_FIGURES.items()},
        "notes": Text("备注", max_length=500, headings=("备注", "说明")),
    })),
})


def normalise_name(name: str) -> str:
    """Return the form two names are compared in: NFKC, without spaces or invisible characters."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(c for c in INVISIBLE.sub("", folded) if not c.isspace()).casefold()


def schema_files() -> dict[str, Object]:
    """Return each file kind's JSON Schema name (schema/<name>.schema.json) and its fields: records, and the results and
    bulletin files, whose folders (evaluations/, bulletins/) carry the same names."""
    return {"institution": RECORD, "evaluations": EVALUATION_FILE, "bulletins": BULLETIN_FILE}


def json_schema(name: str, choices: dict[str, dict[str, str]]) -> dict:
    """Return the JSON Schema of one file kind (see schema_files), with the taxonomy's choices as enums."""
    schema = schema_files()[name].json_schema(choices | FIXED_CHOICES)
    return {"$schema": "https://json-schema.org/draft-07/schema#", "$id": f"{name}.schema.json"} | schema


def schema_line(name: str) -> str:
    """Return the first line of a file of that kind: it points editors (yaml-language-server) at its JSON Schema."""
    return f"# yaml-language-server: $schema=../../schema/{name}.schema.json"


def fields(spec: Object = RECORD, prefix: str = "") -> list[tuple[str, Field]]:
    """Return (dotted path, field) for every field in display order, nested objects included after their parent."""
    found = []
    for key, child in spec.fields.items():
        found.append((prefix + key, child))
        if child.parts():
            found += fields(child, f"{prefix}{key}.")
    return found


def leaf_fields(spec: Object = RECORD) -> list[tuple[str, Field]]:
    """Return (dotted path, field) for every field that holds a value (nested objects flattened), in display order."""
    return [(path, child) for path, child in fields(spec) if not child.parts()]
