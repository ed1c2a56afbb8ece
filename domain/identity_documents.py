"""Identity documents a consumer may give, each with its own format check (issue 16).

The number is optional (staff use it to verify identity, Order 121 art. 16(6)). A number given without a
type is a 居民身份证, as before types existed. Residents of Hong Kong, Macau and Taiwan and foreigners
living in China have documents of their own; a foreign visitor gives a passport.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from domain.identifiers import id_check_char, valid_id_number

NUMBER_MAX = 20  # the longest number of any type (a passport)


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAU_PERMIT = "hk_macau_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"


@dataclass(frozen=True, slots=True)
class IdDocument:
    label: tuple[str, str]  # Chinese, English
    valid: Callable[[str], bool]  # over the normalised number (upper case, no spaces)
    error: tuple[str, str, str]  # code, Chinese, English: the FieldError of consumer.id_number


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda number: compiled.fullmatch(number) is not None


_FOREIGN_BEFORE_2023 = re.compile(r"[A-Z]{3}\d{12}")  # nationality (3 Latin letters), then 12 digits


def _foreign_permanent_resident(number: str) -> bool:
    """The older cards' 15 characters, or since 2023-12-01 18: a "9" (resident ID numbers start with 1–8),
    16 digits, then the resident ID's check character (GB 11643, MOD 11-2)."""
    if _FOREIGN_BEFORE_2023.fullmatch(number):
        return True
    first17 = number[:17]
    if len(number) != 18 or not number.startswith("9") or not (first17.isascii() and first17.isdigit()):
        return False
    return id_check_char(first17) == number[17]


ID_DOCUMENTS: dict[IdType, IdDocument] = {
    IdType.RESIDENT_ID: IdDocument(
        ("居民身份证", "Resident ID card"),
        valid_id_number,
        ("invalid_id_number", "身份证号码不正确", "Not a valid resident ID number"),
    ),
    IdType.PASSPORT: IdDocument(
        ("护照", "Passport"),
        _pattern(r"[A-Z0-9]{5,20}"),
        (
            "invalid_passport",
            "护照号码应为5至20位字母或数字",
            "A passport number has 5 to 20 letters or digits",
        ),
    ),
    # since 2013 (the card): H for Hong Kong, M for Macau, then 8 digits (10 on some re-issued cards)
    IdType.HK_MACAU_PERMIT: IdDocument(
        ("港澳居民来往内地通行证", "Mainland Travel Permit for Hong Kong and Macao Residents"),
        _pattern(r"[HM]\d{8}(?:\d{2})?"),
        (
            "invalid_hk_macau_permit",
            "港澳居民来往内地通行证号码应为H或M加8位或10位数字",
            "H or M followed by 8 or 10 digits",
        ),
    ),
    # since 2015 (the card): 8 digits, kept for life; the booklets before it have all expired
    IdType.TAIWAN_PERMIT: IdDocument(
        ("台湾居民来往大陆通行证", "Mainland Travel Permit for Taiwan Residents"),
        _pattern(r"\d{8}"),
        ("invalid_taiwan_permit", "台湾居民来往大陆通行证号码应为8位数字", "8 digits"),
    ),
    IdType.FOREIGN_PERMANENT_RESIDENT: IdDocument(
        ("外国人永久居留身份证", "Foreign Permanent Resident ID Card"),
        _foreign_permanent_resident,
        (
            "invalid_foreign_permanent_resident",
            "外国人永久居留身份证号码不正确：15位（3个字母加12位数字）或以9开头的18位",
            "15 characters (3 letters and 12 digits), or 18 starting with 9 with a valid check character",
        ),
    ),
}

ID_TYPE_LABELS: dict[IdType, tuple[str, str]] = {kind: doc.label for kind, doc in ID_DOCUMENTS.items()}


def normalize_number(raw: str) -> str:
    """Full-width letters and digits made plain, spaces dropped, letters upper-case ("x" → "X")."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()


def number_problem(kind: IdType, number: str) -> tuple[str, str, str] | None:
    """Why a normalised number is not one of `kind` (code, Chinese, English), or None."""
    document = ID_DOCUMENTS[kind]
    return None if document.valid(number) else document.error
