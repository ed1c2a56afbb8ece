"""The words of mediation's documents and notices (SAMR Order 121 art. 23; CPL art. 39): the settlement's
terms in plain Chinese, the eight termination grounds and their labels, the routes that remain to the
consumer, and what a case's route means for the merchant on its link page. Pure text over plain values."""

from __future__ import annotations

from datetime import date

from domain.money import format_yuan

_CN = "〇一二三四五六七八九十"

# Order 121 art. 23: the grounds on which mediation is terminated.
TERMINATION_REASONS: dict[int, tuple[str, str]] = {
    1: (
        "投诉人撤回投诉或者双方自行和解",
        "The complaint was withdrawn or the parties settled between themselves",
    ),
    2: (
        "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
        "A party did not attend without good reason, or the business refused mediation",
    ),
    3: ("投诉人或者被投诉人明确表示无法达成调解协议", "A party stated that no agreement is possible"),
    4: (
        "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
        "The parties could not agree on the testing institution or on who pays for testing",
    ),
    5: ("调解期限届满，投诉人和被投诉人未能达成调解协议", "The time limit was reached without an agreement"),
    6: ("受理投诉后发现存在不予受理情形", "A ground for non-acceptance was found after acceptance"),
    7: (
        "投诉人或者被投诉人死亡，或者作为当事人的法人、其他组织终止",
        "A party died, or a party that is an organisation ceased to exist",
    ),
    8: ("法律、法规、规章规定的应当终止调解的其他情形", "Other grounds in laws, regulations or rules"),
}

# What remains to a consumer once mediation ended without a performed agreement (CPL art. 39).
REMAINING_ROUTES: tuple[tuple[str, str], ...] = (
    (
        "根据与经营者达成的仲裁协议，向仲裁机构申请仲裁",
        "Apply to an arbitration institution under an arbitration agreement with the business",
    ),
    ("向人民法院提起诉讼", "Bring a lawsuit in a people's court"),
    (
        "争议金额较小的，可以向人民法院申请适用小额诉讼程序，一审终审、审理快捷",
        "For a small amount, ask the court for the small claims procedure (quick, one instance)",
    ),
)
FIRST_PAYMENT_HINT = (
    "经营者作出了先行赔付承诺，您可以申请先行赔付：请拨打 12315 或联系办案人员。",
    "The business has a first-payment commitment: you may apply for first payment.",
)


def numbered(n: int) -> str:
    """一 … 十, then digits: how clauses and items are numbered."""
    return _CN[n] if n <= 10 else str(n)


# --- the settlement (调解书) -------------------------------------------------------------------------------


def _ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _what(remedy: str, consumer: str, amount_fen: int) -> str:
    money = f"人民币{format_yuan(amount_fen)}元"
    extra = f"，并向消费者支付{money}" if amount_fen > 0 else ""
    return {
        "repair": f"为消费者{consumer}免费修理所购商品或所接受的服务{extra}",
        "redo": f"为消费者{consumer}免费重作{extra}",
        "replace": f"为消费者{consumer}更换同品种、同型号的合格商品{extra}",
        "return": f"为消费者{consumer}办理退货，并退还货款{money}",
        "make_up_quantity": f"为消费者{consumer}补足商品数量{extra}",
        "refund": f"向消费者{consumer}退还货款和服务费用{money}",
        "compensate": f"向消费者{consumer}赔偿损失{money}",
    }.get(remedy, f"按“{remedy}”方式处理{extra}")


def settlement_terms(
    *,
    consumer: str,
    merchant: str,
    remedy: str,
    amount_fen: int,
    perform_by: date,
    wording: str | None,
) -> str:
    """The agreed terms in plain Chinese, numbered: who does what for whom by when, from the accepted
    offer's remedy, amount and date; `wording` is the mediator's confirmed text of anything else both
    sides agreed. A remark a party typed with an offer is never a clause (it is that party's position)."""
    clauses = [f"{merchant}于{_ymd(perform_by)}前{_what(remedy, consumer, amount_fen)}。"]
    if remedy in ("return", "replace"):
        clauses.append(f"消费者{consumer}应配合将所购商品退还{merchant}，商品无人为损坏。")
    if wording:
        clauses.append(f"其他约定：{wording.strip().rstrip('。')}。")
    clauses.append(f"{merchant}按期履行上述义务后，双方就本次消费争议不再另行主张权利。")
    clauses.append(
        f"{merchant}未按期履行的，消费者可以依法申请仲裁、向人民法院提起诉讼；"
        "经营者作出先行赔付承诺的，消费者可以申请先行赔付。"
    )
    clauses.append(
        "本调解书经双方当事人确认（签名、盖章，或经查询页面、答复链接确认）后生效，"
        "一式三份，双方当事人及调解机关各执一份。"
    )
    head = "经拱墅区市场监督管理局主持调解，双方当事人自愿达成如下协议："
    return "\n".join([head, *(f"{numbered(i)}、{text}" for i, text in enumerate(clauses, start=1))])


def reason_label(reason: int) -> str:
    """第二十三条第（二）项：…"""
    return f"第二十三条第（{numbered(reason)}）项：{TERMINATION_REASONS[reason][0]}"


# What the route means for the merchant, said on its link page for each case (DESIGN §2.5).
ROUTE_NOTES: dict[str, str] = {
    "commitment": (
        "本案适用先行赔付承诺：请在答复期限内答复并直接向消费者赔付；逾期不答复或无正当理由拒绝的，"
        "将依承诺从质量保证金中先行赔付，并向贵单位追偿、通知补足保证金。"
    ),
    "food_drug": (
        "本案涉及食品或药品：依照《中华人民共和国食品安全法》第一百四十八条、《中华人民共和国药品管理法》"
        "第一百四十四条，接到消费者赔偿要求的经营者应当先行赔付，不得推诿；属于生产者责任的，"
        "经营者赔偿后有权向生产者追偿。"
    ),
    "venue": (
        "依照《中华人民共和国消费者权益保护法》第四十三条、第四十四条，本案由贵单位先行赔偿；"
        "赔偿后，贵单位有权向销售者或者服务者追偿。"
    ),
    "mediation": (
        "本案由市场监督管理部门组织调解：调解遵循自愿原则，请与调解员联系并对调解方案作出答复。"
        "双方达成协议的，以调解书为准；未达成协议的，双方可以依法申请仲裁或向人民法院起诉。"
    ),
    "arbitration": "本案依据双方的仲裁协议，由仲裁机构处理。",
    "pending": "本案正在受理审查，确定处理方式后将另行通知。",
}
_VENUE_RULES = ("platform_unidentified", "exhibition_ended", "counter_lease_expired")


def merchant_route_kind(route: str | None, fired: tuple[str, ...]) -> str:
    """Which sentence the case's route calls for: the deposit and recourse only where a first-payment
    commitment applies, the food/drug first-payer rule only where it fired, mediation for mediation."""
    if route == "first_payment":
        if "commitment" in fired:
            return "commitment"
        if "food_drug" in fired:
            return "food_drug"
        if any(rule in fired for rule in _VENUE_RULES):
            return "venue"
    if route in ("mediation", "arbitration"):
        return route
    return "pending"
