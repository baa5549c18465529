from __future__ import annotations

from nuanxin.masking import mask, mask_name


def test_phone_numbers_are_masked() -> None:
    assert mask("电话13812345678，备用0600-81234567") == "电话138****5678，备用0600-****4567"


def test_id_card_is_masked_and_ordinary_numbers_are_kept() -> None:
    assert mask("身份证11010119900307123X 订单号2024") == "身份证110101********123X 订单号2024"


def test_names_are_masked() -> None:
    assert mask_name("王小明") == "王**" and mask_name(None) == ""
