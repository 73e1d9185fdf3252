package auditlog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
	"beredskap/internal/audittree"
)

// Source is what Verify reads: the entries and the tree of a database.
type Source interface {
	ScanAudit(ctx context.Context, fn func(*beredskap.AuditEntry) error) error
	beredskap.AuditTreeStore
}

// VerifyConfig says what Verify checks a database against.
type VerifyConfig struct {
	LogKey note.Verifier // the audit log's verifier key
	// Keepers keep the checkpoints outside the database. Verify fails
	// without one: a database cannot vouch for itself.
	Keepers []Keeper
	// Cosigners are the witnesses whose signatures the newest checkpoint
	// kept outside the database must carry.
	Cosigners []note.Verifier
	// Grace is how old an entry may be and yet in no checkpoint: the
	// signer's interval and some; 5 minutes when 0.
	Grace time.Duration
	Now   time.Time
}

// Result is what Verify found in an intact trail.
type Result struct {
	Entries     int64       // entries in the trail, all of them checked
	Tree        int64       // leaves in the stored tree
	Checkpoints int         // signed checkpoints checked
	Newest      *Checkpoint // the newest checkpoint kept outside the database
	Unproven    int64       // entries after Newest, still within Grace
}

// Failure is a disagreement Verify found: what, and the first entry
// concerned where it can tell (0 when it cannot).
type Failure struct {
	Seq    int64
	Reason string
}

func (f *Failure) Error() string { return f.Reason }

// fail returns a Failure.
func fail(seq int64, format string, args ...any) *Failure {
	return &Failure{Seq: seq, Reason: fmt.Sprintf(format, args...)}
}

// Verify checks the trail of src: every entry's hash chain; the stored
// tree against the tree rebuilt from the entries; every signed checkpoint
// kept outside the database and the database's copies, each signed by the
// log's key, the database not smaller and its tree at the checkpoint's
// size with the checkpoint's root (and a consistency proof from the newest
// to the whole trail); the newest checkpoint outside not older than the
// database's copies, cosigned as required, and covering every entry older
// than Grace. It returns a *Failure for a disagreement, naming the first
// entry concerned where it can, and other errors when it could not read.
// The rebuilt tree is held in memory: 64 bytes an entry.
func Verify(ctx context.Context, src Source, cfg VerifyConfig) (*Result, error) {
	if len(cfg.Keepers) == 0 {
		return nil, fail(0, "no place outside the database holds checkpoints to check it against")
	}
	var mem audittree.Memory
	var ats []time.Time
	chain := beredskap.NewChainVerifier()
	err := src.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		if brk := chain.Add(e); brk != nil {
			return brk
		}
		mem.Append(e.LeafHash())
		ats = append(ats, e.At)
		return nil
	})
	var brk *beredskap.ChainBreak
	if errors.As(err, &brk) {
		return nil, fail(brk.Seq, "%s", brk.Error())
	} else if err != nil {
		return nil, err
	}
	res := &Result{Entries: mem.Size()}
	if err := checkStoredTree(src, &mem, res); err != nil {
		return nil, err
	}
	outside, err := keptOutside(ctx, cfg)
	if err != nil {
		return nil, err
	}
	inside, err := src.LatestCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	all := outside
	var copyCP *Checkpoint
	if inside != nil {
		if copyCP, err = Open(inside, cfg.LogKey, cfg.Cosigners...); err != nil {
			return nil, fail(0, "the database's copy of the newest checkpoint: %v (forged or altered)", err)
		}
		all = append(slices.Clone(outside), copyCP)
	}
	res.Checkpoints = len(all)
	if err := checkAgainst(&mem, all); err != nil {
		return nil, err
	}
	if len(outside) > 0 {
		res.Newest = outside[len(outside)-1]
	}
	return res, checkCoverage(cfg, res, copyCP, ats)
}

// checkStoredTree compares the stored tree with the tree rebuilt from the
// entries, hash by hash.
func checkStoredTree(src Source, mem *audittree.Memory, res *Result) error {
	tree, _, err := src.AuditTreeSize(context.Background())
	if err != nil {
		return err
	}
	res.Tree = tree
	if tree > mem.Size() {
		return fail(mem.Size()+1, "the stored tree has %d leaves but the trail only %d entries: entries %d to %d were deleted",
			tree, mem.Size(), mem.Size()+1, tree)
	}
	count := tlog.StoredHashCount(tree)
	for from := int64(0); from < count; from += 1024 {
		indexes := make([]int64, 0, 1024)
		for i := from; i < min(count, from+1024); i++ {
			indexes = append(indexes, i)
		}
		stored, err := src.ReadHashes(indexes)
		if err != nil {
			return err
		}
		for i, h := range stored {
			if want, _ := mem.Stored(indexes[i]); h != want {
				level, n := tlog.SplitStoredHashIndex(indexes[i])
				first := n<<level + 1
				return fail(first, "the stored tree disagrees with the entries from entry %d to %d: an entry or the tree was altered",
					first, (n+1)<<level)
			}
		}
	}
	return nil
}

