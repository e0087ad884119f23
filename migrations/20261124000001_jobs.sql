-- Durable job queue and cron bookkeeping (see docs/adr/0001-job-queue.md).

CREATE TYPE job_state AS ENUM ('pending', 'running', 'succeeded', 'needs_attention', 'cancelled');

CREATE TABLE jobs (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT        NOT NULL CHECK (kind <> ''),
    payload       JSONB       NOT NULL,
    state         job_state   NOT NULL DEFAULT 'pending',
    run_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts      INT         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  INT         NOT NULL CHECK (max_attempts >= 1),
    last_error    TEXT,
    dedupe_key    TEXT UNIQUE,
    locked_by     TEXT,
    locked_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ
);

-- Claiming scans only runnable rows, oldest first.
CREATE INDEX jobs_pending_run_at ON jobs (run_at, id) WHERE state = 'pending';
-- Lease sweeps look only at running rows.
CREATE INDEX jobs_running_locked_until ON jobs (locked_until) WHERE state = 'running';
-- The operator's queue of stuck work.
CREATE INDEX jobs_needs_attention ON jobs (updated_at) WHERE state = 'needs_attention';
-- Housekeeping deletes old finished rows.
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE state IN ('succeeded', 'cancelled');

CREATE TABLE cron_schedules (
    name       TEXT PRIMARY KEY,
    last_tick  TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
