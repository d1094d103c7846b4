/**
 * Version 1 of the PostgreSQL store's schema: its tables, and the two functions that make a commit
 * and a completion one round trip each (a multi-statement transaction from the client costs a round
 * trip per statement: nine for a typical transition; on a loaded machine or a database across the
 * network those round trips cost more than the transaction). A function call is one statement, so
 * one transaction; each statement inside a VOLATILE PL/pgSQL function still takes a fresh snapshot,
 * so a row read after an advisory lock was granted reflects every commit made before it.
 *
 * Tables:
 * - `records`: the versioned records. `value` is `json`, not `jsonb`: `jsonb` refuses the string
 *   escape `\u0000` (PostgreSQL text cannot hold NUL), and a chat message may carry one; `json`
 *   keeps the text as written, and the store only ever reads and writes whole values.
 * - `sorted_index`: members by score; `(name, score, member)` answers every page in O(log N + page).
 *   Members compare byte-wise (COLLATE "C"), as SQLite and Redis order them.
 * - `jobs`: the work queue. `ready_at` is the due time, the lease end while leased, and NULL while
 *   the job waits behind an earlier one of its `order_key`; the partial index on it is the only
 *   index a claim or `nextReadyAt` reads. `(order_key, seq)` finds the head of an order. A queue
 *   table churns (every job is inserted, updated and deleted), so autovacuum visits it sooner.
 *
 * Order keys: every change to an order (a new job joining it, its head leaving) holds a
 * transaction-scoped advisory lock on `hashtextextended(key, 4711)`, taken in key order, so "is
 * anyone ahead of me?" and "who is next?" are never both answered from rows the other has not
 * committed yet.
 */
