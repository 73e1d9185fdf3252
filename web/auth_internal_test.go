package web

import (
	"net/http/httptest"
	"testing"
)

func TestLocalPath(t *testing.T) {
	tests := map[string]string{
		"":                          "/staff",
		"/staff/registrations?x=1":  "/staff/registrations?x=1",
		"https://evil.example/":     "/staff",
		"//evil.example/":           "/staff",
		"/\\evil.example":           "/staff",
		"staff":                     "/staff",
		"javascript:alert(1)":       "/staff",
		"/login?next=%2Fstaff":      "/login?next=%2Fstaff",
		"/staff\r\nSet-Cookie: x=1": "/staff",
	}
	for next, want := range tests {
		if got := localPath(next); got != want {
			t.Errorf("localPath(%q) = %q; want %q", next, got, want)
		}
	}
}

func TestClientAddress(t *testing.T) {
	tests := []struct {
		trust     bool
		remote    string
		forwarded []string
		want      string
	}{
		{false, "192.0.2.1:4321", []string{"203.0.113.9"}, "192.0.2.1"},
		{true, "192.0.2.1:4321", []string{"203.0.113.9"}, "203.0.113.9"},
		{true, "192.0.2.1:4321", []string{"198.51.100.7, 203.0.113.9"}, "203.0.113.9"},
		{true, "192.0.2.1:4321", []string{"spoofed", "203.0.113.9"}, "203.0.113.9"},
		{true, "192.0.2.1:4321", []string{"not an address"}, "192.0.2.1"},
		{true, "[2001:db8::1]:443", nil, "2001:db8::1"},
	}
	for _, tt := range tests {
		s := &Server{cfg: Config{TrustProxy: tt.trust}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		for _, v := range tt.forwarded {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientAddress(r); got != tt.want {
			t.Errorf("trust=%v remote=%s forwarded=%v: %q; want %q", tt.trust, tt.remote, tt.forwarded, got, tt.want)
		}
	}
}
