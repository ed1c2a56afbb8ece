-- Staff accounts and their sessions; acceptance decisions, mediation deadlines and pauses on cases.

CREATE TABLE staff_users (
    id                bigserial PRIMARY KEY,
    username          text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{2,31}$'),
    display_name      text NOT NULL,
    password_hash     text NOT NULL,
    roles             text[] NOT NULL CHECK (
                          cardinality(roles) > 0
                          AND roles <@ ARRAY['clerk', 'mediator', 'supervisor', 'leading_group', 'admin']
                      ),
    disabled          boolean NOT NULL DEFAULT false,
    failed_logins     integer NOT NULL DEFAULT 0,
    locked_until      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- Browser sessions (cookie) and API tokens (bearer): only a hash of the secret is stored.
CREATE TABLE staff_sessions (
    token_hash    bytea PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES staff_users (id),
    kind          text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id);

ALTER TABLE cases
    ADD COLUMN decided_at                 timestamptz,
    ADD COLUMN decided_by                 bigint REFERENCES staff_users (id),
    ADD COLUMN rejection_ground           integer CHECK (rejection_ground BETWEEN 1 AND 7),
    ADD COLUMN decision_note              text,
    ADD COLUMN accepted_on                date,
    ADD COLUMN mediation_due              date,
    ADD COLUMN mediation_due_provisional  boolean NOT NULL DEFAULT false,
    ADD COLUMN paused                     boolean NOT NULL DEFAULT false,
    ADD COLUMN acceptance_overdue_at      timestamptz,   -- when the overdue flag was raised (once)
    ADD COLUMN recorded_by                bigint REFERENCES staff_users (id),
    ADD CONSTRAINT cases_rejection_has_ground CHECK (status <> 'rejected' OR rejection_ground IS NOT NULL);

CREATE INDEX cases_open_due_idx ON cases (acceptance_due) WHERE status = 'received';

-- The clock stops while a case waits for product testing, a recusal decision or evidence.
CREATE TABLE case_pauses (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    reason        text NOT NULL CHECK (reason IN ('testing', 'recusal', 'evidence', 'other')),
    note          text,
    started_on    date NOT NULL,
    expected_end  date,
    ended_on      date CHECK (ended_on IS NULL OR ended_on >= started_on),
    started_by    bigint REFERENCES staff_users (id),
    ended_by      bigint REFERENCES staff_users (id)
);
CREATE UNIQUE INDEX case_pauses_one_open ON case_pauses (case_id) WHERE ended_on IS NULL;
