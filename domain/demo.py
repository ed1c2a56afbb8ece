"""Demo data: a year of realistic, entirely fictional complaints for a training or demonstration database.

Pure: standard library only, no I/O and no clock. Everything random comes from `random.Random(seed)`, so the
same seed and `today` always give the same complaints. The merchants, their addresses, credit codes and phone
numbers are invented (the credit codes carry valid GB 32100 check characters so they pass validation, and
Gongshu's division code 330105); any resemblance to a real business is accidental.

Each body is exactly what the JSON API accepts (`domain.intake.parse_complaint`), paired with a receipt moment
on a weekday between 08:30 and 17:30 Beijing time during the 12 months before `today`.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from domain.identifiers import USCC_CHARS, id_check_char, uscc_check_char
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS

LOCAL_TZ = timezone(timedelta(hours=8))  # Asia/Shanghai: no daylight saving since 1991
WINDOW_DAYS = 365  # receipts fall in [today - 365 days, today - 1 day]
WORK_START_MINUTE = 8 * 60 + 30
WORK_END_MINUTE = 17 * 60 + 30  # exclusive: the last receipt moment is 17:29:59
GONGSHU_DIVISION = "330105"

# Stratified rather than independent draws, so every block of that many bodies has exactly one such case.
VIOLATION_EVERY = 15
PLATFORM_EVERY = 8
OLD_PURCHASE_EVERY = 25
# A training school that shut its doors: a burst of refund complaints within a few weeks (a cluster).
WAVE_SHARE = 1 / 20
WAVE_DAYS = 40
DESCRIPTION_LIMITS = (40, 200)  # characters; well inside what intake accepts

# ----------------------------------------------------------------------------------------------------------
# Merchants
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoMerchant:
    name: str
    short: str  # how a consumer names it in a description
    address: str
    subdistrict: str
    uscc: str
    phone: str | None
    scenarios: tuple[str, ...]
    platforms: tuple[str, ...]  # keys of PLATFORMS it also sells through
    weight: int  # relative frequency of complaints against it; 0 = only ever named as a platform


@dataclass(frozen=True, slots=True)
class DemoPlatform:
    key: str
    kind: str  # "online", "mall" or "market"
    merchant: str  # the operator's name in MERCHANTS


def _org_check(first8: str) -> str:
    """GB 11714 check character of an organisation code (the 9th to 17th characters of a USCC)."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _fixed_uscc(name: str, individual: bool) -> str:
    rng = random.Random(f"uscc:{name}")  # fixed per merchant, whatever the seed
    letters = "".join(c for c in USCC_CHARS if c.isalpha() and c != "X")
    if rng.random() < 0.6:  # codes issued since 2015 start "MA"
        org = "MA2" + "".join(rng.choice("0123456789" + letters) for _ in range(5))
    else:
        org = rng.choice("57") + "".join(rng.choice("0123456789") for _ in range(7))
    first17 = ("92" if individual else "91") + GONGSHU_DIVISION + org + _org_check(org)
    return first17 + uscc_check_char(first17)


def _fixed_phone(name: str) -> str:
    rng = random.Random(f"phone:{name}")
    return "0571-8" + "".join(rng.choice("0123456789") for _ in range(7))


def _merchant(
    name: str,
    short: str,
    address: str,
    subdistrict: str,
    scenarios: tuple[str, ...],
    platforms: tuple[str, ...] = (),
    *,
    individual: bool = False,
    phone: bool = True,
    weight: int = 2,
) -> DemoMerchant:
    return DemoMerchant(
        name=name,
        short=short,
        address=address,
        subdistrict=subdistrict,
        uscc=_fixed_uscc(name, individual),
        phone=_fixed_phone(name) if phone else None,
        scenarios=scenarios,
        platforms=platforms,
        weight=weight,
    )


_ROAD = "杭州市拱墅区"
MERCHANTS: tuple[DemoMerchant, ...] = (
    # food
    _merchant(
        "杭州运河鲜生超市有限公司",
        "运河鲜生超市",
        f"{_ROAD}湖墅南路186号1楼",
        "hushu",
        ("food_expired", "food_quality"),
        weight=3,
    ),
    _merchant(
        "拱墅区大关路好邻里便利店",
        "好邻里便利店",
        f"{_ROAD}大关路58号",
        "daguan",
        ("food_expired",),
        individual=True,
    ),
    _merchant(
        "杭州禾丰烘焙食品有限公司",
        "禾丰烘焙",
        f"{_ROAD}登云路428号",
        "hemu",
        ("food_expired", "food_quality"),
        ("online",),
    ),
    _merchant(
        "拱墅区半山路张记水产经营部",
        "张记水产",
        f"{_ROAD}半山路296号半山农贸市场A区12号",
        "banshan",
        ("food_weight", "food_expired"),
        ("market",),
        individual=True,
        phone=False,
    ),
    _merchant(
        "拱墅区半山路王阿姨蔬果店",
        "王阿姨蔬果",
        f"{_ROAD}半山路296号半山农贸市场B区7号",
        "banshan",
        ("food_weight",),
        ("market",),
        individual=True,
        phone=False,
    ),
    # catering and lodging
    _merchant(
        "杭州运河人家餐饮有限公司",
        "运河人家酒楼",
        f"{_ROAD}丽水路66号",
        "gongchenqiao",
        ("meal_safety", "meal_price"),
        weight=3,
    ),
    _merchant(
        "拱墅区大关路阿强面馆", "阿强面馆", f"{_ROAD}大关路172号", "daguan", ("meal_safety",), individual=True
    ),
    _merchant(
        "杭州潮王火锅餐饮管理有限公司",
        "潮王火锅",
        f"{_ROAD}湖墅南路99号湖墅汇购物中心5楼",
        "hushu",
        ("meal_safety", "meal_price"),
        ("mall",),
    ),
    _merchant("杭州桥西里酒店管理有限公司", "桥西里酒店", f"{_ROAD}小河路488号", "xiaohe", ("hotel",)),
    _merchant(
        "拱墅区文晖路小林烧烤店",
        "小林烧烤",
        f"{_ROAD}文晖路212号",
        "wenhui",
        ("meal_safety", "meal_price"),
        individual=True,
    ),
    # goods
    _merchant(
        "杭州武林衣尚服饰有限公司",
        "衣尚服饰",
        f"{_ROAD}武林路135号",
        "wulin",
        ("clothing_quality",),
        ("mall", "online"),
        weight=3,
    ),
    _merchant(
        "拱墅区武林路佳人鞋店",
        "佳人鞋店",
        f"{_ROAD}武林路208号",
        "wulin",
        ("clothing_quality",),
        individual=True,
    ),
    _merchant(
        "杭州恒达家用电器有限公司",
        "恒达电器",
        f"{_ROAD}莫干山路588号",
        "hemu",
        ("appliance_quality", "appliance_aftersales", "appliance_safety"),
        ("online",),
        weight=3,
    ),
    _merchant(
        "杭州和睦厨卫电器有限公司",
        "和睦厨卫",
        f"{_ROAD}登云路640号",
        "hemu",
        ("appliance_quality", "appliance_aftersales"),
    ),
    _merchant(
        "拱墅区文晖路新思路通讯器材店",
        "新思路手机店",
        f"{_ROAD}文晖路305号",
        "wenhui",
        ("phone_quality",),
        ("online",),
        individual=True,
    ),
    _merchant(
        "杭州云联电脑科技有限公司",
        "云联电脑",
        f"{_ROAD}潮王路18号2楼",
        "zhaohui",
        ("computer_quality", "phone_quality"),
        ("online",),
    ),
    _merchant(
        "杭州美妍化妆品有限公司",
        "美妍化妆品",
        f"{_ROAD}湖墅南路99号湖墅汇购物中心1楼",
        "hushu",
        ("cosmetics_safety", "cosmetics_fake"),
        ("mall", "online"),
    ),
    _merchant(
        "杭州金满楼珠宝有限公司",
        "金满楼珠宝",
        f"{_ROAD}延安路518号",
        "tianshui",
        ("jewelry_quality",),
        ("mall",),
    ),
    _merchant(
        "杭州安居美家具有限公司",
        "安居美家具",
        f"{_ROAD}石祥路71号3楼",
        "xiangfu",
        ("furniture_quality", "furniture_formaldehyde"),
        ("online",),
    ),
    _merchant("杭州宏远建材有限公司", "宏远建材", f"{_ROAD}石祥路368号", "shiqiao", ("material_quality",)),
    _merchant("杭州绿行电动车销售有限公司", "绿行电动车", f"{_ROAD}东新路810号", "dongxin", ("ebike",)),
    _merchant(
        "杭州康济大药房有限公司",
        "康济大药房",
        f"{_ROAD}中山北路350号",
        "changqing",
        ("medicine",),
        ("online",),
    ),
    _merchant(
        "杭州健行体育用品有限公司",
        "健行体育",
        f"{_ROAD}体育场路388号",
        "tianshui",
        ("sports_quality",),
        ("online", "mall"),
    ),
    _merchant(
        "杭州小河优品贸易有限公司",
        "小河优品",
        f"{_ROAD}小河路300号5幢302室",
        "xiaohe",
        ("food_quality", "appliance_safety", "furniture_quality"),
        ("online",),
        phone=False,
    ),
    # decoration and property
    _merchant(
        "杭州筑梦装饰工程有限公司",
        "筑梦装饰",
        f"{_ROAD}上塘路458号",
        "shangtang",
        ("decoration_quality", "decoration_contract", "decoration_air"),
        weight=3,
    ),
    _merchant(
        "杭州匠心家居装饰设计有限公司",
        "匠心装饰",
        f"{_ROAD}建国北路639号",
        "chaoming",
        ("decoration_quality", "decoration_contract", "decoration_air"),
    ),
    _merchant(
        "杭州祥和物业管理有限公司",
        "祥和物业",
        f"{_ROAD}祥园路28号",
        "xiangfu",
        ("property_water", "property_service"),
    ),
    # repair
    _merchant(
        "拱墅区上塘路惠民家电维修部",
        "惠民家电维修",
        f"{_ROAD}上塘路315号",
        "shangtang",
        ("repair_overcharge",),
        individual=True,
    ),
    _merchant(
        "杭州快修侠电子科技有限公司",
        "快修侠手机维修",
        f"{_ROAD}朝晖路203号",
        "zhaohui",
        ("phone_repair",),
        ("online",),
    ),
    _merchant("杭州顺驰汽车维修有限公司", "顺驰汽修", f"{_ROAD}康桥路55号", "kangqiao", ("car_repair",)),
    # education, beauty, fitness and other services
    _merchant(
        "杭州启明星教育培训学校有限公司",
        "启明星培训学校",
        f"{_ROAD}大关路100号3楼",
        "daguan",
        ("training_refund",),
    ),
    _merchant(
        "杭州乐音艺术培训有限公司", "乐音艺术培训", f"{_ROAD}潮王路225号", "zhaohui", ("training_refund",)
    ),
    _merchant(
        "杭州优学思维教育科技有限公司",
        "优学思维",
        f"{_ROAD}莫干山路110号2楼",
        "mishixiang",
        ("training_refund",),
    ),
    _merchant(
        "杭州丽人坊美容美体有限公司",
        "丽人坊美容",
        f"{_ROAD}湖墅南路320号",
        "hushu",
        ("beauty_prepaid", "beauty_injury"),
        weight=3,
    ),
    _merchant(
        "拱墅区潮鸣发型设计工作室",
        "潮鸣发型设计",
        f"{_ROAD}建国北路286号",
        "chaoming",
        ("beauty_prepaid", "beauty_injury"),
        individual=True,
    ),
    _merchant("杭州力动健身服务有限公司", "力动健身", f"{_ROAD}丽水路320号", "xiaohe", ("gym_prepaid",)),
    _merchant("杭州安心家政服务有限公司", "安心家政", f"{_ROAD}东新路155号", "dongxin", ("housekeeping",)),
    _merchant(
        "拱墅区朝晖路洁雅洗衣店", "洁雅洗衣", f"{_ROAD}朝晖路160号", "zhaohui", ("laundry",), individual=True
    ),
    _merchant(
        "杭州运河之旅国际旅行社有限公司", "运河之旅旅行社", f"{_ROAD}环城北路208号", "mishixiang", ("travel",)
    ),
    _merchant("杭州宽捷网络科技有限公司", "宽捷宽带", f"{_ROAD}石桥路279号", "shiqiao", ("broadband",)),
    # platforms and markets (complained about directly too, except the market)
    _merchant(
        "杭州拱宸优选电子商务有限公司",
        "拱宸优选",
        f"{_ROAD}丽水路58号9幢",
        "gongchenqiao",
        ("platform_membership",),
    ),
    _merchant(
        "杭州湖墅汇商业管理有限公司", "湖墅汇购物中心", f"{_ROAD}湖墅南路99号", "hushu", ("mall_card",)
    ),
    _merchant("杭州半山农贸市场管理有限公司", "半山农贸市场", f"{_ROAD}半山路296号", "banshan", (), weight=0),
)

