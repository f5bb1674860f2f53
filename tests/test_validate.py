"""Each error class of the validator, with its own small fixture: the valid directory with one change."""

import json
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.read.directory import load_directory
from generator.schema import RECORD as RECORD_SCHEMA
from tests.support import TODAY

RECORD = Path("pudong/test-center.yml")
RECORD_FIELDS = list(RECORD_SCHEMA.fields)


def validate(root: Path):
    _directory, problems = load_directory(root, TODAY)
    return problems


def edit(root: Path, old: str, new: str, path: Path = RECORD) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text, old
    (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def only(problems):
    assert len(problems) == 1, problems
    p = problems[0]
    return p.code, p.path.rsplit("directory/", 1)[-1], p.line, p.field, p.describe()


def test_valid_fixture_has_no_problems(valid_dir):
    assert validate(valid_dir) == []


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("name: 测试检测中心", "name: [测试检测中心", ("yaml-syntax", RECORD.as_posix(), 2, "",
         "YAML 格式错误：did not find expected ',' or ']'（检查缩进、冒号后的空格和引号是否成对）")),
        ("tier: city", "tier: city\nname: 另一个名字", ("yaml-duplicate-key", RECORD.as_posix(), 5, "",
         "字段 name 重复出现（第一次在第 1 行）（请删除其中一个，只保留正确的值）")),
        ("address: 上海市浦东新区示例路 1 号", "address: &a 上海市浦东新区示例路 1 号", ("yaml-anchor", RECORD.as_posix(), 9, "",
         "不允许使用锚点 &a（记录中请直接写出内容，不要用 & 和 *）")),
        ("contacts:\n", "contacts:\n  <<: {person: 王老师}\n", ("yaml-merge-key", RECORD.as_posix(), 11, "",
         "不允许使用合并键 <<（记录中请直接写出每个字段）")),
        ("free_services:\n  - 检测咨询", "free_services:\n  - [[[[[[检测咨询]]]]]]", ("yaml-too-deep", RECORD.as_posix(), 21, "",
         "嵌套层数超过 6 层，记录不需要这么深的结构")),
        ("tier: city", "tier: !!str city",
         ("yaml-tag", RECORD.as_posix(), 4, "", "不允许使用标签 tag:yaml.org,2002:str（请删除 ! 开头的标签）")),
        ("name_en: Test Centre", "nmae_en: Test Centre",
         ("unknown-field", RECORD.as_posix(), 2, "nmae_en", "字段 nmae_en：不是认识的字段（是不是 name_en？）")),
        ("  hours: 周一至周五 9:00-17:00", "  hours: 9:00", ("unquoted-value", RECORD.as_posix(), 19, "disclosures.hours",
         '字段 disclosures.hours：9:00 会被 YAML 读成数字而不是文字（请加引号，写成 "9:00"）')),
        ("  fees: 按目录收费，咨询免费", "  fees: no", ("unquoted-value", RECORD.as_posix(), 18, "disclosures.fees",
         '字段 disclosures.fees：no 会被 YAML 读成是/否（布尔值）而不是文字（请加引号，写成 "no"）')),
        ('  phone: "021-0000-0001"', "  phone: 02100000001", ("unquoted-value", RECORD.as_posix(), 11, "contacts.phone",
         '字段 contacts.phone：02100000001 会被 YAML 读成数字而不是文字（请加引号，写成 "02100000001"）')),
        ("operator: 测试运营有限公司\n", "",
         ("missing-field", RECORD.as_posix(), 1, "operator", "字段 operator：缺少必填字段（运营机构）（请添加一行 operator: …）")),
        ("  fees: 按目录收费，咨询免费\n", "", ("missing-field", RECORD.as_posix(), 15, "disclosures.fees",
         "字段 disclosures.fees：缺少必填字段（收费标准）（请添加一行 fees: …）")),
        ("address: 上海市浦东新区示例路 1 号", 'address: ""',
         ("empty-value", RECORD.as_posix(), 9, "address", "字段 address：不能为空（请填写内容，或删除这一行）")),
        ("name: 测试检测中心", "name: 测试\u200b检测中心", ("invisible-character", RECORD.as_posix(), 1, "name",
         "字段 name：含有看不见的控制字符 U+200B（请删除后重新输入名称）")),
        ("name: 测试检测中心", "name: 测试\u202e检测中心", ("invisible-character", RECORD.as_posix(), 1, "name",
         "字段 name：含有看不见的控制字符 U+202E（请删除后重新输入名称）")),
        ("district: pudong", "district: huangpu", ("district-folder-mismatch", RECORD.as_posix(), 3, "district",
         "字段 district：写的是 huangpu，但文件在 pudong 文件夹里（改成 district: pudong，或把文件移到 huangpu/ 文件夹）")),
        ("functions: [quality, comprehensive]", "functions: [quality, testing]", ("unknown-choice", RECORD.as_posix(), 5, "functions[2]",
         "字段 functions[2]：testing 不在分类表（taxonomy.yml）的服务功能中（可选值：comprehensive、quality、financing）")),
        ("functions: [quality, comprehensive]", "functions: 质量技术", ("wrong-type", RECORD.as_posix(), 5, "functions",
         "字段 functions：应为列表，这里写的是质量技术（每一项另起一行，以“- ”开头）")),
        ("tier: city", "tier: 市级",
         ("unknown-choice", RECORD.as_posix(), 4, "tier", "字段 tier：市级 不在分类表（taxonomy.yml）的层级中（请写标识 city（市级））")),
        ("industries: [biomedicine]", "industries: [biomedcine]", ("unknown-choice", RECORD.as_posix(), 6, "industries[1]",
         "字段 industries[1]：biomedcine 不在分类表（taxonomy.yml）的服务产业中（是不是 biomedicine？）")),
        ("level: national", "level: provincial", ("unknown-choice", RECORD.as_posix(), 23, "demonstration[1].level",
         "字段 demonstration[1].level：provincial 不在分类表（taxonomy.yml）的级别中（可选值：national、municipal）")),
        ("grade: excellent", "grade: good", ("unknown-choice", RECORD.as_posix(), 25, "evaluations[1].grade",
         "字段 evaluations[1].grade：good 不在分类表（taxonomy.yml）的等级中（可选值：excellent、pass、fail）")),
        ("website: https://test-center.example.org/", "website: javascript:alert(1)", ("bad-url", RECORD.as_posix(), 13, "contacts.website",
         "字段 contacts.website：javascript:alert(1) 不是 http(s) 网址（请写完整网址，如 https://www.example.org/）")),
        ("website: https://test-center.example.org/", "website: data:text/html,<script>alert(1)</script>", ("bad-url", RECORD.as_posix(),
         13, "contacts.website",
         "字段 contacts.website：data:text/html,<script>alert(1)</script> 不是 http(s) 网址（请写完整网址，如 https://www.example.org/）")),
        ("email: service@test-center.example.org", "email: service@@example", ("bad-email", RECORD.as_posix(), 12, "contacts.email",
         "字段 contacts.email：service@@example 不是有效的电子邮箱地址（格式如 service@example.org）")),
        ("credit_code: 91310115MA1K000003", "credit_code: 91310115MA1K000004", ("bad-credit-code", RECORD.as_posix(), 8, "credit_code",
         "字段 credit_code：91310115MA1K000004 的校验位不对（请对照营业执照重新抄写）")),
        ("verified: 2026-10-01", "verified: 2026-02-30", ("bad-date", RECORD.as_posix(), 27, "verified",
         "字段 verified：2026-02-30 不是有效日期（格式为 年-月-日，如 2025-03-01）")),
        ("satisfaction: 0.95", "satisfaction: 95", ("out-of-range", RECORD.as_posix(), 26, "metrics.satisfaction",
         "字段 metrics.satisfaction：应为 0 到 1 之间的小数，这里写的是 95（百分比请写成小数，如 0.95）")),
    ],
)
def test_each_error_class_is_reported_at_its_line(valid_dir, old, new, expected):
    edit(valid_dir, old, new)
    assert only(validate(valid_dir)) == expected


