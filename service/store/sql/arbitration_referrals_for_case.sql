SELECT r.case_id, r.agreement_id, r.institution, r.referred_on, r.award_on, r.award_for, r.award_amount_fen,
       a.kind AS agreement_kind, a.institution AS agreement_institution, a.signed_on AS agreement_signed_on,
       a.note AS agreement_note
FROM arbitration_referrals r
JOIN arbitration_agreements a ON a.id = r.agreement_id
WHERE r.case_id = $1
