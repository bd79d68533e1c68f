package web

import (
	"testing"
)

func TestAcceptsHost(t *testing.T) {
	t.Parallel()
	s := &Server{hosts: hostNames([]string{"studio.example.com", "Other.Example.:8443", "[2001:db8::5]:9000"})}
	for _, tc := range []struct {
		host, port string
		want       bool
	}{
		{"localhost:8080", "8080", true},
		{"LOCALHOST:8080", "8080", true},
		{"localhost.:8080", "8080", true},
		{"127.0.0.1:8080", "8080", true},
		{"[::1]:8080", "8080", true},
		{"10.1.2.3:8080", "8080", true},
		{"[fe80::1%25eth0]:8080", "8080", true},
		{"sync-localhost:8080", "8080", true},
		{"sync-127.0.0.1:8080", "8080", true},
		{"localhost", "80", true},
		{"127.0.0.1", "80", true},
		{"studio.example.com", "8080", true},
		{"studio.example.com:1234", "8080", true},
		{"Studio.Example.Com.", "8080", true},
		{"sync-studio.example.com:8080", "8080", true},
		{"other.example:8443", "8080", true},
		{"sync-other.example:8443", "8080", true},
		{"[2001:db8::5]:9000", "8080", true},

		{"localhost", "8080", false},
		{"localhost:8081", "8080", false},
		{"127.0.0.1:8081", "8080", false},
		{"[::1]", "8080", false},
		{"localhost:8080", "", false}, // not served by an http.Server: no port known
		{"evil.example:8080", "8080", false},
		{"attacker.localhost.evil.com:8080", "8080", false},
		{"localhost.evil.com:8080", "8080", false},
		{"foo.localhost:8080", "8080", false},
		{"sync-evil.example:8080", "8080", false},
		{"sync-sync-localhost:8080", "8080", false},
		{"studio.example.com.evil.com", "8080", false},
		{"evilstudio.example.com", "8080", false},
		{"other.example", "8443", false},
		{"other.example:8080", "8080", false},
		{"2130706433:8080", "8080", false}, // 127.0.0.1 as a number: a name, not an address
		{"127.1:8080", "8080", false},
		{"::1:8080", "8080", false},
		{"[::1:8080", "8080", false},
		{"[::1]x:8080", "8080", false},
		{"localhost:", "80", false},
		{"localhost:+80", "80", false},
		{":8080", "8080", false},
		{"", "8080", false},
	} {
		if got := s.acceptsHost(tc.host, tc.port); got != tc.want {
			t.Errorf("acceptsHost(%q) listening on %q = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
}

func TestCheckHostName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"studio.example.com", true},
		{"studio.example.com:8080", true},
		{"box", true},
		{"[2001:db8::5]:9000", true},
		{"http://studio.example.com/", false},
		{"studio.example.com:http", false},
		{"*.example.com", false},
		{"studio.example.com:0", false},
		{"a b", false},
	} {
		if err := CheckHostName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckHostName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