// keptOutside opens every checkpoint the keepers hold, oldest first.
func keptOutside(ctx context.Context, cfg VerifyConfig) ([]*Checkpoint, error) {
	var out []*Checkpoint
	for _, k := range cfg.Keepers {
		kept, err := k.Kept(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range kept {
			cp, err := Open(c.Note, cfg.LogKey, cfg.Cosigners...)
			if err != nil {
				return nil, fail(0, "checkpoint %s: %v (forged or altered)", c.Label, err)
			}
			if c.Size >= 0 && c.Size != cp.Size {
				return nil, fail(0, "checkpoint %s is named for %d entries but holds %s: a checkpoint was replayed in another's place",
					c.Label, c.Size, cp)
			}
			out = append(out, cp)
		}
	}
	slices.SortStableFunc(out, func(a, b *Checkpoint) int { return cmp.Compare(a.Size, b.Size) })
	for i := 1; i < len(out); i++ {
		if out[i].Time.Before(out[i-1].Time) {
			return nil, fail(0, "%s is older than %s: a checkpoint was replayed", out[i], out[i-1])
		}
	}
	return out, nil
}

// checkAgainst checks the trail against each checkpoint: not smaller, the
// same root at its size, and (for the largest) a consistency proof.
func checkAgainst(mem *audittree.Memory, cps []*Checkpoint) error {
	n := mem.Size()
	var good int64
	var bad *Checkpoint
	largest := (*Checkpoint)(nil)
	for _, cp := range cps {
		if cp.Size > n {
			return fail(n+1, "the trail has %d entries but %s: entries %d to %d were deleted, or the database was rolled back to an earlier copy",
				n, cp, n+1, cp.Size)
		}
		root, err := tlog.TreeHash(cp.Size, mem)
		if err != nil {
			return err
		}
		if root != cp.Root {
			if bad == nil || cp.Size < bad.Size {
				bad = cp
			}
		} else if cp.Size > good {
			good = cp.Size
		}
		if largest == nil || cp.Size > largest.Size {
			largest = cp
		}
	}
	if bad != nil {
		from := int64(1)
		if good < bad.Size {
			from = good + 1
		}
		return fail(from, "the entries disagree with %s: an entry from %d to %d was altered, deleted or inserted, or the chain rebuilt",
			bad, from, bad.Size)
	}
	if largest != nil && largest.Size > 0 {
		proof, err := tlog.ProveTree(n, largest.Size, mem)
		if err != nil {
			return err
		}
		root, err := tlog.TreeHash(n, mem)
		if err != nil {
			return err
		}
		if err := tlog.CheckTree(proof, n, root, largest.Size, largest.Root); err != nil {
			return fail(0, "the trail is not consistent with %s: %v", largest, err)
		}
	}
	return nil
}

// checkCoverage checks that the checkpoints kept outside the database are
// not behind its own copies, carry the cosignatures asked for, and cover
// every entry older than the grace.
func checkCoverage(cfg VerifyConfig, res *Result, copyCP *Checkpoint, ats []time.Time) error {
	var covered int64
	if res.Newest != nil {
		covered = res.Newest.Size
	}
	names := make([]string, len(cfg.Keepers))
	for i, k := range cfg.Keepers {
		names[i] = k.Name()
	}
	where := strings.Join(names, ", ")
	if copyCP != nil && copyCP.Size > covered {
		return fail(covered+1, "the database holds a copy of %s but %s holds none as large: checkpoints were deleted", copyCP, where)
	}
	if res.Newest != nil {
		for _, v := range cfg.Cosigners {
			if !res.Newest.CosignedBy(v.Name()) {
				return fail(0, "%s is not cosigned by the witness %s", res.Newest, v.Name())
			}
		}
	}
	res.Unproven = res.Entries - covered
	if res.Unproven == 0 {
		return nil
	}
	grace := cfg.Grace
	if grace <= 0 {
		grace = 5 * time.Minute
	}
	first := ats[covered]
	if cfg.Now.Sub(first) <= grace {
		return nil
	}
	if res.Newest == nil {
		return fail(1, "no signed checkpoint is kept in %s though the trail has %d entries, the first from %s: "+
			"checkpoints were deleted, or none was signed (start the server or run beredskap audit checkpoint)",
			where, res.Entries, first.UTC().Format(time.RFC3339))
	}
	return fail(covered+1, "entries %d to %d are in no checkpoint kept in %s though entry %d dates from %s: "+
		"checkpoints were deleted, or none was signed since (start the server or run beredskap audit checkpoint)",
		covered+1, res.Entries, where, covered+1, first.UTC().Format(time.RFC3339))
}