PLATFORMS: dict[str, DemoPlatform] = {
    "online": DemoPlatform("online", "online", "杭州拱宸优选电子商务有限公司"),
    "mall": DemoPlatform("mall", "mall", "杭州湖墅汇商业管理有限公司"),
    "market": DemoPlatform("market", "market", "杭州半山农贸市场管理有限公司"),
}
_BY_NAME = {m.name: m for m in MERCHANTS}
_WAVE_MERCHANT = _BY_NAME["杭州优学思维教育科技有限公司"]
_WAVE_ISSUE = "机构突然停课，门店已经关闭，负责人电话无人接听"

# ----------------------------------------------------------------------------------------------------------
# Scenarios: what was bought, what went wrong, what the merchant said, what the consumer asks for
# ----------------------------------------------------------------------------------------------------------

BUY = "{date}，我{where}购买了{item}，实付{price}元。"
DINE = "{date}，我{where}用餐，点了{item}，共消费{price}元。"
SIGN = "{date}，我{where}办理了{item}，支付{price}元。"
CONTRACT = "{date}，我与{shop}签订了{item}合同，合同总价{price}元。"


@dataclass(frozen=True, slots=True)
class _Scenario:
    category: str
    domain: str
    problem: str
    opening: str  # format fields: date, where, shop, item, price
    items: tuple[tuple[str, int, int], ...]  # name, lowest and highest price in yuan
    issues: tuple[str, ...]
    replies: tuple[str, ...]
    requests: tuple[tuple[str, ...], ...]
    claim: str  # "paid", "food10", "fraction", "paid_plus_loss" or "loss"
    # report text; whether it alleges fraud (the claim becomes refund + 3×); the issue it goes with ("": any)
    violations: tuple[tuple[str, bool, str], ...] = ()
    recent_days: int = 90  # purchases happen up to this many days before the complaint (most much sooner)
    old_issues: tuple[str, ...] = ()  # non-empty: a purchase more than 3 years back is plausible
    fraction: tuple[float, float] = (0.3, 0.8)
    loss: tuple[int, int] = (0, 0)  # yuan


