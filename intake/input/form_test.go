package input_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"beredskap/intake/input"
)

func TestDecodeFormArrivalInOsloTime(t *testing.T) {
	tests := []struct{ date, clock, want string }{
		{"2020-12-20", "14:30", "2020-12-20T14:30:00+01:00"},
		{"2021-07-01", "08:05", "2021-07-01T08:05:00+02:00"},
		{"20.12.2020", "14:30", "2020-12-20T14:30:00+01:00"},
		{"2021-03-28", "03:30", "2021-03-28T03:30:00+02:00"}, // the day summer time starts
		{"", "", ""},
		{"2020-12-20", "", "2020-12-20"}, // left for validation to report
		{"", "14:30", "14:30"},           // likewise
		{"2020-02-30", "12:00", "2020-02-30 12:00"},
	}
	for _, tt := range tests {
		got := input.DecodeForm(url.Values{"arrival_time.date": {tt.date}, "arrival_time.time": {tt.clock}}).ArrivalTime
		if got != tt.want {
			t.Errorf("%q %q: %q; want %q", tt.date, tt.clock, got, tt.want)
		}
		if tt.want != "" && len(tt.want) > 20 {
			if _, err := time.Parse(time.RFC3339, got); err != nil {
				t.Errorf("%q is not RFC 3339", got)
			}
		}
	}
}

func TestDecodeFormEmptyListsAreNotNil(t *testing.T) {
	reg := input.DecodeForm(url.Values{})
	if reg.CountriesVisited == nil || reg.ExemptionsClaimed == nil || reg.Documents == nil {
		t.Errorf("lists %v %v %v; want empty, not nil", reg.CountriesVisited, reg.ExemptionsClaimed, reg.Documents)
	}
}

// FuzzDecodeForm checks that no form, however odd, makes the converter
// (or the validation after it) panic, and that what it returns encodes.
func FuzzDecodeForm(f *testing.F) {
	f.Add("traveller.first_name=Anna&traveller.last_name=Kowalska&traveller.birth_date=1990-05-17" +
		"&arrival_time.date=2020-12-20&arrival_time.time=14%3A30&arrival.mode=air&countries_visited=PL" +
		"&countries_visited.other=de&residence=none&purpose=other&accommodation.type=other_suitable" +
		"&accommodation.address.postal_code=0155&accommodation.single_room=true&documents=accommodation_confirmation")
	f.Add("arrival_time.date=2020-12-20&arrival_time.time=25:99&countries_visited.other=%2C%2C%3B")
	f.Add("countries_visited=&documents=&documents=x&traveller.national_id=1+2+3&accommodation.single_room=on")
	f.Add("arrival_time.date=31.02.2020&arrival_time.time=24:00&traveller.birth_date=1.1.1")
	f.Fuzz(func(t *testing.T, query string) {
		form, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		reg := input.DecodeForm(form)
		if reg == nil || reg.CountriesVisited == nil || reg.ExemptionsClaimed == nil || reg.Documents == nil {
			t.Fatalf("input.DecodeForm(%q) = %+v", query, reg)
		}
		if _, err := json.Marshal(reg); err != nil {
			t.Fatal(err)
		}
		_ = reg.Validate(time.Now())
	})
}
