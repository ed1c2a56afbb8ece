-- Follow-up and satisfaction (回访 / 满意度), reopen and appeal requests, indicator definitions, and
-- the frozen monthly returns to the leading group (with restatements).

-- One survey per closed case, reached by a token link valid 30 days; answered once.
CREATE TABLE surveys (
    case_id       bigint PRIMARY KEY REFERENCES cases (id),
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    answered_at   timestamptz,
    -- five questions, each 100/80/60/30/0, NULL for "don't know" (不了解) or unanswered
    timeliness    smallint CHECK (timeliness IN (100, 80, 60, 30, 0)),
    fairness      smallint CHECK (fairness IN (100, 80, 60, 30, 0)),
    attitude      smallint CHECK (attitude IN (100, 80, 60, 30, 0)),
    outcome       smallint CHECK (outcome IN (100, 80, 60, 30, 0)),
    overall       smallint CHECK (overall IN (100, 80, 60, 30, 0)),
    score         numeric(5, 2) CHECK (score BETWEEN 0 AND 100),   -- the weighted mean of the answered questions
    comment       text,                                            -- free text: never exported
    weights_version text
);
CREATE INDEX surveys_answered_idx ON surveys (answered_at) WHERE answered_at IS NOT NULL;

-- Question weights are data (default equal), versioned by date.
CREATE TABLE survey_weights (
    version         text PRIMARY KEY,
    effective_from  date NOT NULL UNIQUE,
    timeliness      numeric NOT NULL DEFAULT 1,
    fairness        numeric NOT NULL DEFAULT 1,
    attitude        numeric NOT NULL DEFAULT 1,
    outcome         numeric NOT NULL DEFAULT 1,
    overall         numeric NOT NULL DEFAULT 1
);
INSERT INTO survey_weights (version, effective_from) VALUES ('equal-2020', DATE '2020-01-01');

-- A score below 60 offers the consumer a reopen or appeal request; a supervisor must answer it.
CREATE TABLE appeals (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    kind          text NOT NULL CHECK (kind IN ('reopen', 'appeal')),
    reason        text NOT NULL,
    requested_at  timestamptz NOT NULL,
    decided_at    timestamptz,
    decision      text CHECK (decision IN ('accepted', 'declined')),
    decision_reason text,
    decided_by    bigint REFERENCES staff_users (id)
);
CREATE UNIQUE INDEX appeals_one_open ON appeals (case_id) WHERE decided_at IS NULL;

-- Indicator definitions: data with a version (code, names, formula in words, numerator, denominator, unit).
CREATE TABLE indicator_definitions (
    version      text NOT NULL,
    code         text NOT NULL,
    name_zh      text NOT NULL,
    name_en      text NOT NULL,
    formula      text NOT NULL,
    numerator    text,
    denominator  text,
    unit         text NOT NULL,
    sort         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (version, code)
);

-- A monthly return is a frozen snapshot: figures, the definitions' version and a content hash.
-- Exporting a month again with changed data adds a restatement (version n+1); the first is kept.
CREATE TABLE monthly_returns (
    month         date NOT NULL CHECK (extract(day FROM month) = 1),
    version       integer NOT NULL CHECK (version > 0),
    definitions   text NOT NULL,
    figures       jsonb NOT NULL,
    content_hash  text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    restatement_of integer,
    changes       jsonb,          -- what changed since the previous version
    reason        text,
    PRIMARY KEY (month, version)
);

CREATE INDEX cases_closed_at_idx ON cases (closed_at);
CREATE INDEX cases_received_at_idx ON cases (received_at);