def test_contacts_need_at_least_one_way_to_reach(valid_dir):
    edit(valid_dir, 'contacts:\n  hotline: "021-0000-0002 转 1"', "contacts:\n  person: 王老师", Path("huangpu/test-finance.yml"))
    assert only(validate(valid_dir)) == ("missing-field", "huangpu/test-finance.yml", 8, "contacts",
                                         "字段 contacts：至少要填写 phone、hotline、email、website 中的一项")


def test_id_that_is_not_a_slug(valid_dir):
    (valid_dir / RECORD).rename(valid_dir / "pudong/Test_Center.yml")
    assert only(validate(valid_dir)) == ("bad-id", "pudong/Test_Center.yml", 1, "",
                                         "文件名 Test_Center.yml 不是合法的机构标识（只用小写英文字母、数字和连字符，不超过 64 个字符）")


def test_duplicate_ids_across_district_folders(valid_dir):
    text = (valid_dir / RECORD).read_text(encoding="utf-8").replace("district: pudong", "district: huangpu").replace("测试检测中心",
                                                                                                                     "另一中心")
    (valid_dir / "huangpu/test-center.yml").write_text(text, encoding="utf-8")
    code, path, line, field, message = only(validate(valid_dir))
    assert (code, path, line, field) == ("duplicate-id", "pudong/test-center.yml", 1, "")
    assert message.startswith("机构标识 test-center 与 ") and message.endswith("huangpu/test-center.yml 重复（请给其中一个文件换个名字）")


