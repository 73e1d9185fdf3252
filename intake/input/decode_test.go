package input_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"beredskap"
	"beredskap/intake/input"
)

// contractJSON is the registration example of docs/contract.md.
const contractJSON = `{
  "arrival_time": "2020-12-20T14:30:00+01:00",
  "traveller": {
    "first_name": "Anna", "last_name": "Kowalska", "birth_date": "1990-05-17", "national_id": "",
    "nationality": "PL",
    "id_document": {"type": "passport", "number": "EA1234567", "country": "PL", "expires": "2027-01-31"},
    "phone": "+48601234567", "email": "anna@example.com", "language": "pl"
  },
  "countries_visited": ["PL", "DE"],
  "arrival": {"mode": "air", "point": "OSL"},
  "residence": "none",
  "family_of_resident": false,
  "purpose": "other",
  "employer": {"org_number": "", "name": ""},
  "accommodation": {
    "type": "other_suitable",
    "address": {"street": "Storgata 1", "postal_code": "0155", "municipality": "0301"},
    "single_room": true, "own_bathroom": true, "own_kitchen_or_meals": true, "tv_and_internet": false,
    "close_contact_avoidable": true, "household_travelling_together": false
  },
  "room_with_guardian": false,
  "exemptions_claimed": [],
  "critical_function_sector": "",
  "documents": ["accommodation_confirmation"],
  "destination": "mainland"
}`

func TestDecodeContractExample(t *testing.T) {
	reg, err := input.Decode(strings.NewReader(contractJSON))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if reg.Traveller.LastName != "Kowalska" || reg.Accommodation.Address.PostalCode != "0155" || len(reg.CountriesVisited) != 2 {
		t.Errorf("decoded %+v", reg)
	}
}

func TestDecodeNamesTheField(t *testing.T) {
	tests := []struct {
		name, body, field, reason string
	}{
		{"unknown top-level field", `{"arrival_time":"2020-12-20T14:30:00Z","colour":"red"}`, "colour", "unknown_field"},
		{"unknown nested field", `{"traveller":{"first_name":"A","shoe_size":42}}`, "traveller.shoe_size", "unknown_field"},
		{"unknown field in list", `{"traveller":{"id_document":{"kind":"x"}}}`, "traveller.id_document.kind", "unknown_field"},
		{"wrong type", `{"traveller":{"birth_date":19900517}}`, "traveller.birth_date", "wrong_type"},
		{"bool as string", `{"accommodation":{"single_room":"yes"}}`, "accommodation.single_room", "wrong_type"},
		{"list as string", `{"countries_visited":"PL"}`, "countries_visited", "wrong_type"},
		{"not an object", `[1,2]`, "", "not_object"},
		{"trailing data", `{} {}`, "", "trailing_data"},
		{"broken JSON", `{"arrival_time":`, "", "syntax"},
		{"empty", ``, "", "syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := input.Decode(strings.NewReader(tt.body))
			var e *beredskap.Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode() = %v; want *beredskap.Error", err)
			}
			if e.Code != beredskap.EINVALID || e.Field != tt.field || e.Reason != tt.reason {
				t.Errorf("got %q field %q reason %q; want invalid %q %q", e.Code, e.Field, e.Reason, tt.field, tt.reason)
			}
		})
	}
}

func TestDecodeRejectsOversizedBody(t *testing.T) {
	body := `{"traveller":{"first_name":"` + strings.Repeat("a", input.MaxBodyBytes) + `"}}`
	_, err := input.Decode(strings.NewReader(body))
	if got := beredskap.ErrorCode(err); got != beredskap.ETOOLARGE {
		t.Errorf("code %q; want %q", got, beredskap.ETOOLARGE)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(contractJSON))
	f.Add([]byte(`{"traveller":{"x":1}}`))
	f.Add([]byte(`{"countries_visited":[{"a":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		reg, err := input.DecodeBytes(data)
		if err != nil {
			if code := beredskap.ErrorCode(err); code != beredskap.EINVALID {
				t.Fatalf("code %q for %q; want invalid", code, data)
			}
			return
		}
		// What was accepted re-encodes and decodes to the same value.
		again, err := json.Marshal(reg)
		if err != nil {
			t.Fatal(err)
		}
		reg2, err := input.DecodeBytes(again)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", again, err)
		}
		again2, _ := json.Marshal(reg2)
		if !bytes.Equal(again, again2) {
			t.Fatalf("round trip differs:\n%s\n%s", again, again2)
		}
	})
}

// strictInner and strictOuter have the shapes staff requests use: an
// embedded struct whose fields are promoted, a pointer to a struct, a field
// without a tag and one hidden from JSON.
type strictInner struct {
	Note string `json:"note"`
}

type strictOuter struct {
	strictInner
	Count  int          `json:"count"`
	Nested *strictInner `json:"nested,omitempty"`
	Plain  string
	Hidden string `json:"-"`
}

func TestDecodeStrictNamesTheFieldOfAnyType(t *testing.T) {
	tests := []struct {
		name, body, field, reason, message string
	}{
		{"promoted field is known", `{"note":"x","plain":"y"}`, "", "", ""},
		{"unknown beside a promoted field", `{"note":"x","colour":"red"}`, "colour", "unknown_field", "is not a field of a request"},
		{"unknown behind a pointer", `{"nested":{"note":"x","size":1}}`, "nested.size", "unknown_field", ""},
		{"field hidden from JSON", `{"Hidden":"x"}`, "Hidden", "unknown_field", ""},
		{"number as string", `{"count":"3"}`, "count", "wrong_type", "must be a JSON number"},
		{"string as number", `{"note":3}`, "note", "wrong_type", "must be a JSON string"},
		{"trailing data", `{} []`, "", "trailing_data", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v strictOuter
			err := input.DecodeStrict([]byte(tt.body), &v, "request")
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("DecodeStrict() = %v; want no error", err)
				}
				return
			}
			var e *beredskap.Error
			if !errors.As(err, &e) {
				t.Fatalf("DecodeStrict() = %v; want *beredskap.Error", err)
			}
			if e.Code != beredskap.EINVALID || e.Field != tt.field || e.Reason != tt.reason {
				t.Errorf("got %q field %q reason %q; want invalid %q %q", e.Code, e.Field, e.Reason, tt.field, tt.reason)
			}
			if tt.message != "" && e.Message != tt.message {
				t.Errorf("message %q; want %q", e.Message, tt.message)
			}
		})
	}
}