_S = _Scenario
SCENARIOS: dict[str, _Scenario] = {
    "food_expired": _S(
        "food",
        "product",
        "food_safety",
        BUY,
        (
            ("纯牛奶一箱", 45, 89),
            ("坚果礼盒", 98, 268),
            ("速冻水饺", 19, 45),
            ("吐司面包", 12, 32),
            ("低温酸奶", 15, 39),
            ("进口奶粉", 228, 398),
            ("月饼礼盒", 128, 398),
        ),
        (
            "回家后发现商品已经超过保质期",
            "打开包装后发现有明显霉变和异味",
            "孩子食用后出现腹泻，随后发现包装内有异物",
            "发现外包装上的生产日期有涂改痕迹",
        ),
        ("商家只同意退款，不同意赔偿", "店员称是我自己保存不当造成的", "商家称只能换一件同样的商品"),
        (("refund", "compensate"),),
        "food10",
        (
            (
                "货架上仍在销售同批次的过期商品，存在食品安全隐患，请求依法查处。",
                False,
                "回家后发现商品已经超过保质期",
            ),
            (
                "{item}的生产日期疑似被篡改，涉嫌销售过期食品，请求查处。",
                False,
                "发现外包装上的生产日期有涂改痕迹",
            ),
        ),
        recent_days=10,
    ),
    "food_quality": _S(
        "food",
        "product",
        "quality",
        BUY,
        (
            ("大闸蟹礼券", 388, 888),
            ("高山茶叶", 168, 680),
            ("进口车厘子", 99, 299),
            ("土鸡蛋礼盒", 39, 88),
            ("生日蛋糕", 168, 398),
            ("鲜花饼礼盒", 58, 128),
        ),
        (
            "收货后发现实物规格与宣传严重不符，分量明显不足",
            "到手后发现大部分已经腐烂变质，无法食用",
            "包装标注的等级与实物不一致，明显以次充好",
        ),
        ("商家只愿意补发一部分，不同意退款", "商家称食品一经售出概不退换", "客服一直说在核实，没有结果"),
        (("return", "refund"), ("make_up_quantity",), ("refund",)),
        "paid",
        (
            (
                "商家宣传“特级”“原产地直供”与实际不符，涉嫌虚假宣传，请求查处。",
                True,
                "包装标注的等级与实物不一致，明显以次充好",
            ),
        ),
        recent_days=30,
    ),
    "food_weight": _S(
        "food",
        "product",
        "quality",
        BUY,
        (("鲈鱼", 35, 88), ("基围虾", 68, 168), ("排骨", 45, 120), ("时令水果", 25, 60)),
        (
            "回家用电子秤复称，发现实际重量比称重少了近三成",
            "摊主称重时没有去掉包装袋和冰块，实际分量明显不足",
        ),
        ("摊主坚称自己的秤没有问题", "市场管理处让我自己找摊主协商"),
        (("make_up_quantity",), ("refund",)),
        "paid",
        (("该摊位电子秤疑似作弊，存在缺斤短两行为，请求查处。", True, ""),),
        recent_days=5,
    ),
    "meal_safety": _S(
        "catering_lodging",
        "service",
        "food_safety",
        DINE,
        (
            ("双人套餐", 128, 298),
            ("火锅套餐", 198, 568),
            ("烧烤", 88, 268),
            ("家庭聚餐", 480, 1280),
            ("外卖盖浇饭", 22, 45),
        ),
        (
            "菜品中吃出了异物，疑似钢丝球碎屑",
            "用餐后当晚全家出现呕吐腹泻，到医院诊断为急性肠胃炎",
            "发现端上来的肉类已经变质发臭",
            "汤里吃出了一只虫子",
        ),
        ("店家只愿意免单这道菜", "店长称其他客人都没问题，拒绝承担责任", "商家同意退餐费，但拒绝赔偿医药费"),
        (("refund", "compensate"),),
        "food10",
        (
            ("后厨卫生状况很差，疑似使用过期变质食材，存在食品安全隐患，请求检查。", False, ""),
            ("店内未公示食品经营许可证，疑似无证经营，请求核查。", False, ""),
        ),
        recent_days=3,
    ),
    "meal_price": _S(
        "catering_lodging",
        "service",
        "price",
        DINE,
        (("海鲜大餐", 368, 1280), ("商务宴请", 880, 2680), ("生日宴", 1280, 3680)),
        (
            "结账时发现多收了事先没有告知的服务费和包间费",
            "点菜时店员没有说明海鲜按两计价，结账金额远超预期",
            "账单中有两道菜我们并没有点",
        ),
        ("商家坚持按账单收费", "店员称服务费是行业惯例"),
        (("refund",),),
        "fraction",
        (("菜单未明码标价，结账时临时加价，涉嫌价格欺诈，请求查处。", True, ""),),
        recent_days=5,
        fraction=(0.15, 0.4),
    ),
    "hotel": _S(
        "catering_lodging",
        "service",
        "contract",
        "{date}，我{where}预订了{item}，支付{price}元。",
        (("标准间两晚住宿", 398, 998), ("婚宴预订定金", 5000, 20000), ("寿宴预订", 2000, 6000)),
        ("实际提供的服务与预订时的约定相差很大", "临近日期酒店单方面取消预订，却拒绝退还已付款项"),
        ("酒店称定金一律不退", "酒店只愿意退一半费用"),
        (("refund",), ("refund", "compensate")),
        "fraction",
        recent_days=60,
        fraction=(0.5, 1.0),
    ),
    "clothing_quality": _S(
        "clothing_shoes",
        "product",
        "quality",
        BUY,
        (
            ("羽绒服", 599, 2980),
            ("真皮短靴", 399, 1280),
            ("羊毛大衣", 899, 3680),
            ("运动鞋", 299, 899),
            ("真丝连衣裙", 399, 1299),
            ("儿童冲锋衣", 199, 599),
        ),
        (
            "穿了没几次就开胶开线，做工明显有问题",
            "第一次按洗涤标签要求清洗后就严重褪色变形",
            "送检结果显示面料成分与吊牌标注不符",
        ),
        ("商家称是穿着不当造成的，拒绝退换", "商家只同意维修，不同意退货", "商家以吊牌已剪为由拒绝退换"),
        (("return", "refund"), ("replace",), ("repair",)),
        "paid",
        (
            ("该店销售的{item}疑似假冒知名品牌，做工与正品差异明显，请求查处。", True, ""),
            (
                "吊牌标注的成分与实际不符，涉嫌虚假标注，请求查处。",
                True,
                "送检结果显示面料成分与吊牌标注不符",
            ),
        ),
        recent_days=120,
    ),
    "appliance_quality": _S(
        "household_appliances",
        "product",
        "quality",
        BUY,
        (
            ("滚筒洗衣机", 2299, 5999),
            ("变频空调", 2599, 7999),
            ("对开门冰箱", 2999, 8999),
            ("燃气热水器", 1299, 3299),
            ("扫地机器人", 1599, 3999),
            ("洗碗机", 2999, 6999),
        ),
        (
            "使用不久就出现无法启动的故障，已维修两次仍未修好",
            "机器运行时噪音异常大，售后检测后称是核心部件问题",
            "安装时发现机身有明显划痕和使用痕迹，怀疑是翻新机",
            "使用中频繁出现故障代码，无法正常使用",
        ),
        ("商家称只能维修，不能退换", "售后称需要寄回厂家检测，至今没有结果", "商家称已过七天无理由退换期"),
        (("replace",), ("return", "refund"), ("repair",)),
        "paid",
        (
            (
                "疑似将翻新机当作新机销售，涉嫌欺诈，请求查处。",
                True,
                "安装时发现机身有明显划痕和使用痕迹，怀疑是翻新机",
            ),
            (
                "{item}使用中出现漏电，存在安全隐患，请求对同批次产品进行检查。",
                False,
                "使用中机身漏电，家人被电了一下",
            ),
        ),
        recent_days=180,
        old_issues=(
            "近期出现漏水故障，检修时发现内部配件锈蚀严重，属于产品本身的质量问题",
            "近日发现机器铭牌信息与购买时的型号不一致，怀疑当年买到的就是翻新机",
        ),
    ),
    "appliance_safety": _S(
        "household_appliances",
        "product",
        "safety",
        BUY,
        (
            ("电暖器", 199, 599),
            ("电热水壶", 89, 299),
            ("电饭煲", 299, 899),
            ("电热毯", 99, 299),
            ("空气炸锅", 299, 699),
        ),
        (
            "使用时突然冒烟起火，烧坏了旁边的家具",
            "机身漏电，家人使用时被电击受伤",
            "插头处发热熔化，险些引发火灾",
        ),
        ("商家称是家里电路的问题，与产品无关", "厂家客服只同意换一台新的，不承担其他损失"),
        (("return", "refund", "compensate"),),
        "paid_plus_loss",
        (("该产品疑似未取得3C强制性认证，存在严重安全隐患，请求查处。", False, ""),),
        recent_days=150,
        loss=(300, 5000),
    ),
    "appliance_aftersales": _S(
        "household_appliances",
        "product",
        "after_sales",
        BUY,
        (("变频空调", 2599, 7999), ("燃气灶", 899, 2499), ("油烟机", 1299, 3999), ("净水器", 1299, 3999)),
        (
            "在保修期内报修，售后上门三次仍未修好，每次还收取上门费",
            "购买时承诺免费安装，实际安装时被收取了高额材料费",
            "约定的送货安装时间一再拖延，至今没有安装",
        ),
        ("商家称安装由第三方负责，与其无关", "客服反复推诿，没有明确答复"),
        (("repair",), ("refund",), ("repair", "compensate")),
        "fraction",
        recent_days=200,
        fraction=(0.05, 0.2),
    ),
    "phone_quality": _S(
        "communication_products",
        "product",
        "quality",
        BUY,
        (
            ("智能手机", 1999, 6999),
            ("平板电脑", 2499, 5999),
            ("智能手表", 999, 2999),
            ("蓝牙耳机", 299, 1599),
        ),
        (
            "使用不久就出现屏幕闪烁、频繁自动重启",
            "电池续航极差，检测发现电池健康度只有八成",
            "激活时发现系统显示此前已被激活过",
            "充电口接触不良，无法正常充电",
        ),
        ("商家称送检结果是人为损坏", "商家只同意维修，不同意换新"),
        (("replace",), ("return", "refund"), ("repair",)),
        "paid",
        (
            (
                "疑似以翻新机、二手机冒充新机销售，涉嫌欺诈，请求查处。",
                True,
                "激活时发现系统显示此前已被激活过",
            ),
        ),
        recent_days=60,
    ),
    "computer_quality": _S(
        "computer_products",
        "product",
        "quality",
        BUY,
        (
            ("笔记本电脑", 3999, 9999),
            ("显示器", 899, 2599),
            ("组装台式机", 4599, 8999),
            ("打印机", 799, 2299),
        ),
        (
            "实际配置参数与宣传不符",
            "使用不久就无法开机，送修后一直没有修好",
            "到货后发现有明显使用痕迹，疑似二手产品",
        ),
        ("商家称配置以实物为准", "商家只同意维修，不同意退换"),
        (("return", "refund"), ("replace",), ("repair",)),
        "paid",
        (("宣传的配置与实际配置不符，涉嫌虚假宣传，请求查处。", True, "实际配置参数与宣传不符"),),
        recent_days=90,
    ),
    "cosmetics_safety": _S(
        "cosmetics",
        "product",
        "safety",
        BUY,
        (
            ("面霜", 298, 1280),
            ("精华液", 399, 1580),
            ("染发剂", 88, 268),
            ("面膜套装", 168, 498),
            ("美白乳液", 198, 698),
        ),
        (
            "使用后面部出现红肿、刺痛等过敏症状，到医院就诊花了医药费",
            "使用几天后皮肤大面积起疹子，医生诊断为接触性皮炎",
        ),
        ("商家称是个人体质问题，与产品无关", "商家只同意退还未使用的部分"),
        (("refund", "compensate"),),
        "paid_plus_loss",
        (
            ("产品宣传“七天美白”“医学级修复”，涉嫌虚假宣传，请求查处。", True, ""),
            ("产品没有中文标签，疑似非法进口或假冒产品，请求查处。", True, ""),
        ),
        recent_days=60,
        loss=(200, 3000),
    ),
    "cosmetics_fake": _S(
        "cosmetics",
        "product",
        "quality",
        BUY,
        (("进口口红", 280, 420), ("香水", 580, 1280), ("粉底液", 380, 620), ("护肤套装", 980, 2680)),
        ("与专柜正品比对后发现包装、气味都明显不同，疑似假货", "产品批号在品牌官网查询不到"),
        ("商家坚称是正品，但无法提供进货凭证", "商家称是海外代购，不提供售后"),
        (("return", "refund"),),
        "paid",
        (("该店销售的{item}疑似假冒注册商标的商品，请求查处。", True, ""),),
        recent_days=60,
    ),
    "jewelry_quality": _S(
        "jewelry",
        "product",
        "quality",
        BUY,
        (
            ("黄金手镯", 4980, 15800),
            ("钻石戒指", 6800, 19800),
            ("铂金项链", 2680, 6880),
            ("和田玉吊坠", 1880, 8800),
            ("足金转运珠", 880, 2680),
        ),
        (
            "到专业机构检测，贵金属含量低于标注标准",
            "佩戴不久就出现变形、掉色",
            "鉴定证书与实物不符，品质明显低于宣传",
        ),
        ("商家称检测机构不权威，拒绝认可检测结果", "商家只同意以旧换新，还要另补差价"),
        (("return", "refund"), ("replace",), ("repair",)),
        "paid",
        (
            (
                "涉嫌以次充好，标注的纯度与检测结果不符，请求查处。",
                True,
                "到专业机构检测，贵金属含量低于标注标准",
            ),
        ),
        recent_days=120,
        old_issues=(
            "近日拿去检测，发现金含量低于当年购买凭证上标注的标准",
            "近期拿去以旧换新时，被告知当年所附的鉴定证书与实物不符",
        ),
    ),
    "furniture_quality": _S(
        "home_goods",
        "product",
        "quality",
        BUY,
        (
            ("实木餐桌椅", 3680, 9800),
            ("布艺沙发", 4800, 12800),
            ("乳胶床垫", 1999, 6999),
            ("定制衣柜", 5800, 16800),
            ("儿童书桌", 899, 2680),
        ),
        (
            "宣传为全实木，收货后发现实际是密度板贴皮",
            "送货安装后发现有明显色差和开裂",
            "使用不久就出现明显变形和异响",
        ),
        ("商家称是使用不当造成的", "商家只同意上门修补，不同意退换"),
        (("return", "refund"), ("replace",), ("repair",)),
        "paid",
        (
            (
                "宣传“全实木”，实际为刨花板，涉嫌虚假宣传，请求查处。",
                True,
                "宣传为全实木，收货后发现实际是密度板贴皮",
            ),
        ),
        recent_days=120,
        old_issues=(
            "近期柜体板材大面积开裂，检查后发现并非宣传的实木材质",
            "近期五金件大面积锈蚀脱落，发现当年用的是劣质配件",
        ),
    ),
    "furniture_formaldehyde": _S(
        "home_goods",
        "environment",
        "safety",
        BUY,
        (("儿童床", 2680, 5800), ("定制衣柜", 3800, 12800), ("板式书柜", 1280, 3600)),
        (
            "放置通风一个多月后室内仍有刺鼻气味，委托第三方检测，甲醛释放量超标",
            "安装后孩子出现咳嗽、皮肤过敏，检测发现室内甲醛浓度超标",
        ),
        ("商家称产品有合格证，拒绝承认问题", "商家只同意赠送一台空气净化器"),
        (("return", "refund", "compensate"),),
        "paid_plus_loss",
        (("产品环保等级标注为E0级，实测甲醛超标，涉嫌虚假标注，请求查处。", True, ""),),
        recent_days=120,
        loss=(300, 1500),
    ),
    "material_quality": _S(
        "building_materials",
        "product",
        "quality",
        BUY,
        (
            ("瓷砖", 3200, 12800),
            ("实木复合地板", 5800, 16800),
            ("卫浴套装", 2800, 8800),
            ("防水涂料", 680, 2600),
            ("铝合金门窗", 8800, 26800),
        ),
        ("到货后发现产品有明显色差、尺寸偏差", "安装使用不久就出现变形、渗漏", "到货的品牌型号与订单不一致"),
        ("商家称是施工问题，与材料无关", "商家推给装修公司，双方互相推诿"),
        (("replace",), ("return", "refund"), ("compensate",)),
        "paid",
        (("产品所附检测报告疑似伪造，质量不达标，请求查处。", True, ""),),
        recent_days=180,
        old_issues=(
            "近期地板大面积起拱开裂，经鉴定为材料含水率不合格",
            "近期型材变形、密封失效，经检测壁厚不达标",
        ),
    ),
    "decoration_quality": _S(
        "decoration_property",
        "engineering",
        "quality",
        CONTRACT,
        (
            ("全屋装修（半包）", 48000, 128000),
            ("卫生间翻新", 8800, 26800),
            ("厨房改造", 12800, 36800),
            ("墙面翻新", 3600, 9800),
            ("老房改造（全包）", 88000, 168000),
        ),
        (
            "完工后卫生间渗水到楼下，返修两次仍未解决",
            "入住不久墙面大面积开裂、起皮",
            "使用的材料与合同约定的品牌不符",
            "水电改造不规范，多处插座跳闸",
        ),
        ("项目经理答应返修，之后一直拖着不来", "装修公司要求另外付费才肯返修"),
        (("redo",), ("repair", "compensate"), ("redo", "compensate")),
        "fraction",
        (("装修使用的电线疑似非标产品，存在安全隐患，请求检查。", False, "水电改造不规范，多处插座跳闸"),),
        recent_days=240,
        fraction=(0.05, 0.3),
        old_issues=(
            "近期卫生间防水层失效渗水到楼下，经鉴定为当年防水施工不规范",
            "近期墙体大面积开裂，经鉴定属于当年的施工质量问题",
        ),
    ),
    "decoration_contract": _S(
        "decoration_property",
        "engineering",
        "contract",
        CONTRACT,
        (("全屋装修（半包）", 48000, 128000), ("卫生间翻新", 8800, 26800), ("厨房改造", 12800, 36800)),
        (
            "装修公司拖延工期两个多月，还要求追加费用",
            "施工到一半项目经理失联，已付的工程款无法退还",
            "装修公司擅自变更设计方案和材料",
        ),
        ("公司称工期延误是因为材料涨价", "公司客服只说会转达，一直没有结果"),
        (("refund",), ("refund", "compensate")),
        "fraction",
        (
            (
                "装修公司以低价套餐吸引签约后不断增项加价，涉嫌虚假宣传，请求查处。",
                True,
                "装修公司拖延工期两个多月，还要求追加费用",
            ),
        ),
        recent_days=200,
        fraction=(0.2, 0.6),
    ),
    "decoration_air": _S(
        "decoration_property",
        "environment",
        "safety",
        CONTRACT,
        (("全屋装修（全包）", 68000, 158000), ("儿童房装修", 12800, 32800)),
        (
            "完工通风三个月后检测，室内甲醛浓度仍超标两倍以上",
            "入住后家人频繁头晕、咽喉不适，检测发现室内苯系物超标",
        ),
        ("装修公司称是家具造成的污染，与装修无关", "公司只同意免费做一次除醛"),
        (("redo", "compensate"), ("compensate",)),
        "fraction",
        (("合同约定使用E0级环保板材，实际使用的是不合格板材，涉嫌欺诈，请求查处。", True, ""),),
        recent_days=200,
        fraction=(0.05, 0.2),
    ),
    "property_water": _S(
        "decoration_property",
        "environment",
        "quality",
        "{date}，我向{shop}缴纳了{item}{price}元。",
        (("全年物业费", 1800, 4800),),
        (
            "小区二次供水水箱长期不清洗，自来水发黄有异味",
            "小区地下车库长期积水发臭、蚊虫滋生，物业一直不处理",
            "小区垃圾分类点长期无人清理，异味严重",
        ),
        ("物业称已经上报，一直没有下文", "物业以部分业主欠费为由推脱"),
        (("refund",), ("refund", "compensate")),
        "fraction",
        recent_days=300,
        fraction=(0.1, 0.3),
    ),
    "property_service": _S(
        "decoration_property",
        "service",
        "price",
        "{date}，我向{shop}缴纳了{item}{price}元。",
        (("全年物业费", 1800, 4800),),
        ("物业费中多收取了没有公示的公摊能耗费", "物业承诺的安保、保洁服务长期不到位"),
        ("物业称收费标准由业委会确定", "物业一直拖延，不给书面答复"),
        (("refund",),),
        "fraction",
        (
            (
                "物业服务收费项目未公示，涉嫌违规收费，请求查处。",
                False,
                "物业费中多收取了没有公示的公摊能耗费",
            ),
        ),
        recent_days=300,
        fraction=(0.1, 0.3),
    ),
    "repair_overcharge": _S(
        "repair",
        "service",
        "price",
        "{date}，我请{shop}上门进行{item}，支付{price}元。",
        (
            ("空调维修", 280, 1280),
            ("洗衣机维修", 180, 680),
            ("热水器维修", 200, 880),
            ("油烟机清洗维修", 150, 580),
            ("冰箱加氟", 180, 480),
        ),
        (
            "师傅以更换配件为由高额收费，事后发现配件并未更换",
            "维修后不久同样的故障再次出现，商家拒绝免费返修",
            "维修前没有告知收费标准，完工后收费远高于市场价",
        ),
        ("商家称配件已经更换，拒绝退款", "商家称返修需要重新收费"),
        (("refund",), ("repair",), ("refund", "compensate")),
        "fraction",
        (
            (
                "维修人员虚报故障、虚构维修项目，涉嫌欺诈，请求查处。",
                True,
                "师傅以更换配件为由高额收费，事后发现配件并未更换",
            ),
        ),
        recent_days=60,
        fraction=(0.5, 1.0),
    ),
    "phone_repair": _S(
        "repair",
        "service",
        "quality",
        "{date}，我{where}进行{item}，支付{price}元。",
        (
            ("手机换屏", 380, 1280),
            ("手机电池更换", 159, 399),
            ("手机主板维修", 600, 1800),
            ("笔记本电脑清灰", 99, 199),
        ),
        (
            "维修后出现新的故障，检测发现换上的是非原装配件",
            "取机时发现机身外壳有新的划痕",
            "维修后不久同样的故障再次出现",
        ),
        ("商家称配件不在保修范围内", "商家只同意再修一次，不同意退款"),
        (("redo",), ("refund",), ("refund", "compensate")),
        "paid",
        (
            (
                "以非原装配件冒充原装配件，涉嫌欺诈，请求查处。",
                True,
                "维修后出现新的故障，检测发现换上的是非原装配件",
            ),
        ),
        recent_days=60,
    ),
    "car_repair": _S(
        "repair",
        "service",
        "quality",
        "{date}，我把车送到{shop}进行{item}，支付{price}元。",
        (
            ("汽车保养", 580, 1680),
            ("变速箱维修", 3800, 12800),
            ("钣金喷漆", 1200, 4800),
            ("更换刹车片", 680, 1580),
        ),
        ("维修后同样的故障再次出现", "维修后车辆出现新的异响", "结算时发现更换的配件与报价单不一致"),
        ("商家称与本次维修无关", "商家要求再付一笔检测费才肯处理"),
        (("redo",), ("refund",), ("redo", "compensate")),
        "paid",
        (("使用副厂配件冒充原厂配件，涉嫌欺诈，请求查处。", True, "结算时发现更换的配件与报价单不一致"),),
        recent_days=60,
    ),
    "ebike": _S(
        "vehicles",
        "product",
        "safety",
        BUY,
        (("电动自行车", 2399, 4599), ("电动自行车锂电池", 899, 1999), ("电动滑板车", 1599, 3299)),
        (
            "充电时电池鼓包冒烟，险些引发火灾",
            "骑行时刹车突然失灵，导致摔倒受伤",
            "实际续航不到宣传的一半，且电池发烫",
        ),
        ("商家称是充电方式不当造成的", "商家只同意更换电池，拒绝赔偿"),
        (("return", "refund", "compensate"), ("replace",)),
        "paid_plus_loss",
        (
            ("该店私自改装电动自行车、更换大容量电池，存在严重安全隐患，请求查处。", False, ""),
            ("销售的电动自行车疑似未取得3C认证，请求查处。", False, ""),
        ),
        recent_days=180,
        loss=(200, 3000),
    ),
    "training_refund": _S(
        "education_training",
        "service",
        "contract",
        "{date}，我{where}报名了{item}，一次性缴费{price}元。",
        (
            ("少儿英语课程（48课时）", 8800, 16800),
            ("少儿编程年卡", 6800, 12800),
            ("钢琴课（30节）", 4500, 9000),
            ("成人职业技能培训", 3800, 9800),
            ("小学数学思维课（一学年）", 9800, 18800),
        ),
        (
            "上了几次课后机构频繁更换老师、随意调课，要求退还剩余课时费被拒",
            _WAVE_ISSUE,
            "机构宣传的“保过”承诺没有兑现，却拒绝按约定退费",
        ),
        ("机构称合同约定课程费用一律不退", "机构只同意转让课时，不同意退费", "机构答应退款后一直拖延"),
        (("refund",),),
        "fraction",
        (
            (
                "机构宣传“保证提分”“包过”，涉嫌虚假宣传，请求查处。",
                True,
                "机构宣传的“保过”承诺没有兑现，却拒绝按约定退费",
            ),
            ("该机构疑似未取得办学许可即开展培训，请求核查。", False, ""),
        ),
        recent_days=240,
        fraction=(0.4, 0.9),
    ),
    "beauty_prepaid": _S(
        "beauty",
        "service",
        "contract",
        SIGN,
        (("美容储值卡", 3000, 20000), ("美体疗程卡", 2980, 12800), ("美发会员卡", 1000, 5000)),
        (
            "办卡后门店不断推销额外收费项目，要求退卡被拒",
            "门店突然停业，卡内余额无法使用",
            "门店以余额过期为由将卡内余额清零",
        ),
        ("店方称预付卡一律不退", "店方只同意转到其他门店使用", "老板答应退款，但至今没有退"),
        (("refund",),),
        "fraction",
        (
            (
                "诱导消费者办理高额预付卡后停业，疑似涉嫌欺诈，请求查处。",
                True,
                "门店突然停业，卡内余额无法使用",
            ),
        ),
        recent_days=300,
        fraction=(0.3, 0.9),
    ),
    "beauty_injury": _S(
        "beauty",
        "service",
        "safety",
        "{date}，我{where}做了{item}项目，支付{price}元。",
        (("光子嫩肤", 680, 2800), ("纹眉", 980, 3800), ("烫染", 368, 1280), ("水光针", 1280, 3800)),
        ("做完项目后出现红肿、灼伤，到医院治疗花了不少钱", "效果与事先承诺的完全不同，还出现了过敏症状"),
        ("店方称是个人体质原因，只愿意退一半费用", "店方拒绝承担医药费"),
        (("refund", "compensate"),),
        "paid_plus_loss",
        (("该店无医疗美容资质却开展医疗美容项目，存在安全隐患，请求查处。", False, ""),),
        recent_days=60,
        loss=(300, 5000),
    ),
    "gym_prepaid": _S(
        "culture_sports_entertainment",
        "service",
        "contract",
        SIGN,
        (("健身年卡", 2880, 5800), ("私教课（24节）", 6000, 12000), ("游泳季卡", 880, 1680)),
        (
            "办卡不久健身房就以装修为由长期停业",
            "私教频繁更换，要求退还剩余课时费被拒",
            "健身房搬迁到很远的地方，无法继续使用",
        ),
        ("店方称会员卡一律不退", "店方只同意延长有效期"),
        (("refund",),),
        "fraction",
        (
            (
                "健身房在明知即将停业的情况下仍在大量办卡，涉嫌欺诈，请求查处。",
                True,
                "办卡不久健身房就以装修为由长期停业",
            ),
        ),
        recent_days=300,
        fraction=(0.3, 0.9),
    ),
    "medicine": _S(
        "medicine_medical",
        "product",
        "quality",
        BUY,
        (
            ("电子血压计", 199, 599),
            ("深海鱼油", 298, 980),
            ("助听器", 2980, 8800),
            ("医用护腰", 168, 468),
            ("血糖仪", 199, 499),
        ),
        (
            "使用后发现与宣传的效果完全不符",
            "产品使用不久就无法正常工作",
            "回家后发现产品临近有效期且外包装破损",
        ),
        ("药房称医疗器械售出后不能退换", "药房只同意换一件同型号产品"),
        (("return", "refund"), ("replace",)),
        "paid",
        (("店员夸大宣传产品功效，涉嫌虚假宣传，请求查处。", True, "使用后发现与宣传的效果完全不符"),),
        recent_days=90,
    ),
    "housekeeping": _S(
        "housekeeping",
        "service",
        "quality",
        "{date}，我{where}预约了{item}服务，支付{price}元。",
        (
            ("深度保洁", 398, 998),
            ("月嫂（26天）", 9800, 16800),
            ("家电清洗", 198, 498),
            ("育儿嫂（一个月）", 6800, 9800),
        ),
        (
            "保洁人员在清洁时损坏了实木地板和家具",
            "家政员实际资质与合同约定不符，服务期间多次擅自离岗",
            "服务敷衍了事，多处没有清洁到位",
        ),
        ("公司称家政员是独立人员，损失应由其个人承担", "公司只同意更换家政员，不同意退费"),
        (("refund",), ("refund", "compensate"), ("redo",)),
        "paid_plus_loss",
        recent_days=60,
        loss=(200, 3000),
    ),
    "sports_quality": _S(
        "sports_goods",
        "product",
        "quality",
        BUY,
        (
            ("跑步机", 2999, 6999),
            ("山地自行车", 1899, 4800),
            ("羽毛球拍", 398, 1280),
            ("动感单车", 1599, 3299),
            ("篮球鞋", 599, 1299),
        ),
        (
            "使用不久就出现断裂、异响等质量问题",
            "到手后发现是旧款，且有明显使用痕迹",
            "产品主要部件出现开裂，存在安全隐患",
        ),
        ("商家称是使用不当造成的", "商家只同意维修，不同意退换"),
        (("return", "refund"), ("replace",), ("repair",)),
        "paid",
        (("该店销售的{item}疑似假冒知名品牌，请求查处。", True, ""),),
        recent_days=120,
        old_issues=("近期主要部件断裂，经检查是当年出厂时就存在的焊接缺陷",),
    ),
    "laundry": _S(
        "other_services",
        "service",
        "quality",
        "{date}，我{where}送洗了一件{item}，支付洗衣费{price}元。",
        (("羊绒大衣", 68, 168), ("真皮夹克", 188, 480), ("羽绒服", 45, 98), ("真丝连衣裙", 38, 88)),
        ("取衣时发现衣服严重缩水变形，已经无法穿着", "取衣时发现衣服褪色并有破损"),
        ("洗衣店称最多只能按洗衣费的十倍赔偿", "店方称是衣服本身的质量问题"),
        (("compensate",),),
        "loss",
        recent_days=30,
        loss=(600, 6000),
    ),
    "travel": _S(
        "travel",
        "service",
        "contract",
        "{date}，我{where}报名参加了{item}，团费{price}元。",
        (
            ("云南六日游", 3980, 7980),
            ("日本七日游", 6980, 12800),
            ("千岛湖两日游", 598, 1280),
            ("海南五日游", 3280, 6800),
        ),
        (
            "行程中被导游强制安排购物，还擅自减少了景点",
            "出发前三天被通知团队取消，旅行社只愿退一半费用",
            "实际入住的酒店标准远低于合同约定",
        ),
        ("旅行社称行程变更属于不可抗力", "旅行社只愿意补偿一张代金券"),
        (("refund",), ("refund", "compensate")),
        "fraction",
        (
            (
                "导游强迫游客购物，旅行社宣传的“纯玩团”涉嫌虚假宣传，请求查处。",
                True,
                "行程中被导游强制安排购物，还擅自减少了景点",
            ),
        ),
        recent_days=120,
        fraction=(0.2, 0.6),
    ),
    "broadband": _S(
        "telecom",
        "service",
        "contract",
        SIGN,
        (("千兆宽带两年套餐", 1200, 2400), ("宽带加电视套餐", 980, 1980)),
        ("实测网速远低于办理时承诺的带宽，要求退订却被收取违约金", "宽带频繁断网，报修多次仍未解决"),
        ("客服称网速受多种因素影响", "公司坚持要收取违约金"),
        (("refund",),),
        "fraction",
        (
            (
                "办理时承诺的带宽与实际严重不符，涉嫌虚假宣传，请求查处。",
                True,
                "实测网速远低于办理时承诺的带宽，要求退订却被收取违约金",
            ),
        ),
        recent_days=300,
        fraction=(0.3, 0.8),
    ),
    "platform_membership": _S(
        "internet",
        "service",
        "contract",
        "{date}，我在{shop}开通了{item}，支付{price}元。",
        (("平台会员年费", 99, 298), ("会员连续包季", 45, 88)),
        ("平台未经同意自动续费扣款，取消入口也很隐蔽", "开通会员时承诺的免运费等权益无法使用"),
        ("平台客服称自动续费已在协议中约定", "客服只同意退还一半"),
        (("refund",),),
        "paid",
        (
            (
                "自动续费未以显著方式提示，涉嫌侵害消费者权益，请求查处。",
                False,
                "平台未经同意自动续费扣款，取消入口也很隐蔽",
            ),
        ),
        recent_days=60,
    ),
    "mall_card": _S(
        "sales_service",
        "service",
        "contract",
        "{date}，我在{shop}购买了{item}，支付{price}元。",
        (("商场购物卡", 1000, 5000),),
        (
            "部分专柜撤场后，商场告知购物卡余额不能在其他专柜使用",
            "商场单方面调整购物卡使用范围，大部分商品无法使用",
        ),
        ("商场称购物卡不记名、不挂失、不退换", "商场只同意延长有效期"),
        (("refund",),),
        "fraction",
        recent_days=200,
        fraction=(0.3, 0.9),
    ),
}

