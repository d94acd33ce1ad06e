/*
 * The results database schema, written as the list of forward-only migrations that build it.
 * Step N takes a database at PRAGMA user_version N-1 to N; db/open.c applies the missing steps,
 * each in its own transaction.  To change the schema, append one entry and never edit a
 * published one: a database written by an older blasbench replays only the new steps.
 *
 * Conventions: times are ISO-8601 UTC text ("2024-05-01T12:34:56.789Z"); doubles that are not
 * numbers (NaN: no samples, not ok, no residual) are NULL; JSON is stored as text.
 * Vocabularies (run kind and status, cell status) are checked in db/write.c rather than with
 * CHECK constraints, so a later schema can add a word without rebuilding a table.
 */
#include "db/db_internal.h"

static const char schema_v1[] =
    /* One row per machine, keyed by the fingerprint host/ computes; the newest JSON wins. */
    "CREATE TABLE host (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  fingerprint TEXT NOT NULL UNIQUE,\n"
    "  host_json   TEXT NOT NULL,\n"
    "  peak_json   TEXT,\n"
    "  first_seen  TEXT NOT NULL,\n"
    "  last_seen   TEXT NOT NULL\n"
    ");\n"
    /* AUTOINCREMENT: a run id is never reused, so "run 7" in an old report stays unambiguous. */
    "CREATE TABLE run (\n"
    "  id           INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  host_id      INTEGER NOT NULL REFERENCES host(id),\n"
    "  label        TEXT,\n"
    "  command      TEXT NOT NULL,\n"
    "  kind         TEXT NOT NULL,\n"
    "  options_json TEXT,\n"
    "  version      TEXT NOT NULL,\n"
    "  status       TEXT NOT NULL DEFAULT 'running',\n"
    "  started      TEXT NOT NULL,\n"
    "  finished     TEXT\n"
    ");\n"
    "CREATE INDEX run_host ON run(host_id);\n"
    "CREATE INDEX run_label ON run(label, id);\n"
    "CREATE TABLE backend (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,\n"
    "  alias       TEXT NOT NULL,\n"
    "  spec        TEXT NOT NULL,\n"
    "  record_json TEXT,\n"
    "  UNIQUE (run_id, alias)\n"
    ");\n"
    /* A cell is recorded once per run: UNIQUE (run_id, cell_key) also serves run lookups. */
    "CREATE TABLE cell (\n"
    "  id                INTEGER PRIMARY KEY,\n"
    "  run_id            INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,\n"
    "  backend_id        INTEGER NOT NULL REFERENCES backend(id) ON DELETE CASCADE,\n"
    "  cell_key          TEXT NOT NULL,\n"
    "  workload_key      TEXT NOT NULL,\n"
    "  routine           TEXT NOT NULL,\n"
    "  prec              TEXT NOT NULL,\n"
    "  m                 INTEGER NOT NULL,\n"
    "  n                 INTEGER NOT NULL,\n"
    "  k                 INTEGER NOT NULL,\n"
    "  threads           INTEGER NOT NULL,\n"
    "  threads_effective INTEGER NOT NULL,\n"
    "  omp_runtime       TEXT,\n"
    "  params_json       TEXT,\n"
    "  status            TEXT NOT NULL,\n"
    "  error             TEXT,\n"
    "  flops             REAL,\n"
    "  calls_per_sample  INTEGER NOT NULL,\n"
    "  median_s          REAL,\n"
    "  min_s             REAL,\n"
    "  mad_s             REAL,\n"
    "  ci_low_s          REAL,\n"
    "  ci_high_s         REAL,\n"
    "  gflops            REAL,\n"
    "  pct_peak          REAL,\n"
    "  residual          REAL,\n"
    "  n_samples         INTEGER NOT NULL,\n"
    "  recorded          TEXT NOT NULL,\n"
    "  UNIQUE (run_id, cell_key)\n"
    ");\n"
    "CREATE INDEX cell_backend ON cell(backend_id);\n"
    "CREATE INDEX cell_workload ON cell(workload_key);\n"
    /* Raw samples in the order taken (seconds per call): comparisons resample them. */
    "CREATE TABLE sample (\n"
    "  cell_id INTEGER NOT NULL REFERENCES cell(id) ON DELETE CASCADE,\n"
    "  seq     INTEGER NOT NULL,\n"
    "  seconds REAL,\n"
    "  PRIMARY KEY (cell_id, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE counter (\n"
    "  cell_id INTEGER NOT NULL REFERENCES cell(id) ON DELETE CASCADE,\n"
    "  name    TEXT NOT NULL,\n"
    "  value   REAL,\n"
    "  unit    TEXT,\n"
    "  PRIMARY KEY (cell_id, name)\n"
    ") WITHOUT ROWID;\n";