export const SCHEMA_V1 = `
CREATE TABLE records (
  namespace text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  value json NOT NULL,
  PRIMARY KEY (namespace, key)
);

CREATE TABLE sorted_index (
  name text COLLATE "C" NOT NULL,
  member text COLLATE "C" NOT NULL,
  score bigint NOT NULL,
  PRIMARY KEY (name, member)
);
CREATE INDEX sorted_index_by_score ON sorted_index (name, score, member);

CREATE SEQUENCE job_seq;
CREATE TABLE jobs (
  id text COLLATE "C" PRIMARY KEY,
  kind text NOT NULL,
  due_at bigint NOT NULL,
  payload json NOT NULL,
  order_key text COLLATE "C",
  seq bigint NOT NULL DEFAULT nextval('job_seq'),
  generation integer NOT NULL DEFAULT 1,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  lease_owner text,
  lease_until bigint,
  ready_at bigint
) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER SEQUENCE job_seq OWNED BY jobs.seq;
CREATE INDEX jobs_ready ON jobs (ready_at, seq) WHERE ready_at IS NOT NULL;
CREATE INDEX jobs_order ON jobs (order_key, seq) WHERE order_key IS NOT NULL;

-- The first job of each order becomes scheduled, unless it already is, or runs.
CREATE FUNCTION job_promote_heads(orders text[]) RETURNS void LANGUAGE sql AS $fn$
  UPDATE jobs SET ready_at = due_at
  WHERE id IN (SELECT DISTINCT ON (order_key) id FROM jobs WHERE order_key = ANY(orders) ORDER BY order_key, seq)
    AND ready_at IS NULL AND lease_owner IS NULL
$fn$;

-- DurableStore.commit. Record writes come as parallel arrays, one entry per write, mode one of
-- create | replace | delete_at (conditional) and absent | put | remove; index changes with a NULL
-- score for a removal; jobs to schedule; ids to cancel. False, having changed nothing, when a
-- record's expectation fails; the block around the records is a savepoint that undoes them.
CREATE FUNCTION store_commit(
  w_mode text[], w_namespace text[], w_key text[], w_version bigint[], w_value text[],
  ix_name text[], ix_member text[], ix_score bigint[],
  j_id text[], j_kind text[], j_due_at bigint[], j_payload text[], j_order_key text[],
  cancel_ids text[], channel text
) RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE
  changed bigint;
  orders text[];
BEGIN
  IF cardinality(w_mode) > 0 THEN
    BEGIN
      FOR i IN 1 .. cardinality(w_mode) LOOP
        CASE w_mode[i]
          WHEN 'create' THEN
            INSERT INTO records (namespace, key, version, value) VALUES (w_namespace[i], w_key[i], 1, w_value[i]::json)
            ON CONFLICT (namespace, key) DO NOTHING;
          WHEN 'replace' THEN
            UPDATE records SET version = version + 1, value = w_value[i]::json
            WHERE namespace = w_namespace[i] AND key = w_key[i] AND version = w_version[i];
          WHEN 'delete_at' THEN
            DELETE FROM records WHERE namespace = w_namespace[i] AND key = w_key[i] AND version = w_version[i];
          WHEN 'absent' THEN
            PERFORM FROM records WHERE namespace = w_namespace[i] AND key = w_key[i];
            IF FOUND THEN RAISE EXCEPTION USING ERRCODE = 'MB409'; END IF;
            CONTINUE;
          WHEN 'put' THEN
            INSERT INTO records (namespace, key, version, value) VALUES (w_namespace[i], w_key[i], 1, w_value[i]::json)
            ON CONFLICT (namespace, key) DO UPDATE SET version = records.version + 1, value = EXCLUDED.value;
            CONTINUE;
          WHEN 'remove' THEN
            DELETE FROM records WHERE namespace = w_namespace[i] AND key = w_key[i];
            CONTINUE;
        END CASE;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN RAISE EXCEPTION USING ERRCODE = 'MB409'; END IF;
      END LOOP;
    EXCEPTION WHEN SQLSTATE 'MB409' THEN
      RETURN false;
    END;
  END IF;

  IF cardinality(ix_name) > 0 THEN
    INSERT INTO sorted_index (name, member, score)
    SELECT c.name, c.member, c.score FROM unnest(ix_name, ix_member, ix_score) AS c(name, member, score) WHERE c.score IS NOT NULL
    ON CONFLICT (name, member) DO UPDATE SET score = EXCLUDED.score;
    DELETE FROM sorted_index s USING unnest(ix_name, ix_member, ix_score) AS c(name, member, score)
    WHERE c.score IS NULL AND s.name = c.name AND s.member = c.member;
  END IF;

  IF cardinality(cancel_ids) > 0 OR EXISTS (SELECT FROM unnest(j_order_key) AS k WHERE k IS NOT NULL) THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(k, 4711)) FROM (
      SELECT k FROM (SELECT unnest(j_order_key) AS k UNION SELECT order_key FROM jobs WHERE id = ANY(cancel_ids)) AS u
      WHERE k IS NOT NULL ORDER BY k
    ) AS ordered;
  END IF;

  IF cardinality(cancel_ids) > 0 THEN
    WITH gone AS (DELETE FROM jobs WHERE id = ANY(cancel_ids) RETURNING order_key)
    SELECT array_agg(DISTINCT order_key) INTO orders FROM gone WHERE order_key IS NOT NULL;
    IF orders IS NOT NULL THEN PERFORM job_promote_heads(orders); END IF;
  END IF;

  -- One statement per job: each sees the ones before it, so only the first new job of an
  -- order is scheduled and the same id twice is two schedules, as in every backend.
  FOR i IN 1 .. coalesce(cardinality(j_id), 0) LOOP
    INSERT INTO jobs (id, kind, due_at, payload, order_key, ready_at)
    VALUES (j_id[i], j_kind[i], j_due_at[i], j_payload[i]::json, j_order_key[i],
            CASE WHEN j_order_key[i] IS NULL OR NOT EXISTS (SELECT FROM jobs e WHERE e.order_key = j_order_key[i]) THEN j_due_at[i] END)
    ON CONFLICT (id) DO UPDATE SET
      due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, generation = jobs.generation + 1, attempts = 0, last_error = NULL,
      ready_at = CASE WHEN jobs.lease_owner IS NULL AND jobs.ready_at IS NOT NULL THEN EXCLUDED.due_at ELSE jobs.ready_at END;
  END LOOP;
  -- Delivered to listeners when the transaction commits; several in one transaction fold into one.
  IF cardinality(j_id) > 0 THEN PERFORM pg_notify(channel, ''); END IF;
  RETURN true;
END
$fn$;

-- WorkQueue.complete: deletes the job if the owner still holds this generation (the next job of its
-- order becomes scheduled); if it was rescheduled meanwhile, only ends the lease. False when the
-- lease was lost.
CREATE FUNCTION job_complete(j_id text, j_owner text, j_generation integer, j_order_key text) RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE
  gone_order text;
BEGIN
  IF j_order_key IS NOT NULL THEN PERFORM pg_advisory_xact_lock(hashtextextended(j_order_key, 4711)); END IF;
  DELETE FROM jobs WHERE id = j_id AND lease_owner = j_owner AND generation = j_generation RETURNING order_key INTO gone_order;
  IF FOUND THEN
    IF gone_order IS NOT NULL THEN PERFORM job_promote_heads(ARRAY[gone_order]); END IF;
    RETURN true;
  END IF;
  UPDATE jobs SET lease_owner = NULL, lease_until = NULL, ready_at = due_at WHERE id = j_id AND lease_owner = j_owner;
  RETURN FOUND;
END
$fn$;
`;

/**
 * Version 2: times and scores as `double precision`, the JavaScript number itself: a clock may give
 * fractions of a millisecond (bench/scale.ts's does), which `bigint` refused and the memory, SQLite
 * and Redis stores keep. `store_commit` takes them as such (a new signature, so the old one goes).
 */
