package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"beredskap"
	"beredskap/staff"
	"beredskap/web"
)

// runUser runs "user add".
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := groupHelp("user", args, stdout); err != nil {
		return err
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError{"user: want 'add' (run 'beredskap user add -h' for its flags)"}
	}
	fs := newFlagSet("user add", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	email := fs.String("email", "", "the user's e-mail address (required)")
	name := fs.String("name", "", "the user's full name (required)")
	role := fs.String("role", "", "role: "+roleNames())
	municipality := fs.String("municipality", "", "municipality number, for municipal roles")
	county := fs.String("county", "", "county number, for the county governor")
	mobile := fs.String("mobile", "", "mobile number")
	baseURL := fs.String("base-url", "http://127.0.0.1:8080", "public URL of the server, for the enrolment link")
	var a auditSettings
	a.bind(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	first, last := splitName(*name)
	r := beredskap.Role(*role)
	scope := beredskap.Scope{Kind: beredskap.ScopeKindOf(r)}
	var problems []string
	if strings.TrimSpace(*email) == "" {
		problems = append(problems, "--email is required")
	}
	if first == "" {
		problems = append(problems, "--name is required")
	}
	if !r.Valid() {
		problems = append(problems, fmt.Sprintf("--role must be one of %s", roleNames()))
	}
	switch scope.Kind {
	case beredskap.ScopeMunicipality:
		scope.Code = *municipality
		if scope.Code == "" && r.Valid() {
			problems = append(problems, fmt.Sprintf("--municipality is required for the role %s", r))
		}
	case beredskap.ScopeCounty:
		scope.Code = *county
		if scope.Code == "" {
			problems = append(problems, fmt.Sprintf("--county is required for the role %s", r))
		}
	}
	if len(problems) > 0 {
		return usageError{"user add: " + strings.Join(problems, "; ")}
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	defer st.close()
	svc := staff.New(st.staff, nil, time.Now, staff.Config{BaseURL: strings.TrimSuffix(*baseURL, "/"), Text: web.StaffText}, slog.New(slog.DiscardHandler))
	ctx = beredskap.WithActor(ctx, beredskap.SystemActor())
	u, err := svc.AddUser(ctx, staff.NewUser{
		Email:     *email,
		FirstName: first,
		LastName:  last,
		Mobile:    *mobile,
		Role:      r,
		Scope:     scope,
	})
	if err != nil {
		return fmt.Errorf("user add: %w", flagNames(err))
	}
	link, expires, err := svc.NewEnrolmentLink(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if err := signAtExit(ctx, a, st, *db, stderr); err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(stdout, "Added user %d, %s, as %s (%s).\n", u.ID, u.Email, r, scope)
	fmt.Fprintf(stdout, "Enrolment link (set a password and a TOTP second factor; valid until %s):\n%s\n",
		expires.Format(time.RFC3339), link)
	return nil
}

// splitName splits a full name into first names and the last name.
func splitName(name string) (first, last string) {
	name = strings.Join(strings.Fields(name), " ")
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}

func roleNames() string {
	names := make([]string, len(beredskap.Roles))
	for i, r := range beredskap.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// userFlags are the flags of "user add" by the field names the staff
// service gives in its errors.
var userFlags = map[string]string{
	"email": "--email", "first_name": "--name", "last_name": "--name", "role": "--role",
	"scope": "--municipality or --county", "municipality": "--municipality", "county": "--county", "mobile": "--mobile",
}

// flagNames rewrites the fields of an EINVALID error as the flags that
// set them, so that "first_name: is required" reads "--name: is required".
func flagNames(err error) error {
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID {
		return err
	}
	var parts []string
	for _, p := range e.Problems {
		name := userFlags[p.Field]
		if name == "" {
			name = p.Field
		}
		parts = append(parts, name+": "+p.Message)
	}
	return usageError{strings.Join(parts, "; ")}
}