/* Who measures a run (see common/owner.h): the controller's pid, its start time in clock
 * ticks after boot, the boot id and the host name, so a run whose controller was killed can be
 * told from one still being measured.  NULL in runs recorded before: owner unknown. */
static const char schema_v2[] = "ALTER TABLE run ADD COLUMN owner_pid INTEGER;\n"
                                "ALTER TABLE run ADD COLUMN owner_start INTEGER;\n"
                                "ALTER TABLE run ADD COLUMN owner_boot TEXT;\n"
                                "ALTER TABLE run ADD COLUMN owner_host TEXT;\n";

/* A cell is measured in several passes (separate workers spread over the run) and written
 * after each one, as status "partial" until its last: each sample says which pass (0, 1 ...)
 * took it, so a resumed run knows which passes a partial cell has.  NULL in samples recorded
 * before. */
static const char schema_v3[] = "ALTER TABLE sample ADD COLUMN pass INTEGER;\n";

/* A run's stable identity: 128 random bits in hex, set when the run begins and kept by
 * `blasbench merge`, which maps each run of an input to the output's by it (the integer id is
 * only local to one file).  Runs recorded before get one now.  ALTER TABLE cannot add a UNIQUE
 * column: a unique index does the same. */
static const char schema_v4[] =
    "ALTER TABLE run ADD COLUMN uid TEXT;\n"
    "UPDATE run SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;\n"
    "CREATE UNIQUE INDEX run_uid ON run(uid);\n";

/* How each pass of a cell went, so a comparison can leave out the passes the host disturbed
 * and pair the passes of two backends measured side by side: seq is the run's n-th worker
 * start (the randomized interleaved order), steal the share of the CPUs' time the hypervisor
 * stole meanwhile (/proc/stat), calib the CPU time the controller's calibration spins got
 * against their wall time, disturbed whether either was beyond its limit.  Cells recorded
 * before have no rows: every pass counts as undisturbed. */
static const char schema_v5[] =
    "CREATE TABLE pass (\n"
    "  cell_id   INTEGER NOT NULL REFERENCES cell(id) ON DELETE CASCADE,\n"
    "  pass      INTEGER NOT NULL,\n"
    "  seq       INTEGER,\n"
    "  steal     REAL,\n"
    "  calib     REAL,\n"
    "  disturbed INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (cell_id, pass)\n"
    ") WITHOUT ROWID;\n";

/* The list, oldest first.  A new schema is one more line here. */
const bb_db_migration bb_db_migrations[] = {
    {1, "initial schema", schema_v1},
    {2, "run owner", schema_v2},
    {3, "pass of a sample", schema_v3},
    {4, "stable run id", schema_v4},
    {5, "how each pass went", schema_v5},
};
const int bb_db_n_migrations = (int)(sizeof(bb_db_migrations) / sizeof(bb_db_migrations[0]));

/* The schema this blasbench writes: the version of the last migration. */
int bb_db_schema_version(void)
{
	return bb_db_migrations[bb_db_n_migrations - 1].version;
}