export const SCHEMA_V2 = `
ALTER TABLE sorted_index ALTER COLUMN score TYPE double precision;
ALTER TABLE jobs ALTER COLUMN due_at TYPE double precision, ALTER COLUMN lease_until TYPE double precision,
  ALTER COLUMN ready_at TYPE double precision;
DROP FUNCTION store_commit(text[], text[], text[], bigint[], text[], text[], text[], bigint[], text[], text[], bigint[], text[], text[], text[], text);
-- DurableStore.commit. Record writes come as parallel arrays, one entry per write, mode one of
-- create | replace | delete_at (conditional) and absent | put | remove; index changes with a NULL
-- score for a removal; jobs to schedule; ids to cancel. False, having changed nothing, when a
-- record's expectation fails; the block around the records is a savepoint that undoes them.
CREATE FUNCTION store_commit(
  w_mode text[], w_namespace text[], w_key text[], w_version bigint[], w_value text[],
  ix_name text[], ix_member text[], ix_score double precision[],
  j_id text[], j_kind text[], j_due_at double precision[], j_payload text[], j_order_key text[],
  cancel_ids text[], channel text
) RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE
  changed bigint;
  orders text[];
BEGIN
  IF cardinality(w_mode) > 0 THEN
    BEGIN
      FOR i IN 1 .. cardinality(w_mode) LOOP
        CASE w_mode[i]
          WHEN 'create' THEN
            INSERT INTO records (namespace, key, version, value) VALUES (w_namespace[i], w_key[i], 1, w_value[i]::json)
            ON CONFLICT (namespace, key) DO NOTHING;
          WHEN 'replace' THEN
            UPDATE records SET version = version + 1, value = w_value[i]::json
            WHERE namespace = w_namespace[i] AND key = w_key[i] AND version = w_version[i];
          WHEN 'delete_at' THEN
            DELETE FROM records WHERE namespace = w_namespace[i] AND key = w_key[i] AND version = w_version[i];
          WHEN 'absent' THEN
            PERFORM FROM records WHERE namespace = w_namespace[i] AND key = w_key[i];
            IF FOUND THEN RAISE EXCEPTION USING ERRCODE = 'MB409'; END IF;
            CONTINUE;
          WHEN 'put' THEN
            INSERT INTO records (namespace, key, version, value) VALUES (w_namespace[i], w_key[i], 1, w_value[i]::json)
            ON CONFLICT (namespace, key) DO UPDATE SET version = records.version + 1, value = EXCLUDED.value;
            CONTINUE;
          WHEN 'remove' THEN
            DELETE FROM records WHERE namespace = w_namespace[i] AND key = w_key[i];
            CONTINUE;
        END CASE;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN RAISE EXCEPTION USING ERRCODE = 'MB409'; END IF;
      END LOOP;
    EXCEPTION WHEN SQLSTATE 'MB409' THEN
      RETURN false;
    END;
  END IF;

  IF cardinality(ix_name) > 0 THEN
    INSERT INTO sorted_index (name, member, score)
    SELECT c.name, c.member, c.score FROM unnest(ix_name, ix_member, ix_score) AS c(name, member, score) WHERE c.score IS NOT NULL
    ON CONFLICT (name, member) DO UPDATE SET score = EXCLUDED.score;
    DELETE FROM sorted_index s USING unnest(ix_name, ix_member, ix_score) AS c(name, member, score)
    WHERE c.score IS NULL AND s.name = c.name AND s.member = c.member;
  END IF;

  IF cardinality(cancel_ids) > 0 OR EXISTS (SELECT FROM unnest(j_order_key) AS k WHERE k IS NOT NULL) THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(k, 4711)) FROM (
      SELECT k FROM (SELECT unnest(j_order_key) AS k UNION SELECT order_key FROM jobs WHERE id = ANY(cancel_ids)) AS u
      WHERE k IS NOT NULL ORDER BY k
    ) AS ordered;
  END IF;

  IF cardinality(cancel_ids) > 0 THEN
    WITH gone AS (DELETE FROM jobs WHERE id = ANY(cancel_ids) RETURNING order_key)
    SELECT array_agg(DISTINCT order_key) INTO orders FROM gone WHERE order_key IS NOT NULL;
    IF orders IS NOT NULL THEN PERFORM job_promote_heads(orders); END IF;
  END IF;

  -- One statement per job: each sees the ones before it, so only the first new job of an
  -- order is scheduled and the same id twice is two schedules, as in every backend.
  FOR i IN 1 .. coalesce(cardinality(j_id), 0) LOOP
    INSERT INTO jobs (id, kind, due_at, payload, order_key, ready_at)
    VALUES (j_id[i], j_kind[i], j_due_at[i], j_payload[i]::json, j_order_key[i],
            CASE WHEN j_order_key[i] IS NULL OR NOT EXISTS (SELECT FROM jobs e WHERE e.order_key = j_order_key[i]) THEN j_due_at[i] END)
    ON CONFLICT (id) DO UPDATE SET
      due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, generation = jobs.generation + 1, attempts = 0, last_error = NULL,
      ready_at = CASE WHEN jobs.lease_owner IS NULL AND jobs.ready_at IS NOT NULL THEN EXCLUDED.due_at ELSE jobs.ready_at END;
  END LOOP;
  -- Delivered to listeners when the transaction commits; several in one transaction fold into one.
  IF cardinality(j_id) > 0 THEN PERFORM pg_notify(channel, ''); END IF;
  RETURN true;
END
$fn$;
`;
