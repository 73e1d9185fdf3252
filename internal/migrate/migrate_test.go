package migrate

import (
	"context"
	"testing"
	"testing/fstest"

	"beredskap"
)

func TestLoadOrdersAndRejectsBadNames(t *testing.T) {
	ms, err := Load(fstest.MapFS{
		"m/0010_b.sql": {Data: []byte("B")},
		"m/0002_a.sql": {Data: []byte("A")},
		"m/README":     {Data: []byte("not a migration")},
	}, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 2 || ms[1].Version != 10 || ms[1].SQL != "B" || Latest(ms) != 10 {
		t.Fatalf("got %+v", ms)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no version": {"m/x_a.sql": {}},
		"zero":       {"m/0000_a.sql": {}},
		"duplicate":  {"m/0001_a.sql": {}, "m/1_b.sql": {}},
	} {
		if _, err := Load(fsys, "m"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// recorder is a Target that records what it applies; version is the
// highest version recorded, all versions up to it are recorded except
// those in missing, and expand marks the versions recorded as expand
// migrations.
type recorder struct {
	version int
	missing map[int]bool
	applied []string
	expand  map[int]bool
}

func (r *recorder) Applied(context.Context) (map[int]bool, error) {
	out := map[int]bool{}
	for v := 1; v <= r.version; v++ {
		if !r.missing[v] {
			out[v] = true
		}
	}
	return out, nil
}

func (r *recorder) OnlyExpandAfter(_ context.Context, known int) (bool, error) {
	for v := known + 1; v <= r.version; v++ {
		if !r.expand[v] {
			return false, nil
		}
	}
	return true, nil
}

func (r *recorder) Apply(_ context.Context, m Migration) error {
	r.applied = append(r.applied, m.Name)
	delete(r.missing, m.Version)
	r.version = max(r.version, m.Version)
	return nil
}

func TestRunAppliesWhatIsMissingAndRefusesNewer(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "1_a.sql"}, {Version: 2, Name: "2_b.sql"}, {Version: 3, Name: "3_c.sql"}}
	r := &recorder{version: 1}
	if err := Run(context.Background(), r, ms); err != nil {
		t.Fatal(err)
	}
	if got, want := r.applied, []string{"2_b.sql", "3_c.sql"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("applied %v, want %v", got, want)
	}
	r = &recorder{version: 4}
	err := Run(context.Background(), r, ms)
	if beredskap.ErrorCode(err) != beredskap.ECONFLICT || len(r.applied) != 0 {
		t.Fatalf("newer schema: err %v, applied %v", err, r.applied)
	}
}

// A migration numbered below the highest applied one (it landed after a
// higher one) is applied too, and the others are not applied again.
func TestRunAppliesAMissingLowerVersion(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "1_a.sql"}, {Version: 2, Name: "2_b.sql"}, {Version: 3, Name: "3_c.sql"}}
	r := &recorder{version: 3, missing: map[int]bool{2: true}}
	if err := Run(context.Background(), r, ms); err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 1 || r.applied[0] != "2_b.sql" {
		t.Fatalf("applied %v, want [2_b.sql]", r.applied)
	}
}

// An older release starts on a schema that newer releases only expanded
// (a rolling upgrade), and refuses one a newer release also contracted.
func TestRunOnExpandedSchema(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "1_a.sql"}, {Version: 2, Name: "2_b.sql"}}
	r := &recorder{version: 4, expand: map[int]bool{3: true, 4: true}}
	if err := Run(context.Background(), r, ms); err != nil || len(r.applied) != 0 {
		t.Fatalf("schema expanded by 3 and 4: err %v, applied %v; want nil, nothing", err, r.applied)
	}
	r = &recorder{version: 4, expand: map[int]bool{3: true}}
	if err := Run(context.Background(), r, ms); beredskap.ErrorCode(err) != beredskap.ECONFLICT || len(r.applied) != 0 {
		t.Fatalf("schema contracted by 4: err %v, applied %v; want ECONFLICT", err, r.applied)
	}
	loaded, err := Load(fstest.MapFS{
		"m/0001_a.sql": {Data: []byte("-- expand: adds a column; the previous release runs on it\nALTER TABLE t ADD COLUMN c int;")},
		"m/0002_b.sql": {Data: []byte("ALTER TABLE t DROP COLUMN d;\n-- expand")},
	}, "m")
	if err != nil || !loaded[0].Expand || loaded[1].Expand {
		t.Fatalf("Load: %+v, %v; want the first marked expand, the second not", loaded, err)
	}
}

// The digest tells apart migrations that differ in SQL, version or expand
// mark, and is the same for the same migrations.
func TestDigest(t *testing.T) {
	base := []Migration{{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x int);"}}
	d := Digest(base)
	if again := Digest([]Migration{base[0]}); again != d {
		t.Errorf("digest of the same migrations %s; then %s", d, again)
	}
	for name, other := range map[string]Migration{
		"sql":     {Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (y int);"},
		"version": {Version: 2, Name: "0001_a.sql", SQL: "CREATE TABLE a (x int);"},
		"expand":  {Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x int);", Expand: true},
	} {
		if Digest([]Migration{other}) == d {
			t.Errorf("another %s gives the same digest", name)
		}
	}
}
