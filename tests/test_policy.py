"""Policy knowledge (knowledge/policies) and its retrieval core; the conversation part lands with issue 4."""
from __future__ import annotations

import yaml
from sqlalchemy import func, select

from evals import policy as policy_eval
from nuanxin import db, settings
from nuanxin.models import PolicyUnit, UnansweredQuestion
from nuanxin.policy import search as policy_search
from nuanxin.policy.scope import out_of_scope_questions

FOLDER = settings.KNOWLEDGE_DIR / "policies"


def _raw_units() -> list[dict]:
    return [unit for path in sorted(FOLDER.glob("*.yml"))
            for unit in yaml.safe_load(path.read_text(encoding="utf-8"))["units"]]


def test_units_are_complete_and_short() -> None:
    units = _raw_units()
    assert len(units) >= 150 and len({u["id"] for u in units}) == len(units)
    for unit in units:
        assert {"id", "title", "answer", "source", "effective_date", "scope", "tags"} <= set(unit), unit["id"]
        assert unit["scope"] in ("district", "national") and len(unit["answer"]) <= 300, unit["id"]


def test_units_are_loaded_into_the_database(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        count = session.execute(select(func.count()).select_from(PolicyUnit).where(PolicyUnit.active)).scalar_one()
        index = policy_search.PolicyIndex(policy_search.units_from_db(session))
    assert count == len(_raw_units()) == len(index.units)


def test_seven_noes_question_finds_the_seven_noes(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        index = policy_search.PolicyIndex(policy_search.units_from_db(session))
    hits = index.search("骑手七不公约是哪七条")
    assert hits[0].unit.id == "D-SEVEN-NOES"
    assert all(item in hits[0].unit.answer for item in
               ["不逆向行驶", "不乱骑行", "不闯红灯", "不乱停车", "不随意超车", "不分心驾驶", "不飞线充电"])


def test_knowledge_tuning_and_test_questions_are_kept_apart() -> None:
    outside = set(out_of_scope_questions())
    asked = {q for u in policy_search.units_from_files() for q in (u.title, *u.questions)}
    test, tuning = ({item["q"] for item in data["answerable"]} | set(data["unanswerable"])
                    for data in map(policy_eval.questions, (policy_eval.QUESTIONS, policy_eval.TUNING)))
    assert len(outside) >= 300 and not outside & asked
    assert not (test | tuning) & (outside | asked) and not test & tuning


def test_synonyms_fold_colloquial_words() -> None:
    assert policy_search.words("送外卖的出车祸算工伤吗") == policy_search.words("骑手交通事故算职业伤害吗")


# --- through the assistant ----------------------------------------------------------------------------------

from conftest import Assistant, payloads, texts  # noqa: E402


def test_seven_noes_are_listed_with_their_source(assistant: Assistant, sender: str) -> None:
    reply = texts(assistant.say(sender, "骑手七不公约是哪七条"))
    for item in ["不逆向行驶", "不乱骑行", "不闯红灯", "不乱停车", "不随意超车", "不分心驾驶", "不飞线充电"]:
        assert item in reply
    assert "来源：" in reply and "本区政策" in reply
    assert "【骑手七不公约是哪七条】" in reply  # which question is answered
    assert "不一定完全对应" not in reply  # a clear match is answered plainly


def test_a_less_certain_match_is_given_as_the_closest_with_staff_next_to_it(assistant: Assistant,
                                                                              sender: str) -> None:
    replies = assistant.say(sender, "骑手住院了护工费谁出")
    assert "来源：" in texts(replies) and "不一定完全对应您的情况" in texts(replies)
    assert "/ask_human" in payloads(replies)
    with db.session_scope(assistant.database_url) as session:  # kept for the staff who review the knowledge
        row = session.execute(select(UnansweredQuestion).where(UnansweredQuestion.sender_id == sender)).scalar_one()
        assert row.best_unit_id and row.best_confidence < policy_search.SURE_CONFIDENCE


def test_answer_offers_related_questions_as_buttons(assistant: Assistant, sender: str) -> None:
    replies = assistant.say(sender, "没签劳动合同能加入工会吗")
    assert "可以加入工会" in texts(replies) and "全国性规定" in texts(replies)
    step, *related = payloads(replies)  # a question about joining offers to apply at once, then related questions
    assert step == "/apply_union"
    assert 1 <= len(related) <= 3 and all(p.startswith('/ask_policy{"policy_unit": ') for p in related)
    follow = texts(assistant.say(sender, related[0]))
    assert "来源：" in follow


def test_follow_up_is_read_in_the_context_of_the_last_topic(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "没签劳动合同能加入工会吗")
    assert "千分之五" in texts(assistant.say(sender, "那要交钱吗"))


def test_unknown_question_is_admitted_and_recorded(assistant: Assistant, sender: str) -> None:
    question = "社保卡丢了怎么补办 我电话13812345678"
    replies = assistant.say(sender, question)
    assert "没有可靠的答案" in texts(replies) and "/ask_human" in payloads(replies)
    # the closest reviewed questions are offered to pick from, never answered as if they fitted; the phone number
    # the rider added does not make it a question about hotlines
    assert "如果您想问的是" in texts(replies) and any(p.startswith("/ask_policy{") for p in payloads(replies))
    assert not any("HOTLINE" in p for p in payloads(replies))
    with db.session_scope(assistant.database_url) as session:
        row = session.execute(select(UnansweredQuestion).where(UnansweredQuestion.sender_id == sender)).scalar_one()
        assert "138****5678" in row.question and "13812345678" not in row.question


def test_menu_button_asks_for_the_question(assistant: Assistant, sender: str) -> None:
    assert "请直接说说您想了解的政策" in texts(assistant.say(sender, "/ask_policy"))


def test_retrieval_quality_on_the_evaluation_set() -> None:
    """The levels issue 4 asks for, on the test questions (the constants were chosen on the tuning questions)."""
    report = policy_eval.evaluate(policy_search.PolicyIndex(policy_search.units_from_files()))
    assert report.answerable >= 200 and report.unanswerable >= 40
    assert report.ranked_top1 >= 0.90 and report.ranked_top3 >= 0.95
    assert report.unanswerable_handled >= 0.90
    assert report.answered_top1 >= 0.85


def test_questions_outside_the_knowledge_are_not_answered_from_a_shared_word() -> None:
    index = policy_search.PolicyIndex(policy_search.units_from_files())
    assert index.answer("参加培训有补贴吗")[0].unit.id == "W-TRAINING-SUBSIDY"
    assert index.answer("买空调有补贴吗")[0] is None  # another department's subsidy
    assert index.answer("电动车轮毂坏了去哪修")[0] is None  # the work, but not policy


def _title(unit_id: str) -> str:
    return next(u.title for u in policy_search.units_from_files() if u.id == unit_id)


def test_an_elliptical_follow_up_stays_on_the_topic(assistant: Assistant, sender: str) -> None:
    assert f"【{_title('I-OIP-WHAT')}】" in texts(assistant.say(sender, "职业伤害保障是啥"))
    assert f"【{_title('I-OIP-BENEFITS')}】" in texts(assistant.say(sender, "住院了能报多少"))


def test_a_new_topic_after_a_policy_answer_is_new(assistant: Assistant, sender: str) -> None:
    assistant.say(sender, "职业伤害保障是啥")
    assert "帮不上忙" in texts(assistant.say(sender, "今天股市怎么样"))
    assert "发送您的位置" in texts(assistant.say(sender, "附近有驿站吗"))
