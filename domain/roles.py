"""Staff roles and what each may do (DESIGN §1). One user may hold several roles."""

from __future__ import annotations

from enum import StrEnum

from domain.labels import Labelled


class Role(Labelled):
    CLERK = "clerk", "登记员", "Intake clerk"
    MEDIATOR = "mediator", "调解员", "Mediator"
    SUPERVISOR = "supervisor", "科长", "Supervisor"
    LEADING_GROUP = "leading_group", "领导小组办公室", "Leading-group office"
    ADMIN = "admin", "系统管理员", "Administrator"


ROLE_LABELS: dict[Role, tuple[str, str]] = Role.labels()


class Permission(StrEnum):
    CASE_VIEW = "case.view"  # the queue, a case with its parties and evidence
    CASE_RECORD = "case.record"  # record a complaint received by phone, letter or at the counter
    CASE_DECIDE = "case.decide"  # accept or reject
    CASE_PAUSE = "case.pause"  # stop and restart the clock
    STATS_VIEW = "stats.view"  # statistics only: never a case
    USERS_MANAGE = "users.manage"
    CALENDAR_MANAGE = "calendar.manage"
    MERCHANTS_VIEW = "merchants.view"  # the registry, commitments, deposits
    MERCHANTS_MANAGE = "merchants.manage"  # add and edit merchants, commitments, agreements; import
    DEPOSIT_MANAGE = "deposit.manage"  # record top-ups and recoveries
    PAYOUT_APPROVE = "payout.approve"  # pay a consumer from a guarantee deposit
    ROUTE_OVERRIDE = "route.override"  # change a case's route, with a reason
    MERCHANT_LINK = "merchant.link"  # confirm or correct which registry merchant a case is against
    CASE_WORK = "case.work"  # record testing, arbitration referrals and awards, merchant answers by phone
    CLUSTERS_DECIDE = "clusters.decide"
    PRODUCT_SIGNALS = "product_signals"  # see product risk signals and act on them (spot check, recall)
    QUEUE_MANAGE = "queue.manage"  # reassign cases, queue membership
    RETURNS_PRODUCE = "returns.produce"  # produce or restate a monthly return (the scheduled job does too)
    TYPICAL_CASES = (
        "report.typical_cases"  # choose and write the annual report's typical cases from case files
    )


# leading_group sees statistics only, never a case; the administrator runs the system, not cases.
GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.CASE_VIEW: frozenset({Role.CLERK, Role.MEDIATOR, Role.SUPERVISOR}),
    Permission.CASE_RECORD: frozenset({Role.CLERK, Role.SUPERVISOR}),
    Permission.CASE_DECIDE: frozenset({Role.SUPERVISOR}),
    Permission.CASE_PAUSE: frozenset({Role.MEDIATOR, Role.SUPERVISOR}),
    Permission.STATS_VIEW: frozenset({Role.LEADING_GROUP, Role.SUPERVISOR}),
    Permission.USERS_MANAGE: frozenset({Role.ADMIN}),
    Permission.CALENDAR_MANAGE: frozenset({Role.ADMIN}),
    Permission.MERCHANTS_VIEW: frozenset({Role.CLERK, Role.MEDIATOR, Role.SUPERVISOR, Role.ADMIN}),
    Permission.MERCHANTS_MANAGE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Permission.DEPOSIT_MANAGE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Permission.PAYOUT_APPROVE: frozenset({Role.SUPERVISOR}),
    Permission.ROUTE_OVERRIDE: frozenset({Role.SUPERVISOR}),
    Permission.MERCHANT_LINK: frozenset({Role.CLERK, Role.SUPERVISOR}),
    Permission.CASE_WORK: frozenset({Role.MEDIATOR, Role.SUPERVISOR}),
    Permission.CLUSTERS_DECIDE: frozenset({Role.SUPERVISOR}),
    Permission.PRODUCT_SIGNALS: frozenset({Role.SUPERVISOR}),
    Permission.QUEUE_MANAGE: frozenset({Role.SUPERVISOR}),
    # the leading group reads returns and indicators; producing one is for the section, or the system's keeper
    Permission.RETURNS_PRODUCE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # typical cases are read from case files (the leading group reads the report, never a case)
    Permission.TYPICAL_CASES: frozenset({Role.SUPERVISOR}),
}


def can(roles: frozenset[Role] | set[Role] | tuple[Role, ...], permission: Permission) -> bool:
    return bool(GRANTS[permission] & set(roles))


# Roles that may act on any case whoever holds it (they also assign and reassign cases).
CASE_OVERSEERS: frozenset[Role] = frozenset({Role.SUPERVISOR})


def case_holder_refusal(
    actor_id: int, roles: frozenset[Role] | set[Role], *, assigned_to: int | None, claimable: bool
) -> str | None:
    """Why this user may not act on this case now, or None: the one ownership rule of every case action.

    A supervisor may act on any case. An assigned case is its mediator's alone ("held_by_other"); an
    unassigned case waiting in a queue (`claimable`: in mediation) is claimed first ("claim_first"). A case
    at a stage no one holds (registered, first payment) is open to every role the action allows.
    """
    if CASE_OVERSEERS & set(roles):
        return None
    if assigned_to is None:
        return "claim_first" if claimable else None
    return None if assigned_to == actor_id else "held_by_other"


def parse_roles(names: list[str] | tuple[str, ...]) -> frozenset[Role]:
    """Raise ValueError naming the first unknown role."""
    roles = set()
    for name in names:
        try:
            roles.add(Role(name))
        except ValueError:
            raise ValueError(
                f"unknown role {name!r}; roles are: {', '.join(r.value for r in Role)}"
            ) from None
    if not roles:
        raise ValueError("at least one role is required")
    return frozenset(roles)
