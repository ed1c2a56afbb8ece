"""Mediation (调解, DESIGN §2.6), one module per section: the record of contacts and sessions (record),
offers and their answers (offers), the settlement and its performance (settlement), recusals (recusal),
termination, its notice and reopening (termination). Each action takes its command (commands) and answers
with its view (views); the read side (the record, what the parties see, the printable documents) is
service.queries.mediation.

Callers keep `from service.usecases import mediation; await mediation.log_contact(pool, case_id, staff,
LogContact(...), now=now)`.
"""

from service.usecases.mediation.commands import (
    AnswerOffer,
    ConfirmSettlement,
    DecideRecusal,
    IssueSettlement,
    LogContact,
    LogSession,
    MakeOffer,
    RecordPerformance,
    Reopen,
    RequestRecusal,
    Terminate,
    WithdrawOffer,
)
from service.usecases.mediation.offers import (
    consumer_answer,
    expire_offers,
    make_offer,
    merchant_answer,
    record_answer,
    withdraw_offer,
)
from service.usecases.mediation.record import log_contact, log_session
from service.usecases.mediation.recusal import decide_recusal, request_recusal
from service.usecases.mediation.settlement import (
    consumer_confirm,
    flag_unperformed,
    issue_settlement,
    merchant_confirm,
    record_confirmation,
    record_performance,
)
from service.usecases.mediation.termination import mark_notice_sent, reopen, terminate
from service.usecases.mediation.views import (
    CaseReopened,
    MediationEntry,
    MediationTerminated,
    OfferAnswered,
    OfferState,
    PerformanceRecorded,
    RecusalDecided,
    SettlementConfirmed,
    TerminationNoticeSent,
)

__all__ = [
    "AnswerOffer",
    "CaseReopened",
    "ConfirmSettlement",
    "DecideRecusal",
    "IssueSettlement",
    "LogContact",
    "LogSession",
    "MakeOffer",
    "MediationEntry",
    "MediationTerminated",
    "OfferAnswered",
    "OfferState",
    "PerformanceRecorded",
    "RecordPerformance",
    "RecusalDecided",
    "Reopen",
    "RequestRecusal",
    "SettlementConfirmed",
    "Terminate",
    "TerminationNoticeSent",
    "WithdrawOffer",
    "consumer_answer",
    "consumer_confirm",
    "decide_recusal",
    "expire_offers",
    "flag_unperformed",
    "issue_settlement",
    "log_contact",
    "log_session",
    "make_offer",
    "mark_notice_sent",
    "merchant_answer",
    "merchant_confirm",
    "record_answer",
    "record_confirmation",
    "record_performance",
    "reopen",
    "request_recusal",
    "terminate",
    "withdraw_offer",
]
