"""Phone numbers, unified social credit codes and resident ID numbers: validation, normalisation, masking.

Phones are stored normalised: a mainland mobile as its 11 digits, a mainland landline as "0571-87654321",
any other number (Hong Kong, Macau and Taiwan included) in E.164, "+491701234567". The international
numbering plans come from `phonenumbers` (pure data, no I/O: the one library the domain reads).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers

# Mobile: 1[3-9] + 9 digits, optionally behind the country code.
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# Landline: Beijing (010) and the 02x cities have 3-digit area codes, every other area code has 4 digits,
# which is what makes "057187654321" unambiguous. Local numbers never start with 0 or 1.
_AREA = r"010|02\d|0[3-9]\d\d"
_MAINLAND_CODE = 86
_LANDLINE = re.compile(
    rf"(?:\((?P<paren>{_AREA})\)|(?P<area>{_AREA}))-?(?P<number>[2-9]\d{{6,7}})(?:-(?P<ext>\d{{1,6}}))?"
)

# GB 32100-2015: 31 characters, no I, O, Z, S or V.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11643-1999.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_COMPOUND_SURNAMES_TEXT = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 端木 独孤 南宫 西门 "
    "百里 呼延 澹台 公冶 太史 申屠 闻人 钟离 濮阳 赫连 万俟 完颜 拓跋 第五"
)
_COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())


def normalize_phone(raw: str) -> str | None:
    """Normalise a mainland mobile or landline number, or an international one; None when it is none.

    "+86 138-1234-5678" → "13812345678", "(0571)87654321" → "0571-87654321",
    "+49 170 1234567" and "0049 170 1234567" → "+491701234567".
    """
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw))  # full-width digits and stray spaces
    return _mainland(text) or _international(text)


def _mainland(text: str) -> str | None:
    mobile = _MOBILE.fullmatch(text.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(text)
    if not landline:
        return None
    phone = f"{landline['paren'] or landline['area']}-{landline['number']}"
    return f"{phone}-{landline['ext']}" if landline["ext"] else phone


# What an international number is written with: "+" (or "00") then digits, dashes, dots and brackets; the
# library would also take letters ("1-800-FLOWERS") and extensions, which a consumer's own number has not.
_INTERNATIONAL = re.compile(r"(?:\+|00)(?P<rest>[\d().-]{4,24})")


def _international(text: str) -> str | None:
    """E.164 for a number its country's numbering plan allows; a +86 number as a mainland one."""
    written = _INTERNATIONAL.fullmatch(text)
    if not written:
        return None
    try:
        number = phonenumbers.parse("+" + written["rest"], None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.country_code == _MAINLAND_CODE:  # a landline written "+86 571 8765 4321"
        return _mainland(f"0{number.national_number}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_region(phone: str) -> str:
    """Where a normalised number belongs: "CN" for the mainland, else its region ("HK", "DE", "GB" …;
    "ZZ" for a number of no region, such as a satellite phone)."""
    if not phone.startswith("+"):
        return "CN"
    return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None)) or "ZZ"


def is_mainland_mobile(phone: str) -> bool:
    """Whether a normalised number is a mainland mobile, the only kind the SMS gateway reaches."""
    return len(phone) == 11 and phone.isdigit() and phone.startswith("1")


def normalize_uscc(raw: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()


def uscc_check_char(first17: str) -> str:
    if len(first17) != 17 or any(c not in USCC_CHARS for c in first17):
        raise ValueError(f"expected 17 characters from {USCC_CHARS!r}, got {first17!r}")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def valid_uscc(code: str) -> bool:
    """18 characters of the GB 32100 set whose last one is the check character of the first 17."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def id_check_char(first17: str) -> str:
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def valid_id_number(code: str) -> bool:
    """18-character resident ID: 17 digits with a real birth date, then the check character (upper-case X)."""
    if len(code) != 18 or not code[:17].isascii() or not code[:17].isdigit():
        return False
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return id_check_char(code[:17]) == code[17]


def mask_phone(phone: str) -> str:
    """Mobile "13812345678" → "138****5678"; landline "0571-87654321" → "0571-****4321" (no extension);
    international "+491701234567" → "+49 ******4567" (the country code kept)."""
    if is_mainland_mobile(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    if phone.startswith("+"):
        try:
            country = str(phonenumbers.parse(phone, None).country_code)
        except phonenumbers.NumberParseException:  # not a stored number: hide all but its end
            return _keep_last4(phone)
        return f"+{country} {_keep_last4(phone[1 + len(country) :])}"
    parts = phone.split("-")
    if len(parts) >= 2:
        return f"{parts[0]}-{_keep_last4(parts[1])}"
    return _keep_last4(phone)


def mask_name(name: str) -> str:
    """Keep the surname only: "张三" → "张*", "欧阳娜娜" → "欧阳**"."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    # A two-character name starting with a compound surname is surname 欧 + given name 阳, not 欧阳 alone.
    kept = 2 if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else 1
    return name[:kept] + "*" * (len(name) - kept)


def _keep_last4(digits: str) -> str:
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]