_GENERIC_REPLIES = (
    "多次与商家协商未果",
    "商家一直拖延，至今没有答复",
    "店员表示需要请示负责人，之后再无回复",
)
_OLD_REPLIES = ("商家以早已超过保修期为由拒绝处理", "商家称时间太久，不再负责")
_CLOSINGS = ("请市场监管部门帮助协调。", "希望尽快处理。", "")
_REQUEST_ZH = {
    "repair": "免费维修",
    "redo": "返工重做",
    "replace": "更换",
    "return": "退货",
    "make_up_quantity": "补足分量",
    "refund": "退款",
    "compensate": "赔偿损失",
}

# ----------------------------------------------------------------------------------------------------------
# Consumers
# ----------------------------------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏方邹孟熊秦邱江尹薛段雷侯史陶顾毛郝龚邵钱严戴孔汤俞施楼应倪章裘虞葛"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
_GIVEN_MALE = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "宁",
    "浩",
    "宇",
    "俊",
    "建国",
    "志强",
    "建华",
    "国平",
    "海涛",
    "文博",
    "子豪",
    "浩然",
    "宇轩",
    "晨阳",
    "家豪",
    "俊杰",
    "明轩",
    "一鸣",
    "立新",
    "永康",
    "卫东",
    "志明",
    "建军",
    "晓东",
    "天宇",
    "嘉诚",
)
_GIVEN_FEMALE = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "婷",
    "雪",
    "慧",
    "颖",
    "琳",
    "倩",
    "洁",
    "晶",
    "秀英",
    "桂英",
    "玉兰",
    "丽华",
    "美玲",
    "雅琴",
    "思雨",
    "欣怡",
    "梓涵",
    "诗涵",
    "雨婷",
    "佳怡",
    "晓燕",
    "海燕",
    "婉清",
    "静怡",
    "梦瑶",
    "紫涵",
    "秀芳",
    "月娥",
    "彩霞",
    "晓红",
    "丽萍",
)
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "193",
    "195",
    "198",
    "199",
)
_STREETS = (
    "莫干山路",
    "湖墅南路",
    "大关路",
    "半山路",
    "丽水路",
    "登云路",
    "上塘路",
    "石祥路",
    "潮王路",
    "文晖路",
    "武林路",
    "建国北路",
    "朝晖路",
    "小河路",
    "长城街",
    "东新路",
    "香积寺路",
    "湖州街",
    "金华路",
    "和睦路",
    "康桥路",
    "石桥路",
    "中山北路",
    "环城北路",
    "德胜路",
)
_COMPOUNDS = (
    "和睦新村",
    "大关西苑",
    "朝晖新村",
    "潮鸣苑",
    "文晖花园",
    "运河名苑",
    "登云小区",
    "上塘公寓",
    "半山家园",
    "湖墅嘉园",
    "小河佳苑",
    "石桥花园",
    "东新园",
    "康桥雅苑",
    "长城公寓",
    "锦绣运河",
    "桥西小区",
    "香积寺新村",
)
_HANGZHOU_DIVISIONS = ("330102", "330103", "330104", "330105", "330106", "330108", "330109", "330110")


