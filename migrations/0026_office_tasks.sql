-- Issue 15 (supervisor and registry pages): a mediator's own open-case limit, and a log of the office's
-- actions that concern no single case (team membership, limits, registry imports).

-- A row overrides the queue's max_open_per_mediator for this mediator; no row: the queue's limit binds.
CREATE TABLE mediator_limits (
    user_id     bigint PRIMARY KEY REFERENCES staff_users (id),
    max_open    integer NOT NULL CHECK (max_open BETWEEN 1 AND 1000),
    set_by      text NOT NULL,
    set_at      timestamptz NOT NULL
);

-- Case actions are case_events; these are the rest, each with its actor. No personal data in payload.
CREATE TABLE office_events (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    actor       text NOT NULL,
    at          timestamptz NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX office_events_at_idx ON office_events (at DESC);
