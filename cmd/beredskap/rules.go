package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"beredskap/rules"
)

// runRules runs 'rules check [DIR]' (validate a rule directory and run its
// example cases; the embedded rules without DIR), 'rules list', 'rules diff
// A B' (what changed from version A to version B, in plain words) and
// 'rules impact --at INSTANT'.
func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := groupHelp("rules", args, stdout); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError{"rules: want 'check [DIR]', 'list', 'diff A B' or 'impact --at INSTANT'"}
	}
	switch args[0] {
	case "check":
		return rulesCheck(args[1:], stdout)
	case "list":
		return rulesList(args[1:], stdout)
	case "diff":
		return rulesDiff(args[1:], stdout)
	case "impact":
		return rulesImpact(ctx, args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("rules: unknown subcommand %q", args[0])}
}

func rulesCheck(args []string, stdout io.Writer) error {
	fset := newFlagSet("rules check", stdout)
	if err := parse(fset, args); err != nil {
		return err
	}
	var dir fs.FS = rules.EmbeddedFS()
	name := "embedded rules"
	switch fset.NArg() {
	case 0:
	case 1:
		name = fset.Arg(0)
		if st, err := os.Stat(name); err != nil || !st.IsDir() {
			return usageError{fmt.Sprintf("rules check: %s is not a directory", name)}
		}
		dir = os.DirFS(name)
	default:
		return usageError{"rules check: at most one directory"}
	}
	rep, err := rules.Check(dir)
	if err != nil {
		return fmt.Errorf("rules check %s: %w", name, err)
	}
	if _, err := rep.WriteTo(stdout); err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("rules check %s: %d of %d example cases failed", name, rep.Failed, rep.Passed+rep.Failed)
	}
	return nil
}

func rulesList(args []string, stdout io.Writer) error {
	fset := newFlagSet("rules list", stdout)
	dir := fset.String("rules", "", "directory of rule versions to use instead of the embedded ones")
	if err := parse(fset, args); err != nil {
		return err
	}
	book, err := loadRules(*dir)
	if err != nil {
		return err
	}
	for _, v := range book.Versions() {
		fmt.Fprintf(stdout, "%-18s in force from %s  %s  sha256:%.12s\n", v.ID, v.InForceFrom.Format("2006-01-02 15:04 MST"), v.Source, v.Hash)
	}
	return nil
}

// rulesDiff prints what changed for travellers from one rule version to
// another, one line per change marked + (new), - (no longer) or ~
// (changed), in the language of --lang.
func rulesDiff(args []string, stdout io.Writer) error {
	fset := newFlagSet("rules diff", stdout)
	dir := fset.String("rules", "", "directory of rule versions to use instead of the embedded ones")
	lang := fset.String("lang", "en", "language of the changes: nb, nn or en")
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 2 {
		return usageError{"rules diff: want two version ids, such as 'rules diff 2021-01-22 2021-01-25' (see 'rules list')"}
	}
	book, err := loadRules(*dir)
	if err != nil {
		return err
	}
	var vs [2]*rules.Version
	for i := range vs {
		v, ok := book.Version(fset.Arg(i))
		if !ok {
			return usageError{fmt.Sprintf("rules diff: no version %q (see 'rules list')", fset.Arg(i))}
		}
		vs[i] = v
	}
	fmt.Fprintf(stdout, "%s (%s) -> %s (%s)\n", vs[0].ID, book.InForceText(vs[0], *lang), vs[1].ID, book.InForceText(vs[1], *lang))
	changes := book.Diff(vs[0], vs[1], *lang)
	if len(changes) == 0 {
		fmt.Fprintln(stdout, "  (no change)")
	}
	mark := map[string]string{rules.ChangeAdded: "+", rules.ChangeRemoved: "-", rules.ChangeChanged: "~"}
	for _, c := range changes {
		fmt.Fprintf(stdout, "  %s %s\n", mark[c.Kind], c.Text)
	}
	return nil
}
