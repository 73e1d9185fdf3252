package web_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"beredskap/intake/input"
)

func TestDecodeFormGivesTheContractExample(t *testing.T) {
	want, err := input.DecodeBytes(contractJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	form := validForm("tok")
	form.Set("countries_visited.other", " de ; pl") // typed codes are cleaned and not repeated
	form.Set("traveller.nationality", "pl")
	got := input.DecodeForm(form)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("DecodeForm:\n%s\nwant:\n%s", g, w)
	}
}
