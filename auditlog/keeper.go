package auditlog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// Keeper keeps signed checkpoints outside the database: a directory
// (Dir), or a witness (WitnessClient).
type Keeper interface {
	// Name says where the checkpoints are kept, for messages.
	Name() string
	// Publish hands over a new signed checkpoint. prove returns the
	// consistency proof of the checkpoint's tree from an older size, for
	// a keeper that checks it. Publish returns the note as kept, with any
	// cosignatures the keeper added.
	Publish(ctx context.Context, cp *Checkpoint, prove func(old int64) (tlog.TreeProof, error)) ([]byte, error)
	// Kept returns the checkpoints kept, for verification.
	Kept(ctx context.Context) ([]Kept, error)
}

// Kept is a checkpoint as a keeper holds it.
type Kept struct {
	Label string // where it is kept, such as its file
	Note  []byte
	// Size is the size its label claims, or -1 when the label claims
	// none.
	Size int64
}

// Dir keeps checkpoints as files in a directory, one per checkpoint, named
// after its size.
type Dir struct {
	Path string
}

// Name returns the directory's path.
func (d Dir) Name() string { return d.Path }

// checkpointName returns the file name of a checkpoint of size leaves.
func checkpointName(size int64) string { return fmt.Sprintf("%020d.checkpoint", size) }

// Publish writes the checkpoint's note to its file, through a temporary
// file and a rename.
func (d Dir) Publish(ctx context.Context, cp *Checkpoint, _ func(int64) (tlog.TreeProof, error)) ([]byte, error) {
	dir := filepath.Join(d.Path, checkpointsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("keep checkpoint: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, checkpointName(cp.Size)), cp.Note, 0o644); err != nil {
		return nil, fmt.Errorf("keep checkpoint: %w", err)
	}
	return cp.Note, nil
}

// Kept returns every checkpoint file of the directory in order of the
// size its name claims; none when the directory does not exist.
func (d Dir) Kept(ctx context.Context) ([]Kept, error) {
	dir := filepath.Join(d.Path, checkpointsDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	var out []Kept
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".checkpoint")
		if !ok || e.IsDir() {
			continue
		}
		size, err := strconv.ParseInt(name, 10, 64)
		if err != nil {
			size = -1
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read checkpoints: %w", err)
		}
		out = append(out, Kept{Label: filepath.Join(dir, e.Name()), Note: b, Size: size})
	}
	slices.SortFunc(out, func(a, b Kept) int { return cmp.Compare(a.Size, b.Size) })
	return out, nil
}
