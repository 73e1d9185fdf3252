package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// runCheck checks a run: every acknowledged registration is on the
// database with the receipt it was acknowledged with, each key maps to one
// receipt, no plan was held by two operators at once, the provider never
// took one message twice, each user got at most one digest per day and
// kind (and, with -mail-dir, at most one e-mail in the run), and the run
// had at least the holds, SMS and digests asked for. It fails with every
// problem found.
func runCheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	db := fs.String("db", "", "postgres:// URL of the primary")
	loads := fs.String("load", "load.json", "comma-separated results of load runs")
	smsFile := fs.String("sms", "sms.json", "what the SMS provider took")
	minSMS := fs.Int("min-sms", 0, "fewest SMS the provider must have taken")
	minHolds := fs.Int("min-holds", 0, "fewest holds of follow-up plans the operators must have had")
	mailDir := fs.String("mail-dir", "", "directory of the e-mail the instances wrote (.eml), to count digests by recipient")
	minDigests := fs.Int("min-digests", 0, "fewest daily digests that must have been mailed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, *db)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	var acks []ack
	var holds []holding
	for _, f := range strings.Split(*loads, ",") {
		var r loadResult
		if err := readJSON(f, &r); err != nil {
			return err
		}
		acks = append(acks, r.Acks...)
		holds = append(holds, r.Holdings...)
	}
	seen := map[string]string{}
	for _, a := range acks {
		if r, ok := seen[a.Key]; ok && r != a.Receipt {
			bad("key %s acknowledged with two receipts, %s and %s", a.Key, r, a.Receipt)
		}
		seen[a.Key] = a.Receipt
		var receipt string
		err := conn.QueryRow(ctx, `SELECT i.receipt FROM idempotency i JOIN registrations r ON r.receipt = i.receipt WHERE i.key = $1`, a.Key).Scan(&receipt)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			bad("acknowledged registration %s (key %s) is not on the primary", a.Receipt, a.Key)
		case err != nil:
			return err
		case receipt != a.Receipt:
			bad("key %s maps to %s on the primary but was acknowledged as %s", a.Key, receipt, a.Receipt)
		}
	}

	sort.Slice(holds, func(i, j int) bool { return holds[i].From.Before(holds[j].From) })
	last := map[int64]holding{}
	for _, h := range holds {
		if p, ok := last[h.Plan]; ok && p.Operator != h.Operator && h.From.Before(p.To) {
			bad("plan %d held by operators %d and %d at once", h.Plan, p.Operator, h.Operator)
		}
		if p, ok := last[h.Plan]; !ok || h.To.After(p.To) {
			last[h.Plan] = h
		}
	}

	if len(holds) < *minHolds {
		bad("the operators held %d plans; want at least %d", len(holds), *minHolds)
	}

	var rec smsRecord
	if err := readJSON(*smsFile, &rec); err != nil {
		return err
	}
	bodies := map[string]int{}
	for _, m := range rec.Accepted {
		bodies[m.To+"\x00"+m.Body]++
	}
	for k, n := range bodies {
		if n > 1 {
			to, body, _ := strings.Cut(k, "\x00")
			bad("the provider took one message %d times: to %s: %.60q", n, to, body)
		}
	}
	if len(rec.Accepted) < *minSMS {
		bad("the provider took %d SMS; want at least %d", len(rec.Accepted), *minSMS)
	}

	rows, err := conn.Query(ctx, `SELECT object, split_part(detail, ' ', 1), (at AT TIME ZONE 'Europe/Oslo')::date, count(*)
FROM audit WHERE action = 'followup.digest' GROUP BY 1, 2, 3 HAVING count(*) > 1 AND split_part(detail, ' ', 1) = 'daily'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var object, kind, day string
		var n int
		if err := rows.Scan(&object, &kind, &day, &n); err != nil {
			return err
		}
		bad("%s got %d %s digests on %s", object, n, kind, day)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var digests int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM audit WHERE action = 'followup.digest' AND detail LIKE 'daily %'`).Scan(&digests); err != nil {
		return err
	}
	if digests < *minDigests {
		bad("%d daily digests were claimed; want at least %d", digests, *minDigests)
	}
	mails := 0
	if *mailDir != "" {
		byRecipient, err := mailsByRecipient(*mailDir)
		if err != nil {
			return err
		}
		for to, n := range byRecipient {
			mails += n
			if n > 1 {
				bad("%s got %d e-mails; the run passes one digest hour", to, n)
			}
		}
		if mails < *minDigests {
			bad("%d digests were mailed; want at least %d", mails, *minDigests)
		}
	}
	fmt.Printf("checked: %d acknowledged registrations, %d holds, %d SMS taken (%d duplicate requests answered by key), %d daily digests claimed and %d mailed\n",
		len(acks), len(holds), len(rec.Accepted), rec.Stats.Duplicates, digests, mails)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// mailsByRecipient counts the .eml files in dir by their To header.
func mailsByRecipient(dir string) (map[string]int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[m.Header.Get("To")]++
	}
	return out, nil
}
