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
// example cases; the embedded rules without DIR), 'rules list' and 'rules
// impact --at INSTANT'.
func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := groupHelp("rules", args, stdout); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError{"rules: want 'check [DIR]', 'list' or 'impact --at INSTANT'"}
	}
	switch args[0] {
	case "check":
		return rulesCheck(args[1:], stdout)
	case "list":
		return rulesList(args[1:], stdout)
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
