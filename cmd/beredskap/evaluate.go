package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"beredskap"
	"beredskap/intake"
	"beredskap/intake/input"
)

// runEvaluate reads one registration on stdin and prints its decision as
// JSON. Invalid input returns an EINVALID error, which exits with code 2
// and names the field on stderr.
func runEvaluate(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlagSet("evaluate", stdout)
	lang := fs.String("lang", "", "language of the reasons: nb, nn or en (default: the traveller's language, else English)")
	rulesDir := fs.String("rules", "", "directory of rule versions to use instead of the embedded ones")
	synthetic := fs.Bool("allow-synthetic-ids", false, "accept synthetic (test) national identity numbers")
	if err := parse(fs, args); err != nil {
		return err
	}
	book, err := loadRules(*rulesDir)
	if err != nil {
		return err
	}
	reg, err := input.Decode(stdin)
	if err != nil {
		return err
	}
	in := &intake.Intake{Rules: book, Clock: time.Now, AllowSyntheticIDs: *synthetic}
	decision, err := in.Evaluate(ctx, reg, *lang)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(decision)
}

// isInvalid reports whether err is a domain EINVALID error, for which the
// command exits with code 2.
func isInvalid(err error) bool {
	var e *beredskap.Error
	return errors.As(err, &e) && (e.Code == beredskap.EINVALID || e.Code == beredskap.ETOOLARGE)
}

// describe writes every field problem of an EINVALID error, one a line.
func describe(w io.Writer, err error) {
	var e *beredskap.Error
	if !errors.As(err, &e) || len(e.Problems) < 2 {
		return
	}
	for _, p := range e.Problems[1:] {
		fmt.Fprintf(w, "beredskap: %s: %s\n", p.Field, p.Message)
	}
}
