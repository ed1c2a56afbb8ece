"""The punitive-damages calculator (pure): the statutes' examples and their boundaries, as tables."""

from __future__ import annotations

import pytest

from domain.damages import BASIS_LABELS, STATUTES, Basis, punitive


def amounts(basis: Basis, price_fen: int, loss_fen: int = 0) -> tuple[int, ...]:
    return tuple(option.amount_fen for option in punitive(basis, price_fen, loss_fen).options)


@pytest.mark.parametrize(
    ("price", "extra"),
    [
        (100_00, 500_00),  # 3 × 100 = 300, below the 500-yuan floor
        (1_000_00, 3_000_00),
        (166_66, 500_00),  # 499.98 → 500
        (166_67, 500_01),  # 500.01: the floor no longer applies
        (0, 500_00),
        (1, 500_00),
        (123_45, 500_00),
        (10_000_00, 30_000_00),
    ],
)
def test_fraud_is_three_times_the_price_at_least_500_yuan(price: int, extra: int) -> None:
    assert amounts(Basis.FRAUD, price) == (extra,)


def test_fraud_ignores_the_loss_and_says_what_it_adds_to() -> None:
    calc = punitive(Basis.FRAUD, 100_00, loss_fen=9_999_00)
    assert calc.statute == "《消费者权益保护法》第五十五条第一款"
    assert calc.on_top_of == "在退还货款之外"
    assert calc.options[0].amount_fen == 500_00
    assert calc.options[0].formula == "3 × 价款 100.00元 = 300.00元，不足500.00元，按500.00元计"
    assert punitive(Basis.FRAUD, 1_000_00).options[0].formula == "3 × 价款 1000.00元 = 3000.00元"


@pytest.mark.parametrize("basis", [Basis.UNSAFE_FOOD, Basis.FAKE_DRUG])
@pytest.mark.parametrize(
    ("price", "loss", "ten_times_price", "three_times_loss"),
    [
        (50_00, 0, 1_000_00, 1_000_00),  # 500 → 1,000; no loss → the floor
        (300_00, 0, 3_000_00, 1_000_00),
        (300_00, 2_000_00, 3_000_00, 6_000_00),  # the loss option is the larger: the consumer chooses
        (100_00, 0, 1_000_00, 1_000_00),  # exactly 1,000
        (100_01, 333_34, 1_000_10, 1_000_02),  # just above the floor either way
        (0, 0, 1_000_00, 1_000_00),
    ],
)
def test_food_and_drugs_ten_times_price_or_three_times_loss_at_least_1000_yuan(
    basis: Basis, price: int, loss: int, ten_times_price: int, three_times_loss: int
) -> None:
    assert amounts(basis, price, loss) == (ten_times_price, three_times_loss)


def test_unsafe_food_explains_the_choice_and_the_label_exception() -> None:
    calc = punitive(Basis.UNSAFE_FOOD, 50_00, 2_000_00)
    assert calc.statute == "《食品安全法》第一百四十八条第二款"
    assert calc.on_top_of == "在赔偿损失之外"
    assert "不影响食品安全且不会对消费者造成误导的瑕疵的除外" in calc.note
    assert [o.label_en for o in calc.options] == [
        "Ten times the price (at least 1000.00 yuan)",
        "Three times the loss (at least 1000.00 yuan)",
    ]
    assert calc.options[0].formula == "10 × 价款 50.00元 = 500.00元，不足1000.00元，按1000.00元计"
    assert calc.options[1].formula == "3 × 损失 2000.00元 = 6000.00元"


def test_fake_drugs_cite_the_drug_law_and_have_no_label_exception() -> None:
    calc = punitive(Basis.FAKE_DRUG, 300_00)
    assert calc.statute == "《药品管理法》第一百四十四条第三款"
    assert calc.on_top_of == "在赔偿损失之外"
    assert "标签" not in calc.note


@pytest.mark.parametrize(("loss", "cap"), [(5_000_00, 10_000_00), (0, 0), (1, 2)])
def test_knowing_defect_is_at_most_twice_the_losses(loss: int, cap: int) -> None:
    calc = punitive(Basis.KNOWING_DEFECT, 1_000_00, loss)
    assert calc.statute == "《消费者权益保护法》第五十五条第二款"
    assert calc.on_top_of == "在赔偿损失之外"
    (option,) = calc.options
    assert option.amount_fen == cap
    assert option.label.startswith("最高") and option.formula.startswith("最高")


@pytest.mark.parametrize("basis", list(Basis))
@pytest.mark.parametrize(("price", "loss"), [(-1, 0), (0, -1), (-100_00, -100_00)])
def test_negative_amounts_are_refused(basis: Basis, price: int, loss: int) -> None:
    with pytest.raises(ValueError):
        punitive(basis, price, loss)


@pytest.mark.parametrize("basis", list(Basis))
def test_every_basis_has_labels_and_a_statute(basis: Basis) -> None:
    zh, en = BASIS_LABELS[basis]
    assert zh and en
    assert STATUTES[basis].startswith("《") and STATUTES[basis].endswith("款")
    calc = punitive(basis, 0)
    assert calc.basis == basis and calc.statute == STATUTES[basis] and calc.note
