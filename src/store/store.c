/* store: SQLite behind one narrow API. Nothing outside this file sees SQL or a
 * sqlite3 handle, so PostgreSQL can later stand behind the same functions. */
#include "store/store_private.h"

#include "core/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* Migration i brings the schema from version i to i + 1. Append only: never edit a
 * migration that has shipped. */
static const char *const store_migrations[] = {
	/* 1: the instance row */
	"CREATE TABLE instance ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  created_day INTEGER NOT NULL,"
	"  kdf_profile TEXT NOT NULL CHECK (kdf_profile IN ('production', 'insecure-fast'))"
	") STRICT;"
	/* The audit log (CRYPTO.md "Audit"): append only; entry i with its keyed link h
	 * and unkeyed link u. No content and no address is ever in an entry. */
	"CREATE TABLE audit ("
	"  idx INTEGER PRIMARY KEY CHECK (idx >= 0),"
	"  entry BLOB NOT NULL CHECK (length(entry) = 42),"
	"  h BLOB NOT NULL CHECK (length(h) = 32),"
	"  u BLOB NOT NULL CHECK (length(u) = 32)"
	") STRICT;",

	/* 2: staff accounts, invitations, sessions and groups (CRYPTO.md "Accounts",
	 * "Sessions", "Groups"). Secrets appear only as boxes; times are rounded. */
	"CREATE TABLE accounts ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  handle TEXT NOT NULL UNIQUE,"
	"  roles INTEGER NOT NULL CHECK (roles > 0),"
	"  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),"
	"  pk BLOB NOT NULL CHECK (length(pk) = 32),"
	"  wrap_pw BLOB,"
	"  wrap_rec BLOB,"
	"  sk_box BLOB,"
	"  totp_box BLOB,"
	"  created_day INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE invites ("
	"  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),"
	"  roles INTEGER NOT NULL CHECK (roles > 0),"
	"  note BLOB,"
	"  expires_hour INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE sessions ("
	"  sid BLOB PRIMARY KEY CHECK (length(sid) = 32),"
	"  kind INTEGER NOT NULL,"
	"  owner BLOB NOT NULL CHECK (length(owner) = 16),"
	"  box BLOB NOT NULL,"
	"  created_hour INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX sessions_owner ON sessions (owner);"
	"CREATE TABLE groups ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  name TEXT NOT NULL UNIQUE,"
	"  epoch INTEGER NOT NULL CHECK (epoch >= 0),"
	"  pk BLOB NOT NULL CHECK (length(pk) = 32),"
	"  rotation_pending INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE group_members ("
	"  group_id BLOB NOT NULL REFERENCES groups (id),"
	"  account_id BLOB NOT NULL REFERENCES accounts (id),"
	"  epoch INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  PRIMARY KEY (group_id, account_id)"
	") STRICT;"
	"CREATE TABLE group_links ("
	"  group_id BLOB NOT NULL REFERENCES groups (id),"
	"  epoch INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  PRIMARY KEY (group_id, epoch)"
	") STRICT;",

	/* 3: help requests (CRYPTO.md "Cases", "Files"). Everything a person wrote is an
	 * item or a blob under the case's keys; in the clear are only the language, the
	 * stage, hour-rounded times, and the structure (who wrote which item, in what order). */
	"CREATE TABLE cases ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  slot INTEGER NOT NULL UNIQUE CHECK (slot >= 0),"
	"  lang TEXT NOT NULL CHECK (length(lang) = 2),"
	"  stage INTEGER NOT NULL DEFAULT 0,"
	"  epoch INTEGER NOT NULL DEFAULT 0 CHECK (epoch >= 0),"
	"  pk_req_item_id BLOB NOT NULL CHECK (length(pk_req_item_id) = 16),"
	"  pk_req_item BLOB NOT NULL,"
	"  created_hour INTEGER NOT NULL,"
	"  activity_hour INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0)"
	") STRICT;"
	"CREATE INDEX cases_stage ON cases (stage, created_hour);"
	"CREATE TABLE case_copies ("
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  e INTEGER NOT NULL CHECK (e >= 0),"
	"  holder_kind INTEGER NOT NULL CHECK (holder_kind IN (0, 1, 2)),"
	"  holder BLOB NOT NULL CHECK (length(holder) = 16),"
	"  holder_epoch INTEGER NOT NULL CHECK (holder_epoch >= 0),"
	"  copy BLOB NOT NULL CHECK (length(copy) = 102),"
	"  ncopy BLOB CHECK (ncopy IS NULL OR length(ncopy) = 102),"
	"  PRIMARY KEY (case_id, holder_kind, holder)"
	") STRICT;"
	"CREATE INDEX case_copies_holder ON case_copies (holder);"
	"CREATE TABLE case_links ("
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
	"  e INTEGER NOT NULL CHECK (e >= 0),"
	"  link BLOB NOT NULL CHECK (length(link) = 73),"
	"  PRIMARY KEY (case_id, kind, e)"
	") STRICT;"
	"CREATE TABLE items ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
	"  role INTEGER NOT NULL,"
	"  field INTEGER NOT NULL,"
	"  created_hour INTEGER NOT NULL,"
	"  ct BLOB NOT NULL"
	") STRICT;"
	"CREATE INDEX items_case ON items (case_id, seq);"
	"CREATE TABLE attachments ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  fk_wrap BLOB NOT NULL CHECK (length(fk_wrap) = 77),"
	"  blob_len INTEGER NOT NULL CHECK (blob_len > 0),"
	"  created_hour INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX attachments_case ON attachments (case_id, seq);",

	/* 4: the volunteer network and case work. A staff member's languages, coarse location,
	 * capacity and training; the Owl a case is assigned to (which its sealed copy names
	 * anyway) and her count of active cases, kept with every change; the hour since which
	 * a requester's message waits for an answer. */
	"ALTER TABLE accounts ADD COLUMN languages TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE accounts ADD COLUMN location TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE accounts ADD COLUMN capacity INTEGER NOT NULL DEFAULT 5;"
	"ALTER TABLE accounts ADD COLUMN training INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN active_cases INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX accounts_status ON accounts (status, handle);"
	"ALTER TABLE cases ADD COLUMN assignee BLOB;"
	"ALTER TABLE cases ADD COLUMN waiting_hour INTEGER;"
	"UPDATE cases SET waiting_hour = activity_hour WHERE stage = 0;"
	"CREATE INDEX cases_assignee ON cases (assignee, stage) WHERE assignee IS NOT NULL;"
	"CREATE INDEX cases_waiting ON cases (waiting_hour) WHERE waiting_hour IS NOT NULL;",

	/* 5: the triage queue (stages new and triage), newest first, without a sort. */
	"CREATE INDEX cases_queue ON cases (created_hour) WHERE stage <= 1;",

	/* 6: a group key re-created only by an operator's explicit reset (`sava triage reset`):
	 * the account allowed to make it, then when and by whom it was made, for the banner on
	 * staff pages. A request a coordinator asked to shred, kept for the next purge when
	 * the shred could not finish. */
	"ALTER TABLE groups ADD COLUMN reset_for BLOB CHECK (reset_for IS NULL OR length(reset_for) = 16);"
	"ALTER TABLE groups ADD COLUMN recreated_hour INTEGER;"
	"ALTER TABLE groups ADD COLUMN recreated_by BLOB CHECK (recreated_by IS NULL OR length(recreated_by) = 16);"
	"ALTER TABLE cases ADD COLUMN shred_pending INTEGER NOT NULL DEFAULT 0 CHECK (shred_pending IN (0, 1));"
	"CREATE INDEX cases_shred_pending ON cases (id) WHERE shred_pending = 1;",

	/* 7: video appeals (issue 11). An appeal is a case (its keys, items and files) sealed to
	 * the editors group and to the uploader's receipt; this row holds what the work needs
	 * in the clear: its state, the language spoken, hour-rounded times, the editors who
	 * registered, approved and published it, the ids of its files, and, only once
	 * published, what the public sees. A withdrawn appeal keeps this row (state, language,
	 * hours) and nothing else: its case is shredded. The media jobs: what is to be done,
	 * durable across restarts; the keys to do it are never stored (CRYPTO.md "Media"). */
	"CREATE TABLE appeals ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 5),"
	"  language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 3),"
	"  registered_by BLOB CHECK (registered_by IS NULL OR length(registered_by) = 16),"
	"  approved_by BLOB CHECK (approved_by IS NULL OR length(approved_by) = 16),"
	"  published_by BLOB CHECK (published_by IS NULL OR length(published_by) = 16),"
	"  original BLOB CHECK (original IS NULL OR length(original) = 16),"
	"  clean BLOB CHECK (clean IS NULL OR length(clean) = 16),"
	"  poster BLOB CHECK (poster IS NULL OR length(poster) = 16),"
	"  poster_at INTEGER NOT NULL DEFAULT 1 CHECK (poster_at >= 0),"
	"  refusal TEXT NOT NULL DEFAULT '',"
	"  duration INTEGER NOT NULL DEFAULT 0,"
	"  width INTEGER NOT NULL DEFAULT 0,"
	"  height INTEGER NOT NULL DEFAULT 0,"
	"  slug TEXT UNIQUE,"
	"  shown_name TEXT NOT NULL DEFAULT '',"
	"  shown_text TEXT NOT NULL DEFAULT '',"
	"  created_hour INTEGER NOT NULL,"
	"  published_hour INTEGER"
	") STRICT;"
	"CREATE INDEX appeals_state ON appeals (state, created_hour);"
	"CREATE TABLE media_jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  object BLOB NOT NULL CHECK (length(object) = 16),"
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1)),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_hour INTEGER NOT NULL,"
	"  UNIQUE (kind, object)"
	") STRICT;",

	/* 8: testimonies (issue 14). A testimony is a case at stage 102 sealed to the
	 * testimonies group (and to the Owl of the request it came from): its original, notes,
	 * consent records and each version of its redacted copy are items of that case. This
	 * row holds what the two-person rule needs in the clear: the language, the hour it was
	 * made, which version of the copy is current and who redacted and approved it, and
	 * which consent record is the latest (a number, never its content), and the Owl
	 * who holds a copy (as its case_copies row shows anyway); for its optional video, the
	 * ids of the sealed original and redacted files, the redaction's state and refusal,
	 * and what the redaction hides (voice, card, boxes: places and times, no content). A story is the
	 * published copy, public by nature: its words in the clear, its consent's end (a
	 * story goes down then), the three people who made it public (never one person
	 * twice), and its testimony until that is shredded. */
	"CREATE TABLE testimonies ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 3),"
	"  copy_seq INTEGER NOT NULL DEFAULT 0,"
	"  redacted_by BLOB CHECK (redacted_by IS NULL OR length(redacted_by) = 16),"
	"  approved_by BLOB CHECK (approved_by IS NULL OR length(approved_by) = 16),"
	"  consent_seq INTEGER NOT NULL DEFAULT 0,"
	"  owl BLOB CHECK (owl IS NULL OR length(owl) = 16),"
	"  media_original BLOB CHECK (media_original IS NULL OR length(media_original) = 16),"
	"  media_state INTEGER NOT NULL DEFAULT 0 CHECK (media_state BETWEEN 0 AND 4),"
	"  media_redact BLOB CHECK (media_redact IS NULL OR length(media_redact) <= 258),"
	"  media_video BLOB CHECK (media_video IS NULL OR length(media_video) = 16),"
	"  media_poster BLOB CHECK (media_poster IS NULL OR length(media_poster) = 16),"
	"  media_refusal TEXT NOT NULL DEFAULT '',"
	"  created_hour INTEGER NOT NULL,"
	"  CHECK (approved_by IS NULL OR (redacted_by IS NOT NULL AND approved_by <> redacted_by))"
	") STRICT;"
	"CREATE INDEX testimonies_created ON testimonies (created_hour);"
	"CREATE TABLE stories ("
	"  slug TEXT PRIMARY KEY CHECK (length(slug) BETWEEN 1 AND 40),"
	"  testimony BLOB UNIQUE CHECK (testimony IS NULL OR length(testimony) = 16),"
	"  language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 3),"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  copy_seq INTEGER NOT NULL,"
	"  redacted_by BLOB NOT NULL CHECK (length(redacted_by) = 16),"
	"  approved_by BLOB NOT NULL CHECK (length(approved_by) = 16),"
	"  published_by BLOB NOT NULL CHECK (length(published_by) = 16),"
	"  published_hour INTEGER NOT NULL,"
	"  until_hour INTEGER NOT NULL,"
	"  has_media INTEGER NOT NULL DEFAULT 0 CHECK (has_media IN (0, 1)),"
	"  CHECK (approved_by <> redacted_by AND published_by <> redacted_by AND published_by <> approved_by)"
	") STRICT;"
	"CREATE INDEX stories_published ON stories (published_hour);"
	/* when a testimony's case is shredded (store_case_delete), its row goes, and its
	 * published story stays without it (unless it was taken down first) */
	"CREATE TRIGGER testimonies_shredded AFTER DELETE ON cases WHEN OLD.stage = 102 BEGIN "
	"  UPDATE stories SET testimony = NULL WHERE testimony = OLD.id;"
	"  DELETE FROM testimonies WHERE id = OLD.id;"
	"END;",
	/* 9: the secure drop's offline submissions (issue 14). The case (its receipt and
	 * mailbox) is a row of cases at stage 103 sealed to the requester alone; its message
	 * and files are blobs under a file key f that only the offline machine opens: this row
	 * holds SEAL(P_off, f | root) wrapped under the case's shred key, whether it was
	 * exported and when (hour), and the blobs' ids in order (stream 0: the manifest with
	 * the message; then the files). Online submissions need no row here. */
	"CREATE TABLE drops ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  wrap BLOB NOT NULL CHECK (length(wrap) = 153),"
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1)),"
	"  created_hour INTEGER NOT NULL,"
	"  exported_hour INTEGER"
	") STRICT;"
	"CREATE INDEX drops_state ON drops (state, created_hour);"
	"CREATE TABLE drop_streams ("
	"  drop_id BLOB NOT NULL CHECK (length(drop_id) = 16),"
	"  seq INTEGER NOT NULL CHECK (seq >= 0),"
	"  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
	"  blob_len INTEGER NOT NULL CHECK (blob_len > 0),"
	"  PRIMARY KEY (drop_id, seq)"
	") STRICT;",
	/* 10: subtitles (issue 12). A version of an appeal's subtitles in one language is a
	 * sealed item of the appeal's case (its AD names the case, item id, epoch, role and
	 * field), kept in its own table so that reading an appeal reads no version; a task per
	 * appeal and language pair says what comes next. In the clear: the appeal, languages,
	 * version numbers and states, the accounts who wrote, reviewed, approved or took it,
	 * hours. Both go with the case when it is shredded. */
	"CREATE TABLE sub_versions ("
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  lang TEXT NOT NULL CHECK (length(lang) = 2),"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  item BLOB NOT NULL CHECK (length(item) = 16),"
	"  kind INTEGER NOT NULL,"
	"  role INTEGER NOT NULL,"
	"  field INTEGER NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),"
	"  author BLOB NOT NULL CHECK (length(author) = 16),"
	"  reviewer BLOB CHECK (reviewer IS NULL OR length(reviewer) = 16),"
	"  approver BLOB CHECK (approver IS NULL OR length(approver) = 16),"
	"  created_hour INTEGER NOT NULL,"
	"  ct BLOB NOT NULL,"
	"  PRIMARY KEY (case_id, lang, version)"
	") STRICT;"
	"CREATE TABLE sub_tasks ("
	"  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  src TEXT NOT NULL CHECK (length(src) BETWEEN 2 AND 3),"
	"  lang TEXT NOT NULL CHECK (length(lang) = 2),"
	"  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 5),"
	"  claimant BLOB CHECK (claimant IS NULL OR length(claimant) = 16),"
	"  claimed_until INTEGER,"
	"  version INTEGER NOT NULL DEFAULT 0,"
	"  created_hour INTEGER NOT NULL,"
	"  UNIQUE (case_id, lang)"
	") STRICT;"
	"CREATE INDEX sub_tasks_queue ON sub_tasks (kind, src, lang, created_hour);",
	/* 11: reach (issue 13): where each appeal or campaign item was posted, and the view
	 * counts the platforms' exports or an editor gave, as snapshots never overwritten.
	 * A post's platform, id, address, channel, subtitle language and day are public
	 * facts; who posted it is only a kind (0 not said, 1 staff, 2 partner), never an
	 * account (docs/operator.md, "Reach"). A snapshot's source is the BLAKE2b of the file
	 * (or of the typed count), so the same file twice adds nothing. reach_imports: each
	 * file's day, for the layouts that carry no date. The last three tables are kept by
	 * every import so the dashboard never reads the snapshots: a post's latest count per
	 * metric, its change per week, the sum of those per platform and week, and the sums
	 * of the latest counts per platform (kind 0), appeal or item (1: the appeal's id in
	 * hex, or '' and the item) and subtitle language (2). */
	"CREATE TABLE reach_posts ("
	"  id INTEGER PRIMARY KEY,"
	"  appeal BLOB CHECK (appeal IS NULL OR length(appeal) = 16),"
	"  item TEXT NOT NULL DEFAULT '',"
	"  platform TEXT NOT NULL CHECK (length(platform) BETWEEN 1 AND 16),"
	"  platform_id TEXT NOT NULL CHECK (length(platform_id) BETWEEN 1 AND 130),"
	"  url TEXT NOT NULL DEFAULT '',"
	"  channel TEXT NOT NULL DEFAULT '',"
	"  language TEXT NOT NULL DEFAULT '',"
	"  posted_day INTEGER,"
	"  posted_by INTEGER NOT NULL DEFAULT 0 CHECK (posted_by IN (0, 1, 2)),"
	"  account INTEGER NOT NULL DEFAULT 0 CHECK (account IN (0, 1)),"
	"  created_day INTEGER NOT NULL,"
	"  UNIQUE (platform, platform_id)"
	") STRICT;"
	"CREATE INDEX reach_posts_appeal ON reach_posts (appeal, item);"
	"CREATE INDEX reach_posts_url ON reach_posts (platform, url) WHERE url != '';"
	"CREATE TABLE reach_snapshots ("
	"  id INTEGER PRIMARY KEY,"
	"  post INTEGER NOT NULL REFERENCES reach_posts (id) ON DELETE CASCADE,"
	"  metric TEXT NOT NULL CHECK (length(metric) BETWEEN 1 AND 32),"
	"  period INTEGER NOT NULL CHECK (period IN (0, 1)),"
	"  measured_day INTEGER NOT NULL,"
	"  views INTEGER NOT NULL CHECK (views >= 0),"
	"  source BLOB NOT NULL CHECK (length(source) = 32),"
	"  lower INTEGER NOT NULL DEFAULT 0 CHECK (lower IN (0, 1)),"
	"  UNIQUE (post, metric, period, measured_day, source)"
	") STRICT;"
	"CREATE TABLE reach_imports ("
	"  source BLOB PRIMARY KEY CHECK (length(source) = 32),"
	"  day INTEGER NOT NULL,"
	"  layout INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE reach_latest ("
	"  post INTEGER NOT NULL REFERENCES reach_posts (id) ON DELETE CASCADE,"
	"  metric TEXT NOT NULL,"
	"  views INTEGER NOT NULL,"
	"  measured_day INTEGER NOT NULL,"
	"  lower INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (post, metric)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE reach_post_weeks ("
	"  post INTEGER NOT NULL REFERENCES reach_posts (id) ON DELETE CASCADE,"
	"  metric TEXT NOT NULL,"
	"  week INTEGER NOT NULL,"
	"  delta INTEGER NOT NULL,"
	"  PRIMARY KEY (post, metric, week)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE reach_weeks ("
	"  platform TEXT NOT NULL,"
	"  metric TEXT NOT NULL,"
	"  week INTEGER NOT NULL,"
	"  views INTEGER NOT NULL,"
	"  PRIMARY KEY (platform, metric, week)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE reach_sums ("
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),"
	"  k1 TEXT NOT NULL,"
	"  k2 TEXT NOT NULL DEFAULT '',"
	"  metric TEXT NOT NULL,"
	"  views INTEGER NOT NULL,"
	"  posts INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, k1, k2, metric)"
	") STRICT, WITHOUT ROWID;",
	/* 12: who set a testimony's video redaction (an account id, as redacted_by is): she
	 * neither approves nor publishes it, as the copy's redactor does not (triggers, since
	 * a CHECK cannot be added to a shipped table) */
	"ALTER TABLE testimonies ADD COLUMN media_by BLOB CHECK (media_by IS NULL OR length(media_by) = 16);"
	"CREATE TRIGGER testimonies_media_by_approve BEFORE UPDATE ON testimonies "
	"WHEN NEW.approved_by IS NOT NULL AND NEW.media_by IS NOT NULL AND NEW.approved_by = NEW.media_by BEGIN "
	"  SELECT RAISE(ABORT, 'CHECK constraint failed: approved_by <> media_by');"
	"END;"
	"CREATE TRIGGER stories_media_by_insert BEFORE INSERT ON stories "
	"WHEN EXISTS (SELECT 1 FROM testimonies t WHERE t.id = NEW.testimony AND t.media_by IS NOT NULL "
	"  AND (t.media_by = NEW.approved_by OR t.media_by = NEW.published_by)) BEGIN "
	"  SELECT RAISE(ABORT, 'CHECK constraint failed: approved_by, published_by <> media_by');"
	"END;",
	/* 13: a drop file's cleaned copy (issue 14), asked for by an analyst: which file
	 * (original, an attachment of a drop case), its state (0 being made, 1 made, 2 could
	 * not be), the copy's attachment (sealed like the original, same case and message) and,
	 * when it could not be made, sava's own reason (a msgid: never the file's content).
	 * Goes with the original's row, so with the case. */
	"CREATE TABLE drop_cleans ("
	"  original BLOB PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,"
	"  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),"
	"  clean BLOB UNIQUE REFERENCES attachments (id) ON DELETE SET NULL,"
	"  reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),"
	"  hour INTEGER NOT NULL"
	") STRICT;",
	/* 14: captions burned in (issue 12), and the cue editor's timing aids (below): per
	 * appeal and language (ru, be) the render of its
	 * approved subtitles, 16:9 and 9:16, sealed as files of the appeal's case. In the clear:
	 * the appeal, the language, the approved version rendered, the state of the job, its
	 * run (a random id: a newer approval's job replaces an older one's), the files' ids and
	 * sizes, an English reason, the hour. It goes with the case when it is shredded. */
	"CREATE TABLE sub_burns ("
	"  case_id BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
	"  lang TEXT NOT NULL CHECK (length(lang) = 2),"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  run BLOB NOT NULL CHECK (length(run) = 16),"
	"  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),"
	"  wide BLOB CHECK (wide IS NULL OR length(wide) = 16),"
	"  tall BLOB CHECK (tall IS NULL OR length(tall) = 16),"
	"  wide_bytes INTEGER NOT NULL DEFAULT 0,"
	"  tall_bytes INTEGER NOT NULL DEFAULT 0,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  hour INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, lang)"
	") STRICT;"
	/* and the cue editor's timing aids, made once per clean video: the waveform picture
	 * and the pauses, both sealed files of the case, and a machine transcription waiting
	 * to be used ([subtitles] transcribe_cmd); in the clear only their ids, the states of
	 * the jobs that make them and the hour */
	"CREATE TABLE sub_aids ("
	"  case_id BLOB PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,"
	"  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),"
	"  wave BLOB CHECK (wave IS NULL OR length(wave) = 16),"
	"  pauses BLOB CHECK (pauses IS NULL OR length(pauses) = 16),"
	"  hour INTEGER NOT NULL,"
	"  transcribing INTEGER NOT NULL DEFAULT 0 CHECK (transcribing BETWEEN 0 AND 3),"
	"  transcript BLOB CHECK (transcript IS NULL OR length(transcript) = 16)"
	") STRICT;",
	/* 15: a reach import's snapshots found by its file's hash (its first 8 bytes are
	 * enough to be selective), so that an editor can take a wrong file back */
	"CREATE INDEX reach_snapshots_source ON reach_snapshots (substr(source, 1, 8));",
};