def test_names_equal_after_nfkc_and_spaces_are_duplicates(valid_dir):
    edit(valid_dir, "name: 测试融资服务站", "name: 测试 检测\u3000中心", Path("huangpu/test-finance.yml"))
    code, path, line, field, message = only(validate(valid_dir))
    assert (code, path, line, field) == ("duplicate-name", "pudong/test-center.yml", 1, "name")
    assert message.endswith("huangpu/test-finance.yml 的机构名称相同（同一机构只保留一条记录）")


def test_full_width_letters_make_the_same_name(valid_dir):
    edit(valid_dir, "name: 测试融资服务站", "name: ＡＢＣ中心", Path("huangpu/test-finance.yml"))
    edit(valid_dir, "name: 测试检测中心", "name: abc 中心")
    assert [p.code for p in validate(valid_dir)] == ["duplicate-name"]


def test_file_over_one_megabyte(valid_dir):
    (valid_dir / RECORD).write_text("description: " + "长" * 400_000 + "\n", encoding="utf-8")
    assert only(validate(valid_dir))[:4] == ("file-too-large", RECORD.as_posix(), 1, "")


def test_file_not_utf8(valid_dir):
    (valid_dir / RECORD).write_bytes("name: 测试\naddress: 地址\n".encode("gb18030"))
    assert only(validate(valid_dir)) == ("file-not-utf8", RECORD.as_posix(), 1, "",
                                         "文件不是 UTF-8 编码（请用编辑器把文件另存为 UTF-8 编码）")


def test_bom_and_crlf_are_accepted(valid_dir):
    text = (valid_dir / RECORD).read_text(encoding="utf-8")
    (valid_dir / RECORD).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert validate(valid_dir) == []


def test_unknown_district_folder(valid_dir):
    (valid_dir / "zhabei").mkdir()
    assert only(validate(valid_dir))[:4] == ("unknown-district-folder", "zhabei", 1, "")


