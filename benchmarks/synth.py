"""Write a synthetic directory of N fictional records (deterministic from a seed) for benchmarks and scale tests.

Usage: python benchmarks/synth.py N OUT [--seed S]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.words import Text

PLACES = ("江湾 新江 长兴 金桥 张江 花木 陆家 漕河 田林 龙华 江宁 曹杨 桃浦 真如 大场 罗店 顾村 月浦 马陆 南翔 安亭 江桥 华漕 七宝 "
          "莘庄 颛桥 吴泾 泗泾 九亭 洞泾 佘山 朱家 练塘 赵巷 南桥 柘林 海湾 庄行 堡镇 陈家 新河 城桥 亭林 枫泾 朱泾 吕巷").split()
BRANDS = "汇智 启明 众创 鼎信 博远 新桥 恒通 瑞丰 明德 锦程 华益 景行 睿思 泓源 远航 正道 卓越 同舟 致远 弘毅 知行 嘉禾 天成 立信".split()
FIELDS = ("集成电路设计 生物医药研发 软件测试 新材料检测 新能源汽车 工业互联网 节能环保 知识产权 质量认证 计量校准 融资担保 股权融资 "
          "跨境电商 品牌设计 创业孵化 技能培训 人力资源 法律咨询 财税咨询 标准化 检验检测 数字化转型 智能制造 物联网 云计算 "
          "会展 时尚创意 现代物流 "
          "化工安全 钢铁资讯 有色金属 医疗器械 航空航天 海洋装备 文化创意 农产品电商 精密机械 输配电").split()
KINDS = "公共服务平台 服务中心 技术服务平台 服务站 促进中心 联盟服务平台 创新中心 工作站".split()
SERVICES = ("政策咨询 项目申报辅导 专利检索 专利申请指导 技术转移 成果转化 中试验证 检验检测 计量校准 体系认证辅导 标准制定 银企对接 "
            "融资担保 "
            "股权路演 创业培训 导师辅导 孵化工位 展会组织 商务对接 品牌推广 外贸辅导 经营管理培训 技能培训 管理诊断 财务咨询 法律咨询 "
            "人才招聘 信息化诊断 云服务选型 数据查询 产品设计 样品试制 可靠性测试 环境检测 能源审计 清洁生产审核").split()
DISTRICTS = ("huangpu xuhui changning jingan putuo hongkou yangpu pudong minhang baoshan jiading jinshan songjiang qingpu "
             "fengxian chongming").split()
FUNCTIONS = "comprehensive information innovation quality consulting startup market training financing".split()
TIERS = "city district street specialised".split()
INDUSTRIES = ("electronics biomedicine software equipment new-materials new-energy new-energy-vehicles green integrated-circuits iot cloud "
              "steel chemicals nonferrous light-industry logistics e-commerce exhibitions fashion").split()
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(rng: random.Random) -> str:
    body = "52310000" + "".join(rng.choice(CREDIT_CHARS) for _ in range(9))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def record(rng: random.Random, number: int, district: str, name: str, text: Text) -> str:
    functions = rng.sample(FUNCTIONS, rng.randint(1, 3))
    services = rng.sample(SERVICES, rng.randint(3, 7))
    field_words = rng.sample(FIELDS, 2)
    lines = [
        "# yaml-language-server: $schema=../../schema/institution.schema.json",
        f"name: {name}",
        f"name_en: Synthetic Service Platform {number}",
        f"district: {district}",
        f"tier: {rng.choice(TIERS)}",
        "functions: [" + ", ".join(functions) + "]",
        "industries: [" + ", ".join(rng.sample(INDUSTRIES, rng.randint(0, 3))) + "]",
        f"operator: 上海{rng.choice(BRANDS)}{rng.choice(FIELDS)}服务有限公司（虚构）",
        f'credit_code: "{credit_code(rng)}"',
        f"address: 上海市示例路 {rng.randint(1, 2000)} 号 {rng.randint(1, 30)} 楼",
        "contacts:",
        f'  phone: "021-0{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"',
        f"  email: service{number}@synthetic.example.org",
        "disclosures:",
        f"  content: 面向{field_words[0]}和{field_words[1]}领域中小企业，提供" + "、".join(services) + "等服务。"
        + text.sentence(rng, rng.randint(40, 140)),
        f"  process: 企业通过电话或线上提交{services[0]}需求；{rng.randint(1, 3)} 个工作日内确认；签订协议后按约定提供服务；结束后回访。",
        f"  standards: 需求 {rng.randint(1, 2)} 个工作日内响应，{rng.randint(3, 10)} 个工作日内完成{services[1]}。",
        f"  fees: {services[0]}免费；{services[-1]}按每次 {rng.randint(2, 50) * 100} 元收费，收费前书面告知。",
        f"  hours: 周一至周五 {rng.choice(['8:30', '9:00'])}-{rng.choice(['17:00', '17:30'])}",
        "free_services:",
        f"  - {services[0]}",
    ]
    if rng.random() < 0.3:
        year = rng.randint(2012, 2025)
        lines += ["demonstration:", f"  - level: {rng.choice(['national', 'municipal', 'district'])}", f"    year: {year}",
                  f"    expires: {year + 3}-12-31"]
    lines += ["evaluations:", f"  - {{year: 2025, grade: {rng.choice(['excellent', 'pass', 'pass', 'fail'])}}}"]
    if rng.random() < 0.03:
        lines.append(f"status: {rng.choice(['suspended', 'revoked'])}")
    lines.append(f"description: {text.sentence(rng, rng.randint(15, 60))}")
    lines.append(f"verified: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}")
    return "\n".join(lines) + "\n"


def write_directory(count: int, out: Path, seed: int = 1) -> Path:
    """Write `count` records and the sample taxonomy into `out` (replaced if it exists).

    Names join a place, a brand, a noun and a field drawn from general word frequencies; the service content and
    the description are text drawn from the same frequencies, so the search index grows as it would over real prose.
    """
    rng, text = random.Random(seed), Text()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(ROOT / "directory" / "taxonomy.yml", out / "taxonomy.yml")
    names = set()
    for number in range(1, count + 1):
        district = DISTRICTS[number % len(DISTRICTS)]
        name = f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{text.noun(rng)}{rng.choice(FIELDS)}{rng.choice(KINDS)}"
        while name in names:
            name = f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(FIELDS)}{rng.choice(KINDS)}{rng.randint(2, 99)}号"
        names.add(name)
        folder = out / district
        folder.mkdir(exist_ok=True)
        (folder / f"synthetic-{number:06d}.yml").write_text(record(rng, number, district, name, text), encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_directory(args.count, args.out, args.seed)
