-- Issue 18 §3 (policy art. 24): the typical cases (典型案例) of a year's annual report. Staff choose them from
-- the year's closed cases whose consumer consented to publication (cases.consent_publish) and write a
-- de-identified title and summary; saving and removing are events in the case's history. One row per case
-- and year: saving again replaces the text, removing deletes the row (the events keep what happened).
CREATE TABLE typical_cases (
    year        integer NOT NULL CHECK (year BETWEEN 2020 AND 2100),
    case_id     bigint NOT NULL REFERENCES cases (id),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
    summary     text NOT NULL CHECK (length(summary) BETWEEN 1 AND 1500),
    saved_at    timestamptz NOT NULL,
    saved_by    text NOT NULL,
    PRIMARY KEY (year, case_id)
);
COMMENT ON TABLE typical_cases IS 'typical cases of the annual report: de-identified texts, checked against the consumer''s personal data';
