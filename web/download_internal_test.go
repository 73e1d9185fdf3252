package web

import (
	"mime"
	"net/http"
	"testing"
	"time"
)

// TestDownloadNameIsSafe checks that a file name keeps Norwegian letters
// in filename* (RFC 6266, RFC 8187), has an ASCII filename beside it, and
// that values filled in cannot break the header or make a path.
func TestDownloadNameIsSafe(t *testing.T) {
	day := time.Date(2021, 2, 22, 23, 30, 0, 0, time.UTC) // 23 Feb in Oslo
	nb := staffLocales.get("nb")
	for _, tt := range []struct {
		args      []any
		name, ext string
		want      string
		wantASCII string
	}{
		{[]any{"municipality", "0301"}, "file.followup_travellers", ".csv",
			"innreisende-til-oppfølging-0301-2021-02-23.csv", "innreisende-til-oppfolging-0301-2021-02-23.csv"},
		{[]any{"municipality", ""}, "file.followup_travellers", ".xlsx",
			"innreisende-til-oppfølging-2021-02-23.xlsx", "innreisende-til-oppfolging-2021-02-23.xlsx"},
		{[]any{"from", "2021-02-01\"\r\nSet-Cookie: x=1", "to", "../../etc/passwd"}, "file.invoices", ".csv",
			"fakturagrunnlag-arbeidsgivere-2021-02-01-Set-Cookie-x-1-til-..-..-etc-passwd.csv",
			"fakturagrunnlag-arbeidsgivere-2021-02-01-Set-Cookie-x-1-til-..-..-etc-passwd.csv"},
	} {
		got := downloadName(nb, tt.name, day, tt.ext, tt.args...)
		if got != tt.want {
			t.Errorf("%s %v: name %q; want %q", tt.name, tt.args, got, tt.want)
		}
		h := http.Header{}
		setAttachment(h, got)
		cd := h.Get("Content-Disposition")
		_, params, err := mime.ParseMediaType(cd)
		if err != nil || params["filename"] != tt.want {
			t.Errorf("%q parses as %q, %v; want %q", cd, params["filename"], err, tt.want)
		}
		if want := `attachment; filename="` + tt.wantASCII + `"; `; cd[:len(want)] != want {
			t.Errorf("Content-Disposition %q; want it to begin %q", cd, want)
		}
	}
	if got := asciiName("Ærlig-Øl-på-Åsen-café"); got != "Aerlig-Ol-pa-Asen-cafe" {
		t.Errorf("ASCII name %q", got)
	}
}
