"""The merchant registry on a real PostgreSQL: the CSV import (all or nothing), linking a complaint's
merchant to the registry, and the deposit balance read from the ledger."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from service.cli.merchants import cmd_merchants_import
from service.queries import merchants as merchant_files
from service.settings import Settings
from service.usecases import merchants
from service.usecases.merchant_commands import RegisterMerchant
from tests.support.databases import Databases
from tests.support.factories import fresh_uscc

HEADER = "name,uscc,address,subdistrict,kind,parent_uscc,contact_name,contact_phone,contact_email,ends_on"


async def run_import(
    settings: Settings, path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Run the command as the CLI does (it runs its own event loop, so in a thread)."""
    code = 0
    try:
        await asyncio.to_thread(cmd_merchants_import, settings, argparse.Namespace(file=str(path)))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


async def count_usccs(pool: asyncpg.Pool, usccs: list[str]) -> int:
    found: int = await pool.fetchval("SELECT count(*) FROM merchants WHERE uscc = any($1::text[])", usccs)
    return found


def write(path: Path, lines: list[str], *, bom: bool = False) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


# --- the import -----------------------------------------------------------------------------------


async def test_a_good_file_imports_every_row_with_parents_from_the_file(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    market, shop, fair = fresh_uscc(), fresh_uscc(), fresh_uscc()
    path = write(
        tmp_path / "merchants.csv",
        [
            HEADER,
            f"杭州某某商城,{market},杭州市拱墅区莫干山路1号,hushu,market,,王经理,0571-87654321,mall@example.cn,",
            f'"杭州某某电器店（商城店）",{shop},"杭州市拱墅区莫干山路1号, 2楼",'
            f"hushu,shop,{market},,13812345678,,",
            "",
            f"2026拱墅年货展销会,{fair},杭州市拱墅区和睦路9号,,exhibition,,,,,2027-01-20",
            "没有代码的小店,,杭州市拱墅区大关路3号,,,,,,,",
        ],
    )
    code, out, err = await run_import(settings, path, capsys)
    assert (code, out.strip(), err) == (0, "imported 4 merchants", "")
    rows = await pool.fetch(
        "SELECT m.uscc, m.kind, m.verified, p.uscc AS parent FROM merchants m "
        "LEFT JOIN merchants p ON p.id = m.parent_id WHERE m.uscc = any($1::text[])",
        [market, shop, fair],
    )
    got = {r["uscc"]: (r["kind"], r["verified"], r["parent"]) for r in rows}
    assert got == {
        market: ("market", True, None),
        shop: ("shop", True, market),
        fair: ("exhibition", True, None),
    }
    assert await pool.fetchval("SELECT count(*) FROM merchants WHERE name = '没有代码的小店'") >= 1


async def test_one_bad_row_imports_nothing_and_names_its_line(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = fresh_uscc(), fresh_uscc()
    path = write(
        tmp_path / "one-bad.csv",
        [
            HEADER,
            f"杭州好店,{good},杭州市拱墅区湖墅南路1号,,,,,,,",
            f"杭州坏店,{bad[:17]}{'0' if bad[17] != '0' else '1'},杭州市拱墅区湖墅南路2号,,,,,12345,,",
        ],
    )
    code, out, err = await run_import(settings, path, capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("line 3: uscc: 统一社会信用代码校验不通过")
    assert lines[1].startswith("line 3: contact_phone: ")
    assert lines[-1].startswith("disputes: nothing imported: 2 problem(s)")
    assert await count_usccs(pool, [good]) == 0


async def test_a_file_with_a_bom_imports(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code_ = fresh_uscc()
    path = write(
        tmp_path / "excel.csv", [HEADER, f"杭州带BOM的店,{code_},杭州市拱墅区上塘路5号,,,,,,,"], bom=True
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, _ = await run_import(settings, path, capsys)
    assert (code, out.strip()) == (0, "imported 1 merchants")
    assert await count_usccs(pool, [code_]) == 1


async def test_a_parent_may_be_an_already_registered_platform(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    platform_uscc, shop_uscc = fresh_uscc(), fresh_uscc()
    platform = await merchants.create_merchant(
        pool,
        RegisterMerchant(
            name="某某电商平台", uscc=platform_uscc, address="杭州市拱墅区祥符路8号", kind="platform"
        ),
    )
    path = write(
        tmp_path / "shops.csv",
        [HEADER, f"平台上的店,{shop_uscc},杭州市拱墅区祥符路8号,,,{platform_uscc},,,,"],
    )
    code, _, err = await run_import(settings, path, capsys)
    assert code == 0, err
    parent = await pool.fetchval("SELECT parent_id FROM merchants WHERE uscc = $1", shop_uscc)
    assert parent == platform.merchant.id


async def test_duplicate_usccs_are_refused_in_the_file_and_against_the_registry(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registered, twice, fresh = fresh_uscc(), fresh_uscc(), fresh_uscc()
    await merchants.create_merchant(
        pool, RegisterMerchant(name="已登记的店", uscc=registered, address="杭州市拱墅区文晖路1号")
    )
    path = write(
        tmp_path / "dupes.csv",
        [
            HEADER,
            f"新店,{fresh},杭州市拱墅区文晖路2号,,,,,,,",
            f"已登记的店,{registered},杭州市拱墅区文晖路1号,,,,,,,",
            f"甲店,{twice},杭州市拱墅区文晖路3号,,,,,,,",
            f"乙店,{twice},杭州市拱墅区文晖路4号,,,,,,,",
        ],
    )
    code, _, err = await run_import(settings, path, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == "line 3: uscc: 该统一社会信用代码已登记 / This code is already registered"
    assert lines[1] == "line 5: uscc: 与第4行的统一社会信用代码重复 / The same code as line 4"
    assert await count_usccs(pool, [fresh, twice]) == 0


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["name,address"], "missing column(s): uscc, subdistrict"),
        ([], "the file is empty"),
    ],
)
async def test_a_wrong_header_is_one_line(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str], expected: str
) -> None:
    path = tmp_path / "header.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = await run_import(settings, path, capsys)
    assert code == 2
    assert err.startswith("disputes: cannot import") and expected in err
    assert len(err.strip().splitlines()) == 1


async def test_a_file_that_is_not_utf8_is_one_line(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "\n杭州某店,,杭州市拱墅区某路1号,,,,,,,\n").encode("gbk"))
    code, _, err = await run_import(settings, path, capsys)
    assert code == 2 and "not UTF-8" in err


# --- linking a complaint's merchant ---------------------------------------------------------------


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection in a transaction that is rolled back at the end."""
    async with pool.acquire() as c:
        tr = c.transaction()
        await tr.start()
        try:
            yield c
        finally:
            await tr.rollback()


async def test_a_complaint_finds_its_merchant_by_uscc(conn: asyncpg.Connection) -> None:
    code = fresh_uscc()
    known = await conn.fetchval(
        "INSERT INTO merchants (name, uscc, address) VALUES ('登记名称', $1, '登记地址很长') RETURNING id",
        code,
    )
    found = await merchants.find_or_create_for_complaint(conn, "消费者写的名称", "消费者写的地址", code)
    assert found == (known, "uscc")


async def test_a_complaint_finds_its_merchant_by_name_and_address(conn: asyncpg.Connection) -> None:
    known = await conn.fetchval(
        "INSERT INTO merchants (name, address) "
        "VALUES ('杭州某某（湖墅店）', '拱墅区 湖墅南路 88 号') RETURNING id"
    )
    # full-width brackets and digits, spaces and case do not matter; a USCC the registry lacks is no obstacle
    found = await merchants.find_or_create_for_complaint(
        conn, "杭州某某(湖墅店)", "拱墅区湖墅南路８８号", fresh_uscc()
    )
    assert found == (known, "name_address")


async def test_a_merchant_under_another_uscc_is_not_matched_by_name(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "INSERT INTO merchants (name, uscc, address) VALUES ('同名同址的店', $1, '拱墅区大关路1号')",
        fresh_uscc(),
    )
    mine = fresh_uscc()
    merchant_id, how = await merchants.find_or_create_for_complaint(
        conn, "同名同址的店", "拱墅区大关路1号", mine
    )
    assert how == "created"
    assert await conn.fetchval("SELECT uscc FROM merchants WHERE id = $1", merchant_id) == mine


async def test_an_unknown_merchant_is_created_unverified_once(conn: asyncpg.Connection) -> None:
    first = await merchants.find_or_create_for_complaint(
        conn, "从未登记的店", "杭州市拱墅区半山路7号", None, subdistrict="banshan", phone="13900001111"
    )
    again = await merchants.find_or_create_for_complaint(conn, "从未登记的店", "杭州市拱墅区半山路7号", None)
    assert first[1] == "created" and again == (first[0], "name_address")
    row = await conn.fetchrow(
        "SELECT kind, verified, subdistrict, contact_phone FROM merchants WHERE id = $1", first[0]
    )
    assert dict(row) == {
        "kind": "shop",
        "verified": False,
        "subdistrict": "banshan",
        "contact_phone": "13900001111",
    }


async def test_two_complaints_against_one_new_merchant_link_to_one(pool: asyncpg.Pool) -> None:
    name, address = f"并发测试店{fresh_uscc()[-6:]}", "杭州市拱墅区石桥路100号"

    async def link() -> tuple[int, str]:
        async with pool.acquire() as c, c.transaction():
            found = await merchants.find_or_create_for_complaint(c, name, address, None)
            await asyncio.sleep(0.05)  # hold the lock a moment, as the routing job would
            return found

    results = await asyncio.gather(link(), link())
    assert results[0][0] == results[1][0]
    assert sorted(how for _, how in results) == ["created", "name_address"]


# --- the deposit balance and the top-up flag ------------------------------------------------------


async def test_the_file_shows_the_deposit_balance_from_the_ledger(pool: asyncpg.Pool) -> None:
    f = await merchants.create_merchant(
        pool, RegisterMerchant(name="有保证金的商城", address="杭州市拱墅区长庆街1号", kind="market")
    )
    assert f.merchant.deposit_balance_fen == 0 and f.merchant.topup_overdue_since is None
    m = f.merchant.id
    async with pool.acquire() as c, c.transaction():
        deposit = await c.fetchval(
            "INSERT INTO ledger_accounts (kind, merchant_id) VALUES ('deposit', $1) RETURNING id", m
        )
        funding = await c.fetchval(
            "INSERT INTO ledger_accounts (kind, merchant_id) VALUES ('funding', $1) RETURNING id", m
        )
        for amount in (500_000, 250_050):
            tx = await c.fetchval(
                "INSERT INTO ledger_transactions (kind, merchant_id, actor) "
                "VALUES ('top_up', $1, 'test') RETURNING id",
                m,
            )
            await c.executemany(
                "INSERT INTO ledger_postings (transaction_id, account_id, amount_fen) VALUES ($1, $2, $3)",
                [(tx, funding, -amount), (tx, deposit, amount)],
            )
        await c.execute("UPDATE merchants SET topup_overdue_since = now() WHERE id = $1", m)
    again = await merchant_files.merchant_file(pool, m)
    assert again.merchant.deposit_balance_fen == 750_050
    assert again.merchant.topup_overdue_since is not None


async def test_the_import_command(databases: Databases, server_urls: tuple[str, str], tmp_path: Path) -> None:
    from tests.support.cli import run_cli

    url = await databases.create(migrated=True)
    good = tmp_path / "merchants.csv"
    good.write_text(
        "name,uscc,address,subdistrict,kind,parent_uscc,contact_name,contact_phone,contact_email,ends_on\n"
        "拱墅区命令行测试商店,,杭州市拱墅区湖墅南路1号,hushu,shop,,,,,\n",
        encoding="utf-8",
    )
    done = run_cli("merchants", "import", str(good), DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert done.returncode == 0, done.stderr
    assert "imported 1 merchants" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8") + "X,,短,,spaceship,,,,,\n", encoding="utf-8")
    failed = run_cli("merchants", "import", str(bad), DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert failed.returncode == 2
    assert "line 3" in failed.stderr and "nothing imported" in failed.stderr
