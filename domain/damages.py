"""Punitive damages the law allows, shown to mediators (DESIGN §2.7). All amounts are integer fen.

- Fraud (CPL art. 55(1)): three times the price paid, at least 500 yuan, on top of the refund.
- Food not meeting food safety standards (Food Safety Law art. 148(2)) and fake or substandard drugs
  (Drug Administration Law art. 144(3)): the consumer chooses ten times the price paid or three times
  the loss, at least 1,000 yuan either way, on top of the losses.
- Knowing defects causing death or serious harm to health (CPL art. 55(2)): up to twice the losses.

The calculator shows what the law allows; whether the facts meet the statute is for people to judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.labels import Labelled
from domain.money import format_yuan


class Basis(Labelled):
    FRAUD = "fraud", "经营者提供商品或者服务有欺诈行为", "Fraud in providing goods or services"
    UNSAFE_FOOD = (
        "unsafe_food",
        "生产不符合食品安全标准的食品，或者经营明知是不符合食品安全标准的食品",
        "Producing food that does not meet food safety standards, or selling it knowingly",
    )
    FAKE_DRUG = (
        "fake_drug",
        "生产假药、劣药，或者明知是假药、劣药仍然销售、使用",
        "Producing fake or substandard drugs, or knowingly selling or using them",
    )
    KNOWING_DEFECT = (
        "knowing_defect",
        "明知商品或者服务存在缺陷仍然提供，造成死亡或者健康严重损害",
        "Knowingly providing defective goods or services, causing death or serious harm to health",
    )


BASIS_LABELS: dict[Basis, tuple[str, str]] = Basis.labels()

STATUTES: dict[Basis, str] = {
    Basis.FRAUD: "《消费者权益保护法》第五十五条第一款",
    Basis.UNSAFE_FOOD: "《食品安全法》第一百四十八条第二款",
    Basis.FAKE_DRUG: "《药品管理法》第一百四十四条第三款",
    Basis.KNOWING_DEFECT: "《消费者权益保护法》第五十五条第二款",
}

FRAUD_TIMES = 3
FRAUD_MINIMUM_FEN = 500_00
PRICE_TIMES = 10  # food and drugs
LOSS_TIMES = 3  # food and drugs
FOOD_DRUG_MINIMUM_FEN = 1_000_00
DEFECT_LOSS_TIMES = 2  # an upper bound


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    label_en: str
    amount_fen: int
    formula: str  # the arithmetic, in yuan, for the mediator to read out


@dataclass(frozen=True, slots=True)
class Calculation:
    basis: Basis
    statute: str
    options: tuple[Option, ...]  # more than one: the consumer chooses one
    on_top_of: str  # what the punitive amount is added to
    note: str


def punitive(basis: Basis, price_paid_fen: int, loss_fen: int = 0) -> Calculation:
    """What the statute allows on `basis` for a price paid and a loss, in fen. Negative input: ValueError."""
    _check("price_paid_fen", price_paid_fen)
    _check("loss_fen", loss_fen)
    if basis == Basis.FRAUD:
        return _fraud(price_paid_fen)
    if basis in (Basis.UNSAFE_FOOD, Basis.FAKE_DRUG):
        return _food_drug(basis, price_paid_fen, loss_fen)
    return _knowing_defect(loss_fen)


def _fraud(price: int) -> Calculation:
    option = _at_least(
        "价款或者费用的三倍",
        "Three times the price or fee",
        FRAUD_TIMES,
        price,
        "价款",
        FRAUD_MINIMUM_FEN,
    )
    return Calculation(
        Basis.FRAUD,
        STATUTES[Basis.FRAUD],
        (option,),
        "在退还货款之外",
        "增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；不足五百元的，为五百元。"
        "法律另有规定的，依照其规定。",
    )


def _food_drug(basis: Basis, price: int, loss: int) -> Calculation:
    options = (
        _at_least("价款十倍", "Ten times the price", PRICE_TIMES, price, "价款", FOOD_DRUG_MINIMUM_FEN),
        _at_least("损失三倍", "Three times the loss", LOSS_TIMES, loss, "损失", FOOD_DRUG_MINIMUM_FEN),
    )
    common = "由消费者在价款十倍和损失三倍中选择一项；增加赔偿的金额不足一千元的，为一千元。"
    if basis == Basis.UNSAFE_FOOD:
        note = (
            f"{common}经营者须明知食品不符合食品安全标准；"
            "食品的标签、说明书存在不影响食品安全且不会对消费者造成误导的瑕疵的除外。"
        )
    else:
        note = f"{common}受害人或者其近亲属均可请求。"
    return Calculation(basis, STATUTES[basis], options, "在赔偿损失之外", note)


def _knowing_defect(loss: int) -> Calculation:
    amount = DEFECT_LOSS_TIMES * loss
    option = Option(
        "最高为所受损失的二倍",
        "Up to twice the losses",
        amount,
        f"最高 {DEFECT_LOSS_TIMES} × 损失 {format_yuan(loss)}元 = {format_yuan(amount)}元",
    )
    return Calculation(
        Basis.KNOWING_DEFECT,
        STATUTES[Basis.KNOWING_DEFECT],
        (option,),
        "在赔偿损失之外",
        "损失依照《消费者权益保护法》第四十九条、第五十一条等规定赔偿；惩罚性赔偿为所受损失的二倍以下，"
        "所示金额是上限。",
    )


def _at_least(label: str, label_en: str, times: int, base: int, base_name: str, minimum: int) -> Option:
    product = times * base
    amount = max(product, minimum)
    formula = f"{times} × {base_name} {format_yuan(base)}元 = {format_yuan(product)}元"
    if product < minimum:
        formula += f"，不足{format_yuan(minimum)}元，按{format_yuan(minimum)}元计"
    return Option(
        f"{label}（不足{format_yuan(minimum)}元的按{format_yuan(minimum)}元）",
        f"{label_en} (at least {format_yuan(minimum)} yuan)",
        amount,
        formula,
    )


def _check(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number of fen")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
