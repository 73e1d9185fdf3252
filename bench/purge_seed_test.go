package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"beredskap/rules"
	"beredskap/sqlite"
)

// seedPragmas are the settings of the connections that seed a benchmark's
// SQLite file: no syncs, and a page cache of 1 GiB, so that a million
// rows with randomly ordered receipts go into their indexes in memory.
const seedPragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)" +
	"&_pragma=cache_size(-1048576)&_pragma=temp_store(memory)"

// purgeSeedVersion names the layout seedPurge writes; a cached file of
// another version is not reused.
const purgeSeedVersion = 2

// seedPurge fills the SQLite file at path with n registrations, each with
// an ended follow-up plan, a call report and two SMS. When the directory
// BEREDSKAP_BENCH_SEED_DIR is set, a file seeded before with the same n is
// copied instead, and a new one is kept there for the next run: seeding a
// million takes minutes, copying it seconds.
func seedPurge(b *testing.B, path string, book *rules.Book, n int, at time.Time) {
	b.Helper()
	dir := os.Getenv("BEREDSKAP_BENCH_SEED_DIR")
	cached := filepath.Join(dir, fmt.Sprintf("purge-v%d-%d.db", purgeSeedVersion, n))
	if dir != "" {
		if _, err := os.Stat(cached); err == nil {
			// Migrations added since it was seeded are applied to the
			// kept file once, not in every run.
			db, err := sqlite.Open(context.Background(), cached)
			if err != nil {
				b.Fatal(err)
			}
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			copyFile(b, cached, path)
			b.Logf("copied the seeded file %s", cached)
			return
		}
	}
	seedActive(b, path, book, n, at)
	seedFollowUp(b, path)
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		copyFile(b, path, cached+".part")
		if err := os.Rename(cached+".part", cached); err != nil {
			b.Fatal(err)
		}
	}
}

// copyFile copies the file from to the new file to.
func copyFile(b *testing.B, from, to string) {
	b.Helper()
	src, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
}

// seedFollowUp gives every registration of the file an ended follow-up
// plan, one call report and two delivered SMS, straight in SQL, in the
// order of arrival, which is the order the purge takes them in.
func seedFollowUp(b *testing.B, path string) {
	b.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?"+seedPragmas)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`INSERT INTO followup_plans (receipt, municipality, person_key, first_name, last_name, first_lower, last_lower,
			birth_date, phone, email, language, arrival_at, arrival_day, first_day, last_day, rule_id, sms_days, call_days,
			status, end_reason, ended_at, employer_org, reached, breach_suspected, attempts, last_report_at, next_call_at,
			claimed_by, lease_until, created_at, updated_at)
		SELECT receipt, municipality, 'nid:' || receipt, first_name, last_name, lower(first_name), lower(last_name),
			birth_date, '+4790000000', '', language, arrival_at, substr(arrival_at, 1, 10), substr(arrival_at, 1, 10),
			quarantine_last_day, rule_id, '[2,5]', '[1,3,7]', 'ended', 'quarantine_over', created_at, '', 1, 0, 1, NULL,
			arrival_at, '', NULL, created_at, created_at FROM registrations ORDER BY arrival_at, rowid`,
		`INSERT INTO call_reports (plan_id, receipt, municipality, operator, outcome, language, interpreter, understood,
			staying_at, breaches, breach_suspected, breach_text, employer_breach, employer_org, employer_name,
			employer_text, corrects, created_at)
		SELECT id, receipt, municipality, 'operator', 'reached', language, 0, 'yes', 'registered_address', '', 0, '', 0,
			'', '', '', 0, created_at FROM followup_plans ORDER BY id`,
		`INSERT INTO sms_outbox (plan_id, receipt, to_number, language, template, body, encoding, segments, status,
			attempts, next_attempt_at, provider_id, last_error, sent_by, created_at, updated_at, delivered_at)
		SELECT id, receipt, phone, language, t.key, 'Husk karantene', 'gsm7', 1, 'delivered', 1, created_at, '', '',
			'system', created_at, created_at, created_at FROM followup_plans, (SELECT 'day2' AS key UNION ALL SELECT 'day5') t
			ORDER BY id, t.key`,
	} {
		if _, err := raw.Exec(q); err != nil {
			b.Fatalf("seed follow-up: %v", err)
		}
	}
}
