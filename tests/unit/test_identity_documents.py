"""Identity documents by type (issue 16): each type's own format (intake's reading of a number with or
without its type is in test_intake_rules)."""

from __future__ import annotations

import pytest

from domain.identifiers import id_check_char
from domain.identity_documents import ID_DOCUMENTS, ID_TYPE_LABELS, IdType, normalize_number, number_problem

FOREIGN_2023 = "93301560019900101" + id_check_char("93301560019900101")  # "9" + 16 digits + check


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (IdType.RESIDENT_ID, "11010519491231002X"),
        (IdType.RESIDENT_ID, "440308199901011234"),
        (IdType.PASSPORT, "E12345678"),  # a Chinese passport
        (IdType.PASSPORT, "C01X00T47"),  # a German one
        (IdType.PASSPORT, "123456789"),  # a British one: digits only
        (IdType.PASSPORT, "AB123"),  # 5, the shortest
        (IdType.PASSPORT, "A" * 20),  # 20, the longest
        (IdType.HK_MACAU_PERMIT, "H12345678"),
        (IdType.HK_MACAU_PERMIT, "M12345678"),
        (IdType.HK_MACAU_PERMIT, "H1234567801"),  # 10 digits
        (IdType.TAIWAN_PERMIT, "12345678"),
        (IdType.FOREIGN_PERMANENT_RESIDENT, "USA330060123456"),  # before 2023: 3 letters + 12 digits
        (IdType.FOREIGN_PERMANENT_RESIDENT, FOREIGN_2023),
    ],
)
def test_valid_numbers(kind: IdType, number: str) -> None:
    assert number_problem(kind, number) is None


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (IdType.RESIDENT_ID, "110105194912310021"),  # wrong check character
        (IdType.RESIDENT_ID, "E12345678"),  # a passport number given as a resident ID
        (IdType.PASSPORT, "AB12"),  # 4
        (IdType.PASSPORT, "A" * 21),  # 21
        (IdType.PASSPORT, "E1234-5678"),  # only letters and digits
        (IdType.HK_MACAU_PERMIT, "12345678"),  # no H or M
        (IdType.HK_MACAU_PERMIT, "K12345678"),
        (IdType.HK_MACAU_PERMIT, "H1234567"),  # 7 digits
        (IdType.HK_MACAU_PERMIT, "H123456789"),  # 9 digits
        (IdType.TAIWAN_PERMIT, "1234567"),
        (IdType.TAIWAN_PERMIT, "123456789"),
        (IdType.TAIWAN_PERMIT, "T1234567"),
        (IdType.FOREIGN_PERMANENT_RESIDENT, "US330060123456"),  # 2 letters
        (IdType.FOREIGN_PERMANENT_RESIDENT, "USA33006012345"),  # 11 digits
        (IdType.FOREIGN_PERMANENT_RESIDENT, FOREIGN_2023[:-1] + ("1" if FOREIGN_2023[-1] != "1" else "2")),
        (IdType.FOREIGN_PERMANENT_RESIDENT, "11010519491231002X"),  # a resident ID: starts with 1–8
    ],
)
def test_invalid_numbers_name_their_type(kind: IdType, number: str) -> None:
    problem = number_problem(kind, number)
    assert problem == ID_DOCUMENTS[kind].error
    code, zh, en = problem
    assert code.startswith("invalid_") and zh and en


def test_every_type_has_its_own_error_code_and_both_labels() -> None:
    codes = [doc.error[0] for doc in ID_DOCUMENTS.values()]
    assert len(set(codes)) == len(IdType) == len(codes)
    assert all(zh and en for zh, en in ID_TYPE_LABELS.values())


def test_numbers_are_normalised_before_the_check() -> None:
    assert normalize_number(" e1234 5678 ") == "E12345678"
    assert normalize_number("ｈ１２３４５６７８") == "H12345678"  # full-width from a phone keyboard
    assert normalize_number("11010519491231002x") == "11010519491231002X"
