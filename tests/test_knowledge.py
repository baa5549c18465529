"""knowledge/: consistent and loaded idempotently (its faithfulness to the source document: checks/)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nuanxin import db, knowledge, settings
from nuanxin.models import Community, GridStation, Reward, Station, Street
from nuanxin.nlu import userdict

DISTRICT = knowledge.read_yaml("district.yml")


def _count(url: str, model: type) -> int:
    with db.session_scope(url) as session:
        return session.execute(select(func.count()).select_from(model).where(model.active.is_(True))).scalar_one()


def test_counts_match_the_source_document(db_url: str) -> None:
    network = DISTRICT["service_network"]
    assert (network["streets"], network["community_service_centres"], network["grid_red_stations"],
            network["worker_stations"]) == (8, 73, 151, 124)
    assert _count(db_url, Street) == 8
    assert _count(db_url, Community) == 73
    assert _count(db_url, GridStation) == 151
    assert _count(db_url, Station) == 124


def test_stations_csv_is_well_formed() -> None:
    rows = knowledge.station_rows()
    vocabulary = set(knowledge.read_yaml("amenities.yml")["amenities"])
    streets = {row["id"] for row in knowledge.read_csv("streets.csv")}
    assert len({r["id"] for r in rows}) == len({r["name"] for r in rows}) == len(rows) == 124
    for row in rows:
        assert set(row["amenities"].split("|")) <= vocabulary, row["id"]
        assert row["street_id"] in streets
        assert 120.2 < row["lon"] < 120.5 and 31.45 < row["lat"] < 31.7, row["id"]
    assert {r["kind"] for r in rows} >= {"暖蜂小筑", "小哥驿站"}


def test_loading_twice_changes_nothing(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        again = knowledge.load(session)
    assert again["stations"] == 124
    assert _count(db_url, Station) == 124


def test_removed_rows_are_deactivated_and_live_stock_is_kept(db_url: str, tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(settings.KNOWLEDGE_DIR, copy)
    lines = (copy / "stations.csv").read_text(encoding="utf-8").splitlines()
    (copy / "stations.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with db.session_scope(db_url) as session:
        session.get(Reward, "R-WATER").stock = 3
    with db.session_scope(db_url) as session:
        knowledge.load(session, copy)
    assert _count(db_url, Station) == 123
    with db.session_scope(db_url) as session:
        assert session.get(Reward, "R-WATER").stock == 3


@pytest.mark.parametrize("content,error", [
    ("id,name\nX,Y\n", "lacks columns"),
    ("id,name,kind,street,address,lon,lat,amenities,hours,phone\nX,Y,暖蜂小筑,S01,路,0,0,充电,08:00-20:00,1\n",
     "outside China"),
    ("id,name,kind,street,address,lon,lat,amenities,hours,phone\nX,Y,暖蜂小筑,S01,路,120.3,31.5,充电,8点到晚上,1\n",
     "HH:MM"),
])
def test_bad_station_data_is_refused(tmp_path: Path, content: str, error: str) -> None:
    (tmp_path / "stations.csv").write_text(content, encoding="utf-8")
    with pytest.raises(knowledge.KnowledgeError, match=error):
        knowledge.station_rows(tmp_path)


def test_tokenizer_dictionary_keeps_names_whole() -> None:
    import jieba

    words = userdict.words()
    assert {"暖蜂小筑", "小哥驿站", "饿了么", "七不公约", "通积通兑"} <= set(words)
    tokenizer = jieba.Tokenizer()
    for word in words:
        tokenizer.add_word(word, 2000)
    assert "暖蜂小筑" in tokenizer.lcut("最近的暖蜂小筑在哪") and "饿了么" in tokenizer.lcut("我跑饿了么的")
