package retention_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"
)

// tableRows returns every row of every table of the database, each row as
// text ("table: column values..."), read straight from the tables: SQLite
// through its catalogue and each table's columns, PostgreSQL through
// information_schema and the row's text form.
func tableRows(t *testing.T, kind, dsn string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	switch kind {
	case "sqlite":
		db, err := sql.Open("sqlite", "file:"+dsn+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
		if len(tables) < 20 {
			t.Fatalf("found %d tables; the scan would prove nothing", len(tables))
		}
		for _, table := range tables {
			rows, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
			if err != nil {
				t.Fatalf("scan %s: %v", table, err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				b.WriteString(table + ":")
				for _, v := range vals {
					if bs, ok := v.([]byte); ok {
						v = string(bs)
					}
					fmt.Fprintf(&b, " %v", v)
				}
				out = append(out, b.String())
			}
			rows.Close()
		}
	case "postgres":
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) < 20 {
			t.Fatalf("found %d tables; the scan would prove nothing", len(tables))
		}
		for _, table := range tables {
			rows, err := conn.Query(ctx, `SELECT t::text FROM "`+table+`" t`)
			if err != nil {
				t.Fatalf("scan %s: %v", table, err)
			}
			texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range texts {
				out = append(out, table+": "+s)
			}
		}
	default:
		t.Fatalf("unknown store %q", kind)
	}
	return out
}

func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// findPersonal returns the rows that hold any of the needles, compared
// without case.
func findPersonal(rows []string, needles []string) []string {
	var hits []string
	for _, r := range rows {
		l := strings.ToLower(r)
		for _, n := range needles {
			if strings.Contains(l, strings.ToLower(n)) {
				hits = append(hits, fmt.Sprintf("%q in %.300s", n, r))
			}
		}
	}
	return hits
}
