from __future__ import annotations

from nuanxin.masking import mask, mask_name, without_contact_details


def test_phone_numbers_are_masked() -> None:
    assert mask("电话13812345678，备用0600-81234567") == "电话138****5678，备用0600-****4567"


def test_phone_numbers_are_masked_however_they_are_written() -> None:
    for written in ("+8613812345678", "+86 138 1234 5678", "86-138-1234-5678", "138 1234 5678", "138-1234-5678",
                    "１３８１２３４５６７８", "＋８６１３８１２３４５６７８", "１３８ １２３４ ５６７８"):
        assert mask(f"我电话{written}转人工") == "我电话138****5678转人工", written


def test_id_card_is_masked_and_ordinary_numbers_are_kept() -> None:
    assert mask("身份证11010119900307123X 订单号2024") == "身份证110101********123X 订单号2024"


def test_names_are_masked() -> None:
    assert mask_name("王小明") == "王**" and mask_name(None) == ""


def test_contact_details_are_left_out_of_a_question() -> None:
    assert without_contact_details("工伤怎么认定 我电话是13812345678") == "工伤怎么认定"
    assert without_contact_details("身份证号：110101199003071234 社保怎么查") == "社保怎么查"
    assert without_contact_details("12351是什么电话") == "12351是什么电话"  # a hotline number is the question
