from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.identifiers import (
    USCC_CHARS,
    id_check_char,
    is_mainland_mobile,
    mask_name,
    mask_phone,
    normalize_phone,
    normalize_uscc,
    phone_region,
    uscc_check_char,
    valid_id_number,
    valid_uscc,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a phone keyboard
        ("19912345678", "19912345678"),
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("(0571)87654321", "0571-87654321"),
        ("0571 8765 4321", "0571-87654321"),
        ("0571-87654321-123", "0571-87654321-123"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("020-3765432", "020-3765432"),  # 7-digit local number
        ("0571-8765432", "0571-8765432"),
        ("+86 571 8765 4321", "0571-87654321"),  # a mainland landline written the international way
        ("0086 10 6234 5678", "010-62345678"),
        # numbers abroad (Hong Kong, Macau and Taiwan included) are stored in E.164
        ("+49 170 1234567", "+491701234567"),
        ("0049 170 1234567", "+491701234567"),
        ("+44 7911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+44 20 7946 0958", "+442079460958"),  # a London landline
        ("+1 415 555 0100", "+14155550100"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+852 9123 4567", "+85291234567"),
        ("+853 6612 3456", "+85366123456"),
        ("+886 912 345 678", "+886912345678"),
        ("＋４９ １７０ １２３４５６７", "+491701234567"),  # full-width, from a phone keyboard
    ],
)
def test_valid_phones(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1381234567",  # too short
        "138123456789",  # 12 digits
        "12345678901",  # no mobile prefix 12
        "10812345678",
        "1381234abcd",
        "phone",
        "0571-07654321",  # local numbers never start with 0
        "0571-876543",  # 6-digit local number
        "0571-876543210",  # 9-digit local number
        "(0571-87654321",
        "571-87654321",  # area code without the leading 0
        "0571-87654321-",
        "+49 170",  # too short for Germany
        "+44 1234",
        "+86 138 1234 567",  # a mainland mobile one digit short, written the international way
        "+853 2812 3456",  # not in Macau's plan
        "+1-800-FLOWERS",  # letters are no consumer's own number
        "+999 1234 5678",  # no such country code
        "+491701234567 ext. 12",
        "49 170 1234567",  # abroad needs + or 00
    ],
)
def test_invalid_phones(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_uscc_known_good() -> None:
    assert valid_uscc("91350100M000100Y43")  # the GB 32100-2015 example


def test_uscc_generated_codes_validate() -> None:
    for first17 in ("91330106MA2B0X1Q4", "11330100002482053", "52330105MJ9000000", "Y1330105000000000"):
        code = first17 + uscc_check_char(first17)
        assert valid_uscc(code), code


def test_often_quoted_code_has_wrong_check_char() -> None:
    # "91330106MA2B0X1Q4P" circulates as an example, but its check character computes to 8.
    assert uscc_check_char("91330106MA2B0X1Q4") == "8"
    assert not valid_uscc("91330106MA2B0X1Q4P")
    assert valid_uscc("91330106MA2B0X1Q48")


def test_uscc_every_wrong_check_char_fails() -> None:
    first17 = "91350100M000100Y4"
    wrong = [c for c in USCC_CHARS if c != uscc_check_char(first17)]
    assert len(wrong) == 30
    assert not any(valid_uscc(first17 + c) for c in wrong)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "",
        "91350100I000100Y43",  # I, O, Z, S, V are not in the set
        "91350100O000100Y43",
        "91350100Z000100Y43",
        "91350100S000100Y43",
        "91350100V000100Y43",
        "91350100m000100Y43",  # lower case: normalise first
    ],
)
def test_invalid_uscc(code: str) -> None:
    assert not valid_uscc(code)


def test_normalize_uscc() -> None:
    assert normalize_uscc(" 91350100m000 100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize("first17", ["9135010OM000100Y4", "1234", "91350100M000100Y43"])
def test_uscc_check_char_refuses_bad_input(first17: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(first17)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("11010519491231002X", True),  # the GB 11643 example, check X
        ("440308199901011234", True),
        ("110105194912310021", False),  # wrong check character
        ("11010519491231002x", False),  # lower-case x: upper-case first
        ("11010519491231002", False),
        ("1101051949123100200", False),
        ("11010519491231A02X", False),
        ("", False),
    ],
)
def test_id_numbers(code: str, valid: bool) -> None:
    assert valid_id_number(code) is valid


@pytest.mark.parametrize("birth", ["19990230", "19991301", "20230229", "19990000"])
def test_id_number_with_impossible_birth_date_fails_despite_check(birth: str) -> None:
    first17 = f"330105{birth}123"
    assert not valid_id_number(first17 + id_check_char(first17))


def test_id_number_on_leap_day() -> None:
    first17 = "33010520000229123"
    assert valid_id_number(first17 + id_check_char(first17))


@pytest.mark.parametrize(
    ("mask", "shown", "masked"),
    [
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "0571-87654321", "0571-****4321"),
        (mask_phone, "0571-87654321-123", "0571-****4321"),
        (mask_phone, "020-3765432", "020-***5432"),
        (mask_phone, "+491701234567", "+49 ******4567"),
        (mask_phone, "+85291234567", "+852 ****4567"),
        (mask_phone, "+14155550100", "+1 ******0100"),
        (mask_phone, "+12", "***"),  # never raises, even on what is not a stored number
        (mask_name, "张三", "张*"),
        (mask_name, "张小明", "张**"),
        (mask_name, "欧阳娜娜", "欧阳**"),
        (mask_name, "欧阳修", "欧阳*"),
        (mask_name, "欧阳", "欧*"),
        (mask_name, "王", "*"),
        (mask_name, "", ""),
    ],
)
def test_mask_phone_and_name(mask: Callable[[str], str], shown: str, masked: str) -> None:
    assert mask(shown) == masked


@pytest.mark.parametrize(
    ("phone", "region", "mainland_mobile"),
    [
        ("13812345678", "CN", True),
        ("0571-87654321", "CN", False),
        ("0571-87654321-123", "CN", False),
        ("+491701234567", "DE", False),
        ("+442079460958", "GB", False),
        ("+14155550100", "US", False),
        ("+85291234567", "HK", False),
        ("+85366123456", "MO", False),
        ("+886912345678", "TW", False),
    ],
)
def test_phone_region_and_mainland_mobile(phone: str, region: str, mainland_mobile: bool) -> None:
    """What the SMS channel asks of a stored number: only mainland mobiles get text messages."""
    assert normalize_phone(phone) == phone  # stored numbers are normalised already
    assert phone_region(phone) == region
    assert is_mainland_mobile(phone) is mainland_mobile
