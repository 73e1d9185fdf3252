package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"beredskap"
	"beredskap/norway"
)

// Intake validates, evaluates and stores registrations. Rules and Clock are
// required; Registrations is needed by Register and Find only.
type Intake struct {
	Rules             beredskap.Evaluator
	Registrations     beredskap.RegistrationService
	Clock             beredskap.Clock
	AllowSyntheticIDs bool
}

// Evaluate validates r (reporting every field problem at once), normalises
// its phone number, and returns the decision of the rules in force at its
// arrival, with texts in lang or, when lang is empty, in the traveller's
// language. Nothing is stored. Errors: EINVALID.
func (in *Intake) Evaluate(ctx context.Context, r *beredskap.Registration, lang string) (beredskap.Decision, error) {
	if _, err := in.check(r); err != nil {
		return beredskap.Decision{}, err
	}
	return in.decide(r, lang)
}

// Register validates and evaluates r like Evaluate, derives the quarantine
// municipality from the address, and stores the registration with its
// decision. A retry with the same idempotency key returns the stored record
// with created false. Errors: EINVALID, ECONFLICT (the key was used for
// another registration).
func (in *Intake) Register(ctx context.Context, r *beredskap.Registration, lang, idempotencyKey string) (*beredskap.StoredRegistration, bool, error) {
	municipality, err := in.check(r)
	if err != nil {
		return nil, false, err
	}
	decision, err := in.decide(r, lang)
	if err != nil {
		return nil, false, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, false, fmt.Errorf("register: %w", err)
	}
	sum := sha256.Sum256(body)
	reg, created, err := in.Registrations.CreateRegistration(ctx, beredskap.NewRegistration{
		Registration:   *r,
		Decision:       decision,
		Municipality:   municipality,
		IdempotencyKey: idempotencyKey,
		RequestHash:    hex.EncodeToString(sum[:]),
	})
	if err != nil {
		return nil, false, fmt.Errorf("register: %w", err)
	}
	return reg, created, nil
}

// Find returns the registration with the receipt, which may be typed
// loosely (see beredskap.NormalizeReceipt). Errors: ENOTFOUND.
func (in *Intake) Find(ctx context.Context, receipt string) (*beredskap.StoredRegistration, error) {
	normal, ok := beredskap.NormalizeReceipt(receipt)
	if !ok {
		return nil, beredskap.Errorf(beredskap.ENOTFOUND, "no registration has that receipt")
	}
	return in.Registrations.FindRegistration(ctx, normal)
}

func (in *Intake) decide(r *beredskap.Registration, lang string) (beredskap.Decision, error) {
	if lang == "" {
		lang = r.Traveller.Language
	}
	d, err := in.Rules.Evaluate(r, lang)
	if err != nil {
		return beredskap.Decision{}, fmt.Errorf("evaluate: %w", err)
	}
	return d, nil
}

// check validates r against its shape and the reference data, normalises
// the phone number in place, and returns the quarantine municipality ("" when
// the place is a quarantine hotel not yet assigned).
func (in *Intake) check(r *beredskap.Registration) (string, error) {
	now := in.Clock()
	if err := r.Validate(now); err != nil {
		return "", err
	}
	var ps beredskap.Problems
	arrival, _ := r.ArrivalInstant()
	in.checkNationalID(&ps, &r.Traveller)
	if r.Traveller.Phone != "" {
		phone, err := norway.NormalizePhone(r.Traveller.Phone, "NO")
		if err != nil {
			ps.Add("traveller.phone", "invalid_phone", "must be a valid phone number, with the country code such as +48")
		} else {
			r.Traveller.Phone = phone
		}
	}
	if org := r.Employer.OrgNumber; org != "" && !norway.ValidOrgNumber(org) {
		ps.Add("employer.org_number", "invalid_org_number", "is not a valid organisation number (its control digit is wrong)")
	}
	municipality := checkAddress(&ps, &r.Accommodation, arrival)
	if err := ps.Err(); err != nil {
		return "", err
	}
	return municipality, nil
}

func (in *Intake) checkNationalID(ps *beredskap.Problems, t *beredskap.Traveller) {
	if t.NationalID == "" {
		return
	}
	id, err := norway.ParseNationalID(t.NationalID, norway.IDOptions{AllowSynthetic: in.AllowSyntheticIDs})
	if err != nil {
		reason, msg := "invalid_national_id", "is not a valid Norwegian identity number"
		if e, ok := err.(*norway.IDError); ok {
			reason, msg = e.Reason, e.Message
		}
		ps.Add("traveller.national_id", reason, msg)
		return
	}
	birth, err := beredskap.ParseDate(t.BirthDate)
	if err == nil && !id.BirthDate.IsZero() && !id.BirthDate.Equal(birth) {
		ps.Add("traveller.national_id", "birth_date_mismatch", "does not match the birth date given")
	}
}

// needsAddress lists the kinds of place whose address must be given.
var needsAddress = map[string]bool{
	beredskap.AccommodationOwnHome:       true,
	beredskap.AccommodationFamilyHome:    true,
	beredskap.AccommodationEmployer:      true,
	beredskap.AccommodationOtherSuitable: true,
	beredskap.AccommodationOrdinaryHotel: true,
}

// checkAddress checks the postal code and municipality of the place of
// quarantine and returns the municipality number valid at arrival.
func checkAddress(ps *beredskap.Problems, a *beredskap.Accommodation, arrival time.Time) string {
	addr := a.Address
	if needsAddress[a.Type] {
		if addr.Street == "" {
			ps.Add("accommodation.address.street", "required", "is required for this kind of place")
		}
		if addr.PostalCode == "" {
			ps.Add("accommodation.address.postal_code", "required", "is required for this kind of place")
		}
	}
	var derived string
	if addr.PostalCode != "" {
		m, ok := norway.MunicipalityForPostalCode(addr.PostalCode, arrival)
		if !ok {
			ps.Add("accommodation.address.postal_code", "unknown_postal_code", "is not a Norwegian postal code")
			return ""
		}
		derived = m.Code
	}
	if addr.Municipality == "" {
		return derived
	}
	// Svalbard (2100) and Jan Mayen (2211) are not municipalities in
	// Statistics Norway's classification, but they are places of stay.
	svalbard := addr.Municipality == norway.SvalbardCode || addr.Municipality == norway.JanMayenCode
	if _, ok := norway.MunicipalityAt(addr.Municipality, arrival); !ok && !svalbard {
		ps.Add("accommodation.address.municipality", "unknown_municipality", "is not a municipality number valid on the arrival date")
		return ""
	}
	if derived != "" && derived != addr.Municipality {
		ps.Add("accommodation.address.municipality", "municipality_mismatch", "does not match the postal code (which lies in "+derived+")")
		return ""
	}
	return addr.Municipality
}