def _consumer(rng: random.Random, received_on: date) -> dict[str, str]:
    female = rng.random() < 0.55  # women file a little more than half of consumer complaints
    surname = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.02 else rng.choice(_SURNAMES)
    name = surname + rng.choice(_GIVEN_FEMALE if female else _GIVEN_MALE)
    phone = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    street = rng.choice(_STREETS)
    if rng.random() < 0.7:
        address = (
            f"杭州市拱墅区{street}{rng.randint(1, 899)}号{rng.choice(_COMPOUNDS)}"
            f"{rng.randint(1, 32)}幢{rng.randint(1, 4)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
        )
    else:
        address = f"杭州市拱墅区{street}{rng.randint(1, 899)}号{rng.randint(1, 6)}{rng.randint(1, 8):02d}室"
    consumer = {"name": name, "phone": phone, "address": address}
    if rng.random() < 0.35:
        consumer["id_number"] = _id_number(rng, received_on, female)
    return consumer


def _id_number(rng: random.Random, received_on: date, female: bool) -> str:
    birth = date(received_on.year - rng.randint(20, 75), rng.randint(1, 12), rng.randint(1, 28))
    sex_digit = rng.choice("02468" if female else "13579")  # GB 11643: the 17th digit is odd for men
    first17 = f"{rng.choice(_HANGZHOU_DIVISIONS)}{birth:%Y%m%d}{rng.randint(0, 99):02d}{sex_digit}"
    return first17 + id_check_char(first17)


