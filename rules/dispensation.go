package rules

import (
	"fmt"
	"slices"
)

// dispensationFile is the dispensation section of a rule version: the §
// 6j dispensation from entry quarantine the municipal doctor may grant
// (seed 001). Versions before 2020-12-23 12:00 have none.
type dispensationFile struct {
	Ref       string   `yaml:"ref"`
	Purposes  []string `yaml:"purposes"`
	Relations []string `yaml:"relations"`
}

// DispensationParams are what a version allows a § 6j dispensation for:
// its purposes (visit_seriously_ill, funeral) and the close relations
// (nærståande) it may concern.
type DispensationParams struct {
	Ref       string
	Purposes  []string
	Relations []string
}

// DispensationPurposes lists every purpose a rule file may name.
var DispensationPurposes = []string{"visit_seriously_ill", "funeral"}

// DispensationRelations lists every relation a rule file may name, after
// seed 001: ektefelle (spouse), sambuar (cohabitant), kjærast (partner),
// barn (child), søsken (sibling), foreldre (parent), besteforeldre
// (grandparent), svigerforeldre (parent_in_law), andre personen har ein nær
// personleg tilknytning til (other_close).
var DispensationRelations = []string{"spouse", "cohabitant", "partner", "child", "sibling", "parent",
	"grandparent", "parent_in_law", "other_close"}

// Dispensation returns the version's § 6j parameters, and false when the
// version allows no dispensation.
func (v *Version) Dispensation() (DispensationParams, bool) {
	if v.dispensation == nil {
		return DispensationParams{}, false
	}
	p := *v.dispensation
	p.Purposes = slices.Clone(p.Purposes)
	p.Relations = slices.Clone(p.Relations)
	return p, true
}

// dispensation checks and compiles the dispensation section.
func (k *compiler) dispensation(f *dispensationFile) *DispensationParams {
	if f == nil {
		return nil
	}
	if f.Ref == "" {
		k.fail("dispensation.ref", "is required")
	}
	if len(f.Purposes) == 0 {
		k.fail("dispensation.purposes", "is required")
	}
	if len(f.Relations) == 0 {
		k.fail("dispensation.relations", "is required")
	}
	for i, p := range f.Purposes {
		if !slices.Contains(DispensationPurposes, p) {
			k.fail(fmt.Sprintf("dispensation.purposes[%d]", i), "%q is not one of %v", p, DispensationPurposes)
		}
	}
	for i, r := range f.Relations {
		if !slices.Contains(DispensationRelations, r) {
			k.fail(fmt.Sprintf("dispensation.relations[%d]", i), "%q is not one of %v", r, DispensationRelations)
		}
	}
	return &DispensationParams{Ref: f.Ref, Purposes: slices.Clone(f.Purposes), Relations: slices.Clone(f.Relations)}
}
