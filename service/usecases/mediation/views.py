"""What each mediation action answers (the API returns these as they are)."""

from __future__ import annotations

from datetime import date

import msgspec

from domain.events import EventKind


class MediationEntry(msgspec.Struct, frozen=True):
    """A record added to the case's mediation: a contact, a session, a recusal request, the issued 调解书."""

    id: int
    case_id: int


class OfferState(MediationEntry, frozen=True):
    status: str = "open"  # open | withdrawn


class OfferAnswered(msgspec.Struct, frozen=True):
    offer_id: int
    answer: str  # accept | refuse | counter
    status: str  # the answered offer's status now
    case_status: str
    new_offer_id: int | None = None  # the counter-offer
    settlement_id: int | None = None  # on acceptance: the draft 调解书

    @property
    def event(self) -> EventKind:
        """The event kind the answer wrote (what a page confirms)."""
        return {"accept": EventKind.OFFER_ACCEPTED, "refuse": EventKind.OFFER_REFUSED}.get(
            self.answer, EventKind.OFFER_COUNTERED
        )


class SettlementConfirmed(msgspec.Struct, frozen=True):
    case_id: int
    party: str
    effective: bool  # both parties have confirmed: the case closed as settled
    case_status: str


class PerformanceRecorded(msgspec.Struct, frozen=True):
    case_id: int
    performance: str  # performed | not_performed


class MediationTerminated(msgspec.Struct, frozen=True):
    case_id: int
    status: str
    notice_due: date


class TerminationNoticeSent(msgspec.Struct, frozen=True):
    case_id: int
    on_time: bool


class RecusalDecided(MediationEntry, frozen=True):
    """The decided recusal request (`id`), and the case's mediation deadline after the decision."""

    decision: str
    mediation_due: date | None


class CaseReopened(msgspec.Struct, frozen=True):
    case_id: int
    status: str