# ----------------------------------------------------------------------------------------------------------
# Bodies
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    merchant: DemoMerchant
    scenario: str
    platform: str | None


_CANDIDATES: tuple[_Candidate, ...] = tuple(
    _Candidate(m, s, p) for m in MERCHANTS if m.weight for s in m.scenarios for p in (None, *m.platforms)
)


def demo_bodies(seed: int, count: int, today: date) -> list[tuple[datetime, dict[str, Any]]]:
    """`count` complaint bodies in the JSON API shape, each with its receipt moment (UTC), sorted by time."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    wave_start = today - timedelta(days=rng.randint(60, WINDOW_DAYS - 45))
    violations = _marks(rng, count, VIOLATION_EVERY)
    platforms = _marks(rng, count, PLATFORM_EVERY)
    olds = _marks(rng, count, OLD_PURCHASE_EVERY)
    consumers: list[dict[str, str]] = []
    bodies = []
    for i in range(count):
        plain = i not in violations and i not in platforms and i not in olds
        bodies.append(
            _body(
                rng,
                today,
                consumers,
                violation=i in violations,
                platform=i in platforms,
                old=i in olds,
                wave_start=wave_start if plain and rng.random() < WAVE_SHARE else None,
            )
        )
    bodies.sort(key=lambda pair: pair[0])
    return bodies


def demo_access_code_choice(seed: int) -> Callable[[str], str]:
    """Deterministic access codes for demo cases (never for real ones: those use secrets.choice)."""
    return random.Random(seed ^ 0xC0DE).choice


def _marks(rng: random.Random, count: int, every: int) -> frozenset[int]:
    """One position in every block of `every` (a trailing partial block may get none)."""
    return frozenset(pos for start in range(0, count, every) if (pos := start + rng.randrange(every)) < count)


def _weekday(rng: random.Random, first: date, last: date) -> date:
    while True:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        if day.weekday() < 5:
            return day


def _moment(rng: random.Random, day: date) -> datetime:
    minute = rng.randrange(WORK_START_MINUTE, WORK_END_MINUTE)
    local = datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60)), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC)


def _price(rng: random.Random, lo: int, hi: int) -> int:
    """A realistic shelf price in fen between lo and hi yuan: 39.90, 268.00, 2299.00, 12800.00."""
    if hi <= 100:
        return rng.randint(lo, hi - 1) * 100 + rng.choice((0, 50, 80, 90))
    if hi <= 3000:
        tens = rng.randint(lo, hi) // 10 * 10
        return max(lo, tens - rng.choice((0, 0, 1, 2))) * 100
    hundreds = rng.randint(lo, hi) // 100 * 100
    return max(lo, hundreds - rng.choice((0, 0, 0, 1, 20))) * 100


def _words(fen: int) -> str:
    """Yuan as a consumer writes it: 2299, 39.9."""
    text = format_yuan(fen)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _body(
    rng: random.Random,
    today: date,
    consumers: list[dict[str, str]],
    *,
    violation: bool,
    platform: bool,
    old: bool,
    wave_start: date | None,
) -> tuple[datetime, dict[str, Any]]:
    if wave_start is not None:
        received_on = _weekday(rng, wave_start, wave_start + timedelta(days=WAVE_DAYS))
        pick = _Candidate(_WAVE_MERCHANT, "training_refund", None)
    else:
        received_on = _weekday(rng, today - timedelta(days=WINDOW_DAYS), today - timedelta(days=1))
        fits = [
            c
            for c in _CANDIDATES
            if (c.platform is not None) == platform
            and (not old or SCENARIOS[c.scenario].old_issues)
            and (not violation or SCENARIOS[c.scenario].violations)
        ]
        pick = rng.choices(fits, weights=[c.merchant.weight for c in fits])[0]
    received_at = _moment(rng, received_on)
    m, sc = pick.merchant, SCENARIOS[pick.scenario]

    if old:
        purchase = received_on - timedelta(days=3 * 365 + rng.randint(30, 700))
    else:
        purchase = received_on - timedelta(days=int(sc.recent_days * rng.random() ** 1.5))
    item, lo, hi = rng.choice(sc.items)
    paid = _price(rng, lo, hi)
    requests = set(rng.choice(sc.requests))
    issue = _WAVE_ISSUE if wave_start is not None else rng.choice(sc.old_issues if old else sc.issues)

    report: str | None = None
    mode = sc.claim
    if violation:
        text, fraud, goes_with = rng.choice(sc.violations)
        report = text.format(shop=m.short, item=item)
        if goes_with and not old:
            issue = goes_with
        if fraud and mode != "food10":  # CPL art. 55(1): refund plus three times the price, at least 500 yuan
            mode = "fraud3"
            requests = {"refund", "compensate"} | ({"return"} if sc.domain == "product" else set())
    ordered = [kind for kind in REQUEST_KINDS if kind in requests]
    claim = _claim(rng, sc, mode, paid, "compensate" in requests)
    plat = _BY_NAME[PLATFORMS[pick.platform].merchant] if pick.platform else None
    description = _description(rng, sc, pick, item, purchase, paid, claim, mode, ordered, issue, old)

    reuse = consumers and rng.random() < 0.04  # someone who complained before
    consumer = dict(rng.choice(consumers)) if reuse else _consumer(rng, received_on)
    consumers.append(consumer)
    merchant = {"name": m.name, "address": m.address}
    if rng.random() < 0.9:
        merchant["uscc"] = m.uscc
    if m.phone and rng.random() < 0.8:
        merchant["phone"] = m.phone

    body: dict[str, Any] = {"consumer": consumer, "merchant": merchant}
    if plat is not None:
        body["platform"] = (
            {"name": plat.name, "uscc": plat.uscc} if rng.random() < 0.7 else {"name": plat.name}
        )
    if rng.random() < 0.9:
        body["subdistrict"] = m.subdistrict
    body |= {
        "quality_domain": sc.domain,
        "category": sc.category,
        "problem_type": sc.problem,
        "purchase_date": purchase.isoformat(),
        "amount_paid": format_yuan(paid),
        "claim_amount": format_yuan(claim),
        "requests": ordered,
        "description": description,
        "consents": {
            "mediation": rng.random() < 0.92,
            "entrusted_mediation": rng.random() < 0.3,
            "publish": rng.random() < 0.15,
        },
    }
    if report is not None:
        body["reports_violation"] = report
    body["channel"] = "web"
    return received_at, body


def _claim(rng: random.Random, sc: _Scenario, mode: str, paid: int, compensate: bool) -> int:
    if mode == "food10":  # Food Safety Law art. 148(2): ten times the price, at least 1000 yuan
        return paid + max(10 * paid, 100_000)
    if mode == "fraud3":
        return paid + max(3 * paid, 50_000)
    if mode == "fraction":  # the unused part of a prepaid service, an overcharge, a repair estimate
        return max(100, round(paid * rng.uniform(*sc.fraction) / 100) * 100)
    if mode in ("paid_plus_loss", "loss"):
        loss = rng.randint(*sc.loss) // 10 * 10 * 100
        if mode == "loss":  # the value of what the service damaged
            return loss
        return paid + loss if compensate else paid
    return paid


def _description(
    rng: random.Random,
    sc: _Scenario,
    pick: _Candidate,
    item: str,
    purchase: date,
    paid: int,
    claim: int,
    mode: str,
    requests: list[str],
    issue: str,
    old: bool,
) -> str:
    """What was bought, when and where; what went wrong; what the merchant said; what the consumer wants."""
    shop = pick.merchant.short
    if pick.platform is None:
        where = f"在{shop}"
    else:
        platform = PLATFORMS[pick.platform]
        via = _BY_NAME[platform.merchant].short
        where = {
            "online": f"通过{via}平台在“{shop}”网店",
            "mall": f"在{via}的{shop}",
            "market": f"在{via}{shop}摊位",
        }[platform.kind]
    opening = sc.opening.format(
        date=f"{purchase.year}年{purchase.month}月{purchase.day}日",
        where=where,
        shop=shop,
        item=item,
        price=_words(paid),
    )
    reply = rng.choice((*sc.replies, *_GENERIC_REPLIES, *(_OLD_REPLIES if old else ())))
    wanted = "、".join(_REQUEST_ZH[kind] for kind in requests)
    if mode == "food10":
        extra = "并按价款十倍赔偿" if 10 * paid >= 100_000 else "并按法定最低标准赔偿1000元"
        ask = f"要求商家退还{_words(paid)}元，{extra}，共计{_words(claim)}元。"
    elif mode == "fraud3":
        extra = "退一赔三" if 3 * paid >= 50_000 else "退款并按法定最低标准赔偿500元"
        ask = f"要求商家{extra}，共计{_words(claim)}元。"
    elif mode == "paid":
        ask = f"要求商家{wanted}。"
    else:
        ask = f"要求商家{wanted}，涉及金额{_words(claim)}元。"
    closing = rng.choice(_CLOSINGS)
    full = f"{opening}{issue}，{reply}。{ask}"
    # every template combination fits; the shorter forms only guard the limit against future template edits
    for text in (full + closing, full, f"{opening}{issue}。{ask}"):
        if len(text) <= DESCRIPTION_LIMITS[1]:
            return text
    return text[: DESCRIPTION_LIMITS[1]]


# ----------------------------------------------------------------------------------------------------------
# After acceptance: scenario data for the demo's lifecycle driver (service.usecases.demo_lifecycle)
# ----------------------------------------------------------------------------------------------------------
#
# The driver plays each complaint through the real use cases; these tables only say how often each way
# and ending happens and what people wrote on the way. The (code, weight) tables are dealt in proportion
# across the whole demo (`Dealer`), so even a small demo reaches every ending; the details (days, amounts,
# wording) are drawn from the case's own `random.Random`. Both depend on the seed only.

EVIDENCE_SHARE = 0.7  # web complaints that come with a photo of the receipt (proof of purchase)
# how complaints arrive: the consumer's own web form, or recorded by the clerk (a letter is recorded a
# day or three after it arrived, with the day it arrived)
CHANNELS: tuple[tuple[str, int], ...] = (("web", 14), ("phone", 4), ("counter", 1), ("letter", 1))
LETTER_DAYS = (1, 3)
# how a consumer on the web names the business: as registered, or as people say it ("恒达电器") without
# its credit code, for the registry search to rank (and, when unsure, for staff to confirm)
NAMING: tuple[tuple[str, int], ...] = (("registered", 11), ("short", 1))
# a few recent complaints wait past their acceptance deadline; a few stalled mediations past theirs
UNDECIDED: tuple[tuple[str, int], ...] = (("decided", 14), ("waiting", 1))
STALLS: tuple[tuple[str, int], ...] = (("left", 1), ("terminated", 1))
SPAM: tuple[tuple[str, int], ...] = (("genuine", 119), ("spam", 1))  # fake filings, found on reading
SPAM_REASON = "同一号码短时间内以不同姓名提交多件内容雷同的投诉，经核实为恶意投诉。"
MEDIATION_PLANS: tuple[tuple[str, int], ...] = (
    ("settle", 60),
    ("settle_after_test", 4),  # the clock stops for a product test, then the parties settle
    ("terminate_refused", 8),  # the business refuses mediation or does not turn up (art. 23 (2))
    ("terminate_no_agreement", 8),  # offers go back and forth without agreement (art. 23 (3))
    ("withdraw", 8),
    ("duplicate", 2),
    ("stall", 4),  # nobody moves: past its limit it is terminated (art. 23 (5)), or still overdue
)
ENFORCEMENT: tuple[tuple[str, int], ...] = (("referred", 35), ("mediated", 65))  # complaints with a report
FIRST_PAYMENT_PLANS: tuple[tuple[str, int], ...] = (
    ("merchant_pays", 60),
    ("deadline_missed", 28),  # → payout from the deposit → recourse → top-up
    ("merchant_refuses", 12),
)
TOP_UPS: tuple[tuple[str, int], ...] = (("on_time", 4), ("late", 1))  # late: flagged by the daily job
AWARDS: tuple[tuple[str, int], ...] = (("consumer", 5), ("partial", 3), ("merchant", 2))
PERFORMANCE: tuple[tuple[str, int], ...] = (("performed", 19), ("not_performed", 1))
RESPONSES: tuple[tuple[str, int], ...] = (("answer", 4), ("ignore", 1))  # of the surveys sent
APPEALS: tuple[tuple[str, int], ...] = (("appeal", 7), ("none", 3))  # of the scores below 60
APPEAL_DECISIONS: tuple[tuple[str, int], ...] = (("declined", 11), ("accepted", 9))

CONTACT_NOTES = {
    "consumer": (
        "电话联系消费者，核实购买时间、金额及诉求，消费者同意调解。",
        "消费者来电补充说明情况，表示希望尽快解决。",
        "电话告知消费者受理情况和调解安排，消费者表示理解。",
    ),
    "merchant": (
        "电话联系商家负责人，告知投诉内容，商家表示愿意协商。",
        "联系商家店长，商家称需请示公司后答复。",
        "上门走访商家门店，核实销售记录。",
    ),
}
SESSION_NOTES = (
    "双方到场，调解员释明相关法律规定，双方就处理方式初步交换意见。",
    "电话分别听取双方意见，商家同意在一定范围内给予补偿。",
    "视频调解，消费者展示商品问题，商家承认存在质量瑕疵。",
)
SESSION_PLACES = ("拱墅区市场监管局投诉调解室", "商家门店", "大关市场监管所调解室")
OFFER_NOTES = {
    "merchant": ("考虑到顾客体验，愿意按此方案处理。", "按公司售后政策处理。", None),
    "consumer": ("希望商家承担往返的交通费用。", "这个金额才能弥补我的损失。", None),
}
SETTLEMENT_WORDING = (
    "商家向消费者书面致歉。",
    "消费者于履行完毕后在平台撤回差评。",
    "商家承担商品退回的运费。",
)
TESTS = (
    ("浙江省产品质量安全检测研究院", "800.00"),
    ("杭州市质量技术监督检测院", "600.00"),
    ("浙江方圆检测集团股份有限公司", "1200.00"),
)
TEST_RESULTS = ("检测结果：产品不符合国家标准要求。", "检测结果：产品存在质量缺陷，与使用方式无关。")
TERMINATION_NOTES = {
    2: ("经三次电话联系，被投诉人明确表示不同意调解。", "被投诉人无正当理由两次未参加调解。"),
    3: ("双方对赔偿金额分歧较大，均表示无法达成调解协议。", "消费者坚持十倍赔偿，商家不予接受。"),
    5: ("调解期限届满，双方仍未达成调解协议。",),
}
WITHDRAW_NOTES = (
    "消费者来电称已与商家自行协商解决，申请撤回投诉。",
    "商家已主动退款，消费者撤回投诉。",
)
DUPLICATE_NOTE = "与同一消费者此前提交的投诉内容相同，并案处理。"
ENFORCEMENT_NOTE = "投诉涉及的违法线索已移交执法机构，争议随执法案件一并处理。"
MERCHANT_REFUSALS = (
    "商品已超过退换期限，不同意先行赔付。",
    "认为问题系消费者使用不当造成，拒绝赔付。",
)
FOOD_OVERRIDE_REASON = "经营者拒绝先行赔付且未缴纳保证金，转入调解。"
NO_PAYER_REASON = "本案没有可以先行赔付的经营者，转入调解。"
DEPOSIT_SHORT_REASON = "保证金余额不足以先行赔付，转入调解。"
PAYOUT_CLOSE_NOTE = "已从质量保证金中先行赔付，向经营者追偿。"
MERCHANT_PAID_NOTE = "经营者已直接向消费者赔付。"
REOPEN_AFTER_DEFAULT = "调解协议未按期履行，重新组织调解。"
APPEAL_REASONS = (
    "商家至今没有履行承诺，希望重新处理。",
    "调解过程中工作人员没有充分听取我的意见。",
    "赔偿金额太低，无法弥补我的损失。",
)
APPEAL_DECLINES = (
    "经复核，调解程序合法，处理结果符合法律规定，维持办结。",
    "经复核，双方已签字确认调解书，维持原处理结果。",
)
APPEAL_ACCEPTS = ("同意重新调解，由调解员再次联系双方。",)
REOPEN_OVERRIDE_REASON = "消费者申请重新处理，经科长同意重新组织调解。"
SURVEY_COMMENTS = (
    "处理很及时，谢谢工作人员。",
    "调解员很耐心。",
    "希望以后处理速度再快一些。",
    "结果基本满意。",
    None,
    None,
    None,
)
CLUSTER_DECISIONS = ("joint_complaint", "enforcement_referral", "joint_complaint", "no_action")
CLUSTER_NOTES = {
    "joint_complaint": "同一经营者同类问题集中，合并为共同投诉，统一约谈经营者。",
    "enforcement_referral": "涉嫌违法经营，移送执法机构立案调查。",
    "public_interest_litigation": "涉及众多消费者，建议消保委支持提起公益诉讼。",
    "no_action": "经核查为个别纠纷，逐件调解处理。",
}


class Dealer:
    """Deals the codes of a (code, weight) table in proportion, spread out (smooth weighted round robin):
    every code comes up within the first total-weight deals, so even a small demo shows each ending."""

    def __init__(self, weighted: tuple[tuple[str, int], ...]) -> None:
        self._weights = dict(weighted)
        self._credit = dict.fromkeys(self._weights, 0)
        self._total = sum(self._weights.values())

    def deal(self) -> str:
        for code, weight in self._weights.items():
            self._credit[code] += weight
        best = max(self._credit, key=self._credit.__getitem__)  # ties: the first in the table
        self._credit[best] -= self._total
        return best


# How a consumer answers the follow-up, by how the case went for them: (level, weight) per question.
_MOODS: dict[str, tuple[tuple[str, int], ...]] = {
    "pleased": (("very_satisfied", 8), ("satisfied", 2)),
    "content": (("very_satisfied", 4), ("satisfied", 5), ("neutral", 1), ("dont_know", 1)),
    "mixed": (("satisfied", 3), ("neutral", 5), ("dissatisfied", 2)),
    "unhappy": (("neutral", 2), ("dissatisfied", 5), ("very_dissatisfied", 3)),
}
# mostly 80–100 (the district's target is 90); a few below 60, who may ask for a reopen or appeal
_MOOD_BY_OUTCOME: dict[str, tuple[tuple[str, int], ...]] = {
    "settled": (("pleased", 65), ("content", 27), ("mixed", 5), ("unhappy", 3)),
    "paid_by_merchant": (("pleased", 72), ("content", 24), ("mixed", 4)),
    "paid_from_deposit": (("pleased", 75), ("content", 22), ("mixed", 3)),
    "award_for_consumer": (("pleased", 60), ("content", 35), ("mixed", 5)),
    "award_against_consumer": (("content", 20), ("mixed", 45), ("unhappy", 35)),
    "withdrawn": (("pleased", 55), ("content", 42), ("mixed", 3)),
    "terminated": (("content", 40), ("mixed", 35), ("unhappy", 25)),
    "referred_to_enforcement": (("pleased", 35), ("content", 50), ("mixed", 15)),
}
_DEFAULT_MOODS = (("pleased", 50), ("content", 40), ("mixed", 10))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    codes, weights = zip(*weighted, strict=True)
    return str(rng.choices(codes, weights=weights)[0])


def moods_for(outcome: str) -> tuple[tuple[str, int], ...]:
    """How consumers feel about an ending: a (mood, weight) table."""
    return _MOOD_BY_OUTCOME.get(outcome, _DEFAULT_MOODS)


def survey_form(rng: random.Random, mood: str) -> dict[str, str | None]:
    """A consumer's answers to the five questions (level codes of domain.satisfaction) and a comment."""
    levels = _MOODS[mood]
    form: dict[str, str | None] = {
        q: _pick(rng, levels) for q in ("timeliness", "fairness", "attitude", "outcome", "overall")
    }
    form["comment"] = rng.choice(SURVEY_COMMENTS) if mood in ("pleased", "content") else None
    return form


def receipt_png(rng: random.Random) -> bytes:
    """A small grey PNG standing in for a photographed receipt: a real image, a few hundred bytes."""
    width, height = 48, 64
    paper, ink = b"\xeb" * width, b"\x3c"
    rows = []
    for y in range(height):
        line = paper
        if y % 6 in (2, 3) and 4 <= y < height - 4:  # a printed line of some length
            length = rng.randint(20, 36)
            line = paper[:6] + ink * length + paper[6 + length :]
        rows.append(b"\x00" + line)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + (zlib.crc32(body) & 0xFFFFFFFF).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 0, 0, 0, 0))  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