#define STORE_VERSION ((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

void
store_failed(sqlite3 *db)
{
	int err = 0;
	if (!db)
		return;
	int code = sqlite3_extended_errcode(db);
	if ((code & 0xff) == SQLITE_FULL)
		err = ENOSPC;   /* the unix VFS says SQLITE_FULL for a write that found no room */
	else if ((code & 0xff) == SQLITE_IOERR)
		err = sqlite3_system_errno(db);   /* EDQUOT, or ENOSPC from an fsync */
	if (err) {
		const char *path = sqlite3_db_filename(db, "main");
		(void)diskfull_check(path && path[0] ? path : "the database", err);
	}
}

int
store_schema_version(void)
{
	return STORE_VERSION;
}

static int
store_exec(store_t *st, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(st), sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "database error: %s", msg ? msg : sqlite3_errmsg(store_db(st)));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
store_user_version(store_t *st, int *version)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(st), "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Runs every migration past the current version, each in its own transaction. */
static int
store_migrate(store_t *st, char *err, size_t errlen)
{
	int version;
	if (store_user_version(st, &version) != 0) {
		snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(store_db(st)));
		return -1;
	}
	if (version > STORE_VERSION) {
		snprintf(err, errlen,
		    "this database was written by a newer sava (schema %d; this sava knows up to %d). "
		    "Run the newer sava, or restore a backup made by this version.",
		    version, STORE_VERSION);
		return -1;
	}
	for (int v = version; v < STORE_VERSION; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d;", v + 1);
		if (store_exec(st, "BEGIN IMMEDIATE;", err, errlen) != 0)
			return -1;
		if (store_exec(st, store_migrations[v], err, errlen) != 0 ||
		    store_exec(st, pragma, err, errlen) != 0) {
			char ignored[64];
			(void)store_exec(st, "ROLLBACK;", ignored, sizeof(ignored));
			return -1;
		}
		if (store_exec(st, "COMMIT;", err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Per connection: FULL so a commit is on disk before we say so; secure_delete so freed
 * pages are overwritten with zeros; no temporary files. (WAL is set once, in the file.) */
static const char store_pragmas[] =
    "PRAGMA synchronous = FULL;"
    "PRAGMA secure_delete = ON;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA trusted_schema = OFF;"
    "PRAGMA temp_store = MEMORY;";

/* Waiting for another writer (threads of this process, or a CLI command): short sleeps,
 * for about 5 s in all. SQLite's own busy timeout sleeps 1 ms, then 2, 5, 10...: far
 * longer than a commit here takes, so writers on two threads would mostly wait. */
static int
store_busy(void *arg, int tries)
{
	(void)arg;
	if (tries >= 100 + 25000)
		return 0;
	struct timespec ts = { 0, tries < 100 ? 20000 : 200000 };
	nanosleep(&ts, NULL);
	return 1;
}

static uint64_t store_next_id = 1;
static pthread_mutex_t store_id_lock = PTHREAD_MUTEX_INITIALIZER;

static store_t *
store_new(const char *dir, const char *path, int flags)
{
	store_t *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	snprintf(st->path, sizeof(st->path), "%s", path);
	snprintf(st->blobs, sizeof(st->blobs), "%.4096s/blobs", dir);
	snprintf(st->media, sizeof(st->media), "%.4096s/media", dir);
	st->flags = flags;
	st->owner = pthread_self();
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_lock(&store_id_lock);
	st->id = store_next_id++;
	pthread_mutex_unlock(&store_id_lock);
	return st;
}

#define STORE_TLS_SLOTS 8
static __thread struct {
	uint64_t id;
	sqlite3 *db;
} store_tls[STORE_TLS_SLOTS];
static __thread unsigned store_tls_next;

/* Once per process, before the first connection: SQLite's memory statistics take one
 * global mutex on every allocation, which every request thread then queues on (11 % of
 * the triage queue's time in bench/README.md's profile); sava never reads them. Each
 * connection belongs to one thread (store_db), so none needs SQLite's own mutex either
 * (SQLITE_OPEN_NOMUTEX). */
static pthread_once_t store_sqlite_once = PTHREAD_ONCE_INIT;

static void
store_sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

sqlite3 *
store_db(store_t *st)
{
	if (pthread_equal(st->owner, pthread_self()))
		return st->db;
	for (unsigned i = 0; i < STORE_TLS_SLOTS; i++)
		if (store_tls[i].id == st->id)
			return store_tls[i].db;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(st->path, &db, st->flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, (st->flags & SQLITE_OPEN_READONLY) ? "PRAGMA query_only = ON;" : store_pragmas, NULL, NULL,
	        NULL) != SQLITE_OK) {
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_handler(db, store_busy, NULL);
	pthread_mutex_lock(&st->lock);
	if (st->nconns == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 8;
		sqlite3 **p = realloc(st->conns, cap * sizeof(*p));
		if (!p) {
			pthread_mutex_unlock(&st->lock);
			sqlite3_close_v2(db);
			return NULL;
		}
		st->conns = p;
		st->cap = cap;
	}
	st->conns[st->nconns++] = db;
	pthread_mutex_unlock(&st->lock);
	store_tls[store_tls_next].id = st->id;
	store_tls[store_tls_next].db = db;
	store_tls_next = (store_tls_next + 1) % STORE_TLS_SLOTS;
	return db;
}

static int
store_open_path(const char *dir, int flags, store_t **out, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/sava.db", dir);

	pthread_once(&store_sqlite_once, store_sqlite_setup);
	store_t *st = store_new(dir, path, flags);
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return -1;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_handler(st->db, store_busy, NULL);
	/* WAL for concurrent readers; FULL so a commit is on disk before we say so;
	 * secure_delete so freed pages are overwritten with zeros. */
	if (store_exec(st, "PRAGMA journal_mode = WAL;", err, errlen) != 0 ||
	    store_exec(st, store_pragmas, err, errlen) != 0 ||
	    store_migrate(st, err, errlen) != 0) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
store_create(const char *dir, kdf_profile_t kdf, store_t **out, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/sava.db", dir);
	/* Create the file ourselves so it is 0600 from its first byte. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	if (store_open_path(dir, SQLITE_OPEN_READWRITE, out, err, errlen) != 0)
		return -1;

	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2((*out)->db,
	    "INSERT INTO instance (id, created_day, kdf_profile) VALUES (1, ?, ?)", -1, &q, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, clock_day());
		sqlite3_bind_text(q, 2, kdf == KDF_INSECURE_FAST ? "insecure-fast" : "production", -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "cannot record the instance: %s", sqlite3_errmsg((*out)->db));
		store_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
store_open(const char *dir, store_t **out, char *err, size_t errlen)
{
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/sava.db", dir);
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "no database at %s: is %s an instance made by `sava init`?", path, dir);
		return -1;
	}
	return store_open_path(dir, SQLITE_OPEN_READWRITE, out, err, errlen);
}

int
store_open_readonly(const char *dir, store_t **out, char *err, size_t errlen)
{
	char path[4096];
	struct stat sb;
	int version = -1;
	snprintf(path, sizeof(path), "%s/sava.db", dir);
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "no database at %s: is %s an instance made by `sava init`?", path, dir);
		return -1;
	}
	pthread_once(&store_sqlite_once, store_sqlite_setup);
	store_t *st = store_new(dir, path, SQLITE_OPEN_READONLY);
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return -1;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_handler(st->db, store_busy, NULL);
	if (store_exec(st, "PRAGMA query_only = ON; PRAGMA trusted_schema = OFF;", err, errlen) != 0 ||
	    store_user_version(st, &version) != 0 || version < 1 || version > STORE_VERSION) {
		if (version > STORE_VERSION)
			snprintf(err, errlen, "this database was written by a newer sava (schema %d; this sava knows up to %d)",
			    version, STORE_VERSION);
		else if (version >= 0 && version < 1)
			snprintf(err, errlen, "%s is not a sava database (it has no schema)", path);
		else if (version < 0)
			snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(st->db));
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
store_close(store_t *st)
{
	if (!st)
		return;
	/* Called once every thread that used the store has finished with it. */
	for (size_t i = 0; i < st->nconns; i++)
		sqlite3_close_v2(st->conns[i]);
	free(st->conns);
	if (st->db)
		sqlite3_close_v2(st->db);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int
store_instance_get(store_t *st, store_instance_t *out)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(store_db(st), "SELECT created_day, kdf_profile FROM instance WHERE id = 1", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return -1;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->created_day = sqlite3_column_int64(q, 0);
		const unsigned char *k = sqlite3_column_text(q, 1);
		out->kdf = (k && strcmp((const char *)k, "insecure-fast") == 0) ? KDF_INSECURE_FAST : KDF_PRODUCTION;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_check(store_t *st)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(st), "PRAGMA integrity_check", -1, &q, NULL) != SQLITE_OK)
		return -1;
	int ok = sqlite3_step(q) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
	sqlite3_finalize(q);
	return ok ? 0 : -1;
}

int
store_set_durable(store_t *st, bool durable)
{
	return sqlite3_exec(store_db(st), durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF", NULL, NULL,
	           NULL) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}
