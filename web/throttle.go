package web

import (
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// The login throttle's rule. A few mistakes cost nothing; after that each failure doubles the
// wait before the next attempt, so guessing becomes hopeless while a user who mistyped waits
// seconds. A name or address is forgotten once it has gone loginForgetAfter past the end of
// its wait without a failure, which also ends a wait at loginMaxWait from growing forever.
const (
	loginFreeFailures = 5
	loginFirstWait    = time.Second
	loginMaxWait      = 15 * time.Minute
	loginForgetAfter  = 15 * time.Minute
	// loginMaxKeys bounds the throttle's memory however many names and addresses a flood uses.
	loginMaxKeys = 10_000
)

// loginThrottle counts failed logins per key (a name tried, a client address) and makes the
// next attempt for a key wait after too many. It is safe for concurrent use.
type loginThrottle struct {
	now     func() time.Time
	maxKeys int

	mu sync.Mutex
	// Keys are hashed, so a long name tried costs no more memory than a short one.
	entries map[[sha256.Size]byte]*throttleEntry
}

type throttleEntry struct {
	failures int
	last     time.Time // the last failure counted
	until    time.Time // no attempt before this (zero: none is waiting)
	// reported is set once a refusal in the current wait has been logged and audited, so
	// that a flood of refused attempts adds one audit row per wait, not one per request.
	reported bool
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, maxKeys: loginMaxKeys, entries: map[[sha256.Size]byte]*throttleEntry{}}
}

// attempt asks whether a login for keys may be checked now. When one of them is still waiting
// it returns the longest wait left, and report is true for the first refusal of that wait.
// Otherwise it counts the attempt as a failure of every key at once, before the password is
// checked, so that a burst of concurrent attempts cannot all pass before the first failure
// is counted; succeed takes it back.
func (t *loginThrottle) attempt(keys ...string) (wait time.Duration, report bool) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		e := t.entries[sha256.Sum256([]byte(k))]
		if e == nil || !now.Before(e.until) {
			continue
		}
		wait = max(wait, e.until.Sub(now))
		if !e.reported {
			report, e.reported = true, true
		}
	}
	if wait > 0 {
		return wait, report // a refused attempt is not a failure: it checked nothing
	}
	for _, k := range keys {
		h := sha256.Sum256([]byte(k))
		e := t.entries[h]
		if e == nil || t.expired(e, now) {
			if e == nil && len(t.entries) >= t.maxKeys {
				t.makeRoom(now)
			}
			e = &throttleEntry{}
			t.entries[h] = e
		}
		e.failures++
		e.last = now
		if n := e.failures - loginFreeFailures; n > 0 {
			e.until, e.reported = now.Add(loginWait(n)), false
		}
	}
	return 0, false
}

// succeed forgets the failures of keys after a successful login.
func (t *loginThrottle) succeed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.entries, sha256.Sum256([]byte(k)))
	}
}

// loginWait is the wait after the nth failure beyond the free ones: 1 s, 2 s, 4 s, ...
func loginWait(n int) time.Duration {
	if n > 30 { // long past the cap; a larger shift would overflow
		return loginMaxWait
	}
	return min(loginFirstWait<<(n-1), loginMaxWait)
}

func (t *loginThrottle) expired(e *throttleEntry, now time.Time) bool {
	end := e.last
	if e.until.After(end) {
		end = e.until
	}
	return !now.Before(end.Add(loginForgetAfter))
}

// makeRoom drops the expired entries and, if none was, the one whose wait ends first (one
// still free of waits before any): a flood of new keys can then push out only what guards
// least, never the name or address that waits longest.
func (t *loginThrottle) makeRoom(now time.Time) {
	var victim [sha256.Size]byte
	var soonest *throttleEntry
	for h, e := range t.entries {
		switch {
		case t.expired(e, now):
			delete(t.entries, h)
		case soonest == nil || e.until.Before(soonest.until) || e.until.Equal(soonest.until) && e.last.Before(soonest.last):
			victim, soonest = h, e
		}
	}
	if len(t.entries) >= t.maxKeys && soonest != nil {
		delete(t.entries, victim)
	}
}

// loginKeys are the throttle's keys for a login: the name tried, whether or not such a user
// exists (so a 429 never tells which names do), and the client's address.
func loginKeys(name, address string) []string {
	return []string{"name\x00" + name, "address\x00" + addressKey(address)}
}

// addressKey is the part of an address one client controls: an IPv6 client usually has a
// whole /64 to pick addresses from, so the throttle counts the /64.
func addressKey(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil || !ip.Unmap().Is6() {
		return address
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return address
	}
	return p.String()
}

// clientAddress is the IP address of the connection the request came on. X-Forwarded-For and
// X-Real-IP (which echo's RealIP trusts by default) are ignored on purpose: any client can
// send them, and a guessing script would name a new address in each request to escape the
// throttle. Behind a reverse proxy every client therefore shares the proxy's address.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return host
}
