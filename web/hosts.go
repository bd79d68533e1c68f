package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// DNS rebinding: a page of evil.example loads, then its name is made to resolve to
// 127.0.0.1, and the browser, which keys its same-origin policy on the name, lets that page
// read the studio's pages (and their CSRF tokens), post its forms and open its websockets.
// The browser still sends "Host: evil.example", so the studio answers only the Host headers
// that name it, before routing and before anything else reads the request.
//
// An IP address in the Host header is safe on any address: a rebinding page is reached
// through a name the attacker's DNS answers for, and a page whose address bar holds an IP
// address was loaded from that very address, the studio itself. "localhost" is safe in the
// same way: browsers take it to this machine without asking DNS, and the studio compares it
// as a name, so how this machine resolves it does not matter. Other names must be given
// with --host.

// hostPrefix is what the AWS SDKs put before the endpoint's host for StartSyncExecution and
// TestState.
const hostPrefix = "sync-"

// hostName is a name the studio answers to, lower case and without a trailing dot; port ""
// means any port.
type hostName struct {
	name, port string
}

// splitHost splits a Host header (or a --host value) into its name, lower case and without
// a trailing dot, and its port, "" when there is none; ok is false when it is not a host.
func splitHost(host string) (name, port string, ok bool) {
	name, bracketed, hasPort := host, strings.HasPrefix(host, "["), false
	if bracketed {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return "", "", false
		}
		if _, err := netip.ParseAddr(host[1:end]); err != nil {
			return "", "", false
		}
		name = host[:end+1]
		if rest := host[end+1:]; rest != "" {
			if port, hasPort = strings.CutPrefix(rest, ":"); !hasPort {
				return "", "", false
			}
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		name, port, hasPort = host[:i], host[i+1:], true
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return "", "", false
		}
		port = strconv.Itoa(n)
	}
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if name == "" || !bracketed && strings.ContainsAny(name, ":/@[]\\ \t") {
		return "", "", false
	}
	return name, port, true
}

// CheckHostName says what is wrong with a name given to --host, nil when nothing is.
func CheckHostName(h string) error {
	name, _, ok := splitHost(h)
	if !ok {
		return fmt.Errorf("%q is not a host name with an optional port, such as studio.example.com or studio.example.com:8080", h)
	}
	if strings.ContainsAny(name, "*?") {
		return fmt.Errorf("%q: wildcards are not supported; give each name", h)
	}
	return nil
}

// hostNames parses the names of Config.Hosts; those CheckHostName refuses are left out.
func hostNames(hosts []string) []hostName {
	var names []hostName
	for _, h := range hosts {
		if CheckHostName(h) != nil {
			continue
		}
		name, port, _ := splitHost(h)
		names = append(names, hostName{name, port})
	}
	return names
}

// checkHost answers 421 Misdirected Request to a request whose Host header does not name
// the studio; it runs before routing, so nothing of a handler runs for it.
func (s *Server) checkHost(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		port := listenPort(r)
		if s.acceptsHost(r.Host, port) {
			return next(c)
		}
		if isAPIRequest(r) {
			// An API client reads an AWS-shaped error best.
			return s.writeAPIError(c, &apiError{status: http.StatusMisdirectedRequest, code: "MisdirectedRequestException",
				message: s.hostRefused(r.Host, port)})
		}
		return refuse(c, http.StatusMisdirectedRequest, s.hostRefused(r.Host, port))
	}
}

// listenPort is the port the request came in on, that is the one the server listens on,
// which the configuration may not know (listening on port 0 picks a free one); "" when the
// request did not come through an http.Server.
func listenPort(r *http.Request) string {
	switch a := r.Context().Value(http.LocalAddrContextKey).(type) {
	case *net.TCPAddr:
		return strconv.Itoa(a.Port)
	case net.Addr:
		if _, port, err := net.SplitHostPort(a.String()); err == nil {
			return port
		}
	}
	return ""
}

// acceptsHost reports whether host names the studio listening on port: localhost or an IP
// address with that port (or without one, when it is 80), or a name of Config.Hosts, each
// also with the AWS SDKs' "sync-" in front.
func (s *Server) acceptsHost(host, port string) bool {
	name, got, ok := splitHost(host)
	if !ok {
		return false
	}
	if got == "" {
		got = "80"
	}
	candidates := []string{name}
	if rest, ok := strings.CutPrefix(name, hostPrefix); ok {
		candidates = append(candidates, rest)
	}
	for _, n := range candidates {
		if port != "" && got == port && (n == "localhost" || isIPLiteral(n)) {
			return true
		}
		for _, h := range s.hosts {
			if n == h.name && (h.port == "" || h.port == got) {
				return true
			}
		}
	}
	return false
}

// isIPLiteral reports whether a host name is an IPv4 address or a bracketed IPv6 address.
func isIPLiteral(name string) bool {
	if inner, ok := strings.CutPrefix(name, "["); ok {
		_, err := netip.ParseAddr(strings.TrimSuffix(inner, "]"))
		return err == nil
	}
	a, err := netip.ParseAddr(name)
	return err == nil && a.Is4()
}

// hostRefused says which host was refused, what the studio answers to, and how to add a name.
func (s *Server) hostRefused(host, port string) string {
	var answers []string
	if port != "" {
		answers = append(answers, fmt.Sprintf("localhost:%s, 127.0.0.1:%s, [::1]:%s and any other IP address with port %s", port, port, port, port))
	}
	for _, h := range s.hosts {
		if h.port == "" {
			answers = append(answers, h.name)
		} else {
			answers = append(answers, h.name+":"+h.port)
		}
	}
	if len(answers) == 0 {
		answers = append(answers, "the names given with --host, and none was")
	}
	return fmt.Sprintf("This studio does not answer to the host %q: it answers to %s (each also with %q in front). "+
		"A page under another name could be a DNS rebinding attack. "+
		"To reach the studio under another name, start it with --host NAME (repeatable, or STEPSTUDIO_HOSTS=NAME,NAME).",
		host, strings.Join(answers, ", "), hostPrefix)
}
