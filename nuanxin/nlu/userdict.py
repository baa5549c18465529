"""Build jieba's user dictionary from knowledge/ so that place, programme and platform names stay whole tokens.

Without it jieba splits 暖蜂小筑 or 饿了么 into pieces and the classifier never sees the name as one feature.
"""
from __future__ import annotations

from pathlib import Path

from nuanxin import knowledge, settings

DOMAIN_WORDS = ["骑手", "外卖员", "外卖小哥", "快递小哥", "快递员", "网约车", "跑腿", "众包", "专送", "站长",
                "工会", "入会", "工伤", "职业伤害", "社保", "五险", "五险一金", "医保", "养老保险", "劳动合同",
                "入党", "入党申请书", "七不公约", "积分", "兑换", "转人工", "人工客服", "城市哨兵", "移动探头", "网格员",
                "兼职网格员", "驿站", "党群服务中心", "网格红色驿站", "飞线充电", "井盖", "消防通道"]


def words(directory: Path | None = None) -> list[str]:
    directory = directory or settings.KNOWLEDGE_DIR
    found: list[str] = []
    for name in ("streets.csv", "communities.csv", "stations.csv"):
        found += [row["name"] for row in knowledge.read_csv(name, directory)]
    found += [row["service_centre"] for row in knowledge.read_csv("communities.csv", directory)]
    district = knowledge.read_yaml("district.yml", directory)
    found += [district["name"], district["city"]]
    found += [p["name"] for p in district["programmes"]] + district["seven_noes"]["items"]
    found += district["party"]["industry_party_committees"]
    for canonical, synonyms in knowledge.read_yaml("platforms.yml", directory)["platforms"].items():
        found += [canonical, *synonyms]
    found += [g["name"] for g in knowledge.read_yaml("union.yml", directory)["groups"]]
    found += [c["title"] for c in knowledge.read_yaml("training.yml", directory)["courses"]]
    found += [c["name"] for c in knowledge.read_yaml("reports.yml", directory)["categories"]]
    found += [r["name"] for r in knowledge.read_yaml("points.yml", directory)["rewards"]]
    for canonical, synonyms in knowledge.read_yaml("amenities.yml", directory)["amenities"].items():
        found += [canonical, *synonyms]
    found += DOMAIN_WORDS
    # jieba's dictionary format splits on spaces, so multi-word names cannot be entries.
    return sorted({w.strip() for w in found if w and w.strip() and " " not in w.strip()})


def write(target_dir: Path, directory: Path | None = None) -> Path:
    """Write the dictionary only when its content changed, so its timestamp does not trigger retraining."""
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / "userdict.txt"
    content = "".join(f"{w} 2000 nz\n" for w in words(directory))
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return path