def test_every_problem_in_every_file_is_reported_in_one_run(valid_dir):
    edit(valid_dir, "tier: city", "tier: town")
    edit(valid_dir, "  email: service@test-center.example.org", "  email: nobody")
    edit(valid_dir, "tier: street", "tier: village", Path("huangpu/test-finance.yml"))
    found = sorted((p.path.rsplit("directory/", 1)[-1], p.code, p.field) for p in validate(valid_dir))
    assert found == [
        ("huangpu/test-finance.yml", "unknown-choice", "tier"),
        ("pudong/test-center.yml", "bad-email", "contacts.email"),
        ("pudong/test-center.yml", "unknown-choice", "tier"),
    ]


@pytest.mark.parametrize(
    "old, new, code, message",
    [
        ("verified: 2026-10-01", "verified: 2025-10-01", "verification-overdue",
         "字段 verified：最近核实日期 2025-10-01 已超过 12 个月（请重新核实后更新日期）"),
        ("expires: 2099-12-31", "expires: 2026-06-30", "title-expired",
         "字段 demonstration：2024 年的示范平台称号已于 2026-06-30 到期，网站显示为已过期"),
        ("floor_area_m2: 5000", "floor_area_m2: 3000", "below-tier-criteria",
         "字段 metrics：服务场地面积（平方米） 3000 低于市级要求的 4000"),
        ("verified: 2026-10-01", "status: revoked\nverified: 2026-10-01", "revoked-with-title",
         "字段 demonstration：已撤销的机构仍持有未到期的示范平台称号（请核实称号是否已被收回，并填写 expires）"),
    ],
)
def test_warnings_do_not_make_the_data_invalid(valid_dir, old, new, code, message, capsys):
    edit(valid_dir, old, new)
    problems = validate(valid_dir)
    assert [(p.code, p.severity, p.describe()) for p in problems] == [(code, "warning", message)]


def test_cli_exit_codes_and_text_format(valid_dir, capsys):
    assert main(["validate", "--directory", str(valid_dir)]) == 0
    edit(valid_dir, "tier: city", "tier: town")
    assert main(["validate", "--directory", str(valid_dir)]) == 1
    err = capsys.readouterr().err
    assert ":4:7: 错误 [unknown-choice] 字段 tier：town 不在分类表（taxonomy.yml）的层级中（可选值：city、street）" in err
    assert err.rstrip().endswith("共 1 个错误，0 个警告。方括号中的代码见网站的“检查项说明”页（/help/checks/）。")


def test_cli_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["validate", "--format", "xml"])
    assert stop.value.code == 2


def test_cli_missing_directory_is_invalid(tmp_path, capsys):
    assert main(["validate", "--directory", str(tmp_path / "nowhere")]) == 1
    assert "名录目录不存在" in capsys.readouterr().err


def test_cli_json_format(valid_dir, capsys):
    edit(valid_dir, "tier: city", "tier: town")
    assert main(["validate", "--directory", str(valid_dir), "--format", "json"]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert {k: item[k] for k in ("code", "line", "column", "field", "severity")} == {
        "code": "unknown-choice", "line": 4, "column": 7, "field": "tier", "severity": "error"}
    assert item["path"].endswith("pudong/test-center.yml")


def test_cli_github_format_escapes_record_text(valid_dir, capsys):
    edit(valid_dir, "tier: city", 'tier: "town%0A"\n"x\\r\\n::error file=x::forged": 1')
    assert main(["validate", "--directory", str(valid_dir), "--format", "github"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2
    assert all(line.startswith("::error file=") for line in out)
    assert out[0].endswith(",line=4,col=7,title=unknown-choice::字段 tier：town%250A "
                           "不在分类表（taxonomy.yml）的层级中（可选值：city、street）")
    assert out[1].endswith(",line=5,col=1,title=unknown-field::字段 x%0D%0A::error file=x::forged：不是认识的字段（可用字段："
                           + "、".join(RECORD_FIELDS) + "）")


def test_sample_directory_is_valid():
    directory, problems = load_directory(Path(__file__).parent.parent / "directory")
    assert directory is not None
    assert [p for p in problems if p.severity == "error"] == []
    assert len(directory.records) >= 60
