package web

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// throttleStep is one thing done to a throttle: after moving the clock by advance, an
// attempt for keys (answered with wait and report) or, with succeed, a successful login.
type throttleStep struct {
	advance    time.Duration
	keys       []string
	succeed    bool
	times      int // the attempt is made this many times (0: once), each answered the same
	wantWait   time.Duration
	wantReport bool
}

// failThrough is n failures of keys in a row, each made as soon as the last one's wait is
// over.
func failThrough(keys []string, n int) []throttleStep {
	steps := []throttleStep{{keys: keys, times: min(n, loginFreeFailures+1)}}
	for i := loginFreeFailures + 2; i <= n; i++ {
		steps = append(steps, throttleStep{advance: loginWait(i - 1 - loginFreeFailures), keys: keys})
	}
	return steps
}

// runThrottleSteps does steps to th, failing the test at the first unexpected answer.
func runThrottleSteps(t *testing.T, clock *fakeClock, th *loginThrottle, steps []throttleStep) {
	t.Helper()
	for i, st := range steps {
		clock.Advance(st.advance)
		if st.succeed {
			th.succeed(st.keys...)
			continue
		}
		for n := range max(st.times, 1) {
			wait, report := th.attempt(st.keys...)
			wantReport := st.wantReport && n == 0
			if wait != st.wantWait || report != wantReport {
				t.Fatalf("step %d (%v), attempt %d: wait %v report %v, want %v %v", i, st.keys, n+1, wait, report, st.wantWait, wantReport)
			}
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	ann, bob := []string{"ann"}, []string{"bob"}
	annHere, annThere, bobHere := []string{"ann", "here"}, []string{"ann", "there"}, []string{"bob", "here"}
	free := throttleStep{keys: ann, times: loginFreeFailures}
	for _, tc := range []struct {
		name  string
		steps []throttleStep
	}{
		{"five failures are free, the sixth makes the next attempt wait a second", []throttleStep{
			free,
			{keys: ann},
			{keys: ann, wantWait: time.Second, wantReport: true},
		}},
		{"only the first refusal of a wait is reported", []throttleStep{
			free, {keys: ann},
			{keys: ann, wantWait: time.Second, wantReport: true},
			{advance: 400 * time.Millisecond, keys: ann, times: 3, wantWait: 600 * time.Millisecond},
		}},
		{"each failure after the free ones doubles the wait", []throttleStep{
			free, {keys: ann},
			{advance: time.Second, keys: ann},
			{keys: ann, wantWait: 2 * time.Second, wantReport: true},
			{advance: 2 * time.Second, keys: ann},
			{keys: ann, wantWait: 4 * time.Second, wantReport: true},
			{advance: 4 * time.Second, keys: ann},
			{keys: ann, wantWait: 8 * time.Second, wantReport: true},
		}},
		{"a refused attempt does not lengthen the wait", []throttleStep{
			free, {keys: ann},
			{keys: ann, times: 50, wantWait: time.Second, wantReport: true},
			{advance: time.Second, keys: ann},
			{keys: ann, wantWait: 2 * time.Second, wantReport: true},
		}},
		{"the wait stops growing at 15 minutes", append(failThrough(ann, loginFreeFailures+10), // the last waits 512 s
			throttleStep{advance: 512 * time.Second, keys: ann}, // would wait 1024 s
			throttleStep{keys: ann, wantWait: loginMaxWait, wantReport: true},
			throttleStep{advance: loginMaxWait, keys: ann},
			throttleStep{keys: ann, wantWait: loginMaxWait, wantReport: true},
		)},
		{"a success forgets the failures", []throttleStep{
			free, {keys: ann},
			{keys: ann, succeed: true},
			{keys: ann, times: loginFreeFailures},
			{keys: ann},
			{keys: ann, wantWait: time.Second, wantReport: true},
		}},
		{"failures are forgotten 15 minutes after the last one", []throttleStep{
			free,
			{advance: loginForgetAfter, keys: ann, times: loginFreeFailures},
			{keys: ann},
			{keys: ann, wantWait: time.Second, wantReport: true},
		}},
		{"failures are forgotten 15 minutes after a wait ends, not before", append(failThrough(ann, loginFreeFailures+10),
			throttleStep{advance: 512*time.Second + loginForgetAfter - time.Second, keys: ann},
			throttleStep{keys: ann, wantWait: loginMaxWait, wantReport: true},
			throttleStep{advance: loginMaxWait + loginForgetAfter, keys: ann, times: loginFreeFailures},
			throttleStep{keys: ann},
			throttleStep{keys: ann, wantWait: time.Second, wantReport: true},
		)},
		{"names are counted apart", []throttleStep{
			free, {keys: ann},
			{keys: bob, times: loginFreeFailures + 1},
			{keys: ann, wantWait: time.Second, wantReport: true},
		}},
		{"a waiting address refuses every name", []throttleStep{
			{keys: annHere, times: loginFreeFailures + 1},
			{keys: bobHere, wantWait: time.Second, wantReport: true},
		}},
		{"a waiting name refuses every address", []throttleStep{
			{keys: annHere, times: loginFreeFailures + 1},
			{keys: annThere, wantWait: time.Second, wantReport: true},
		}},
		{"a refused attempt does not count against its other key", []throttleStep{
			{keys: annHere, times: loginFreeFailures + 1},
			{keys: bobHere, times: 20, wantWait: time.Second, wantReport: true},
			{advance: time.Second, keys: bob, times: loginFreeFailures},
			{keys: bob},
			{keys: bob, wantWait: time.Second, wantReport: true},
		}},
		{"the longest wait of the keys is the answer", []throttleStep{
			{keys: annHere, times: loginFreeFailures + 1},
			{advance: time.Second, keys: ann},
			{keys: annHere, wantWait: 2 * time.Second, wantReport: true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			runThrottleSteps(t, clock, newLoginThrottle(clock.Now), tc.steps)
		})
	}
}

func TestLoginThrottleMemoryIsBounded(t *testing.T) {
	t.Parallel()
	a, b, c, d := []string{"a"}, []string{"b"}, []string{"c"}, []string{"d"}
	six := loginFreeFailures + 1 // enough to wait
	for _, tc := range []struct {
		name  string
		steps []throttleStep // in a throttle of at most 3 keys
		// keys afterwards: how many, which still wait, which are forgotten
		wantLen     int
		kept, freed []string
	}{
		{"a new key pushes out one that waits for nothing", []throttleStep{
			{keys: a, times: six}, {keys: b, times: six}, {keys: c}, {keys: d},
		}, 3, []string{"a", "b"}, []string{"c"}},
		{"among waiting keys the one whose wait ends first goes", []throttleStep{
			{keys: a, times: six}, {advance: time.Second, keys: a}, // a waits 2 s, until 3 s
			{keys: b, times: six}, // until 2 s
			{advance: 500 * time.Millisecond, keys: c, times: six}, // until 2.5 s
			{keys: d},
		}, 3, []string{"a", "c"}, []string{"b"}},
		{"expired keys go first, all of them", []throttleStep{
			{keys: a, times: loginFreeFailures}, {keys: b, times: loginFreeFailures}, {keys: c, times: six},
			{advance: time.Second + loginForgetAfter, keys: d},
		}, 1, nil, []string{"a", "b", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			th := newLoginThrottle(clock.Now)
			th.maxKeys = 3
			runThrottleSteps(t, clock, th, tc.steps)
			if len(th.entries) != tc.wantLen {
				t.Fatalf("%d keys kept, want %d", len(th.entries), tc.wantLen)
			}
			for _, k := range tc.kept {
				if wait, _ := th.attempt(k); wait == 0 {
					t.Errorf("%s no longer waits", k)
				}
			}
			for _, k := range tc.freed {
				for n := range loginFreeFailures {
					if wait, _ := th.attempt(k); wait != 0 {
						t.Fatalf("%s still counted: attempt %d waits %v", k, n+1, wait)
					}
				}
			}
		})
	}
}

// A burst of attempts at once gets no more checks than attempts one after the other would:
// the throttle counts an attempt before its password is checked.
func TestLoginThrottleCountsConcurrentAttempts(t *testing.T) {
	t.Parallel()
	th := newLoginThrottle(newFakeClock().Now)
	const attempts = 100
	allowed := make(chan bool, attempts)
	var wg sync.WaitGroup
	for range attempts {
		wg.Go(func() {
			wait, _ := th.attempt(loginKeys("ann", "192.0.2.1")...)
			allowed <- wait == 0
		})
	}
	wg.Wait()
	close(allowed)
	n := 0
	for ok := range allowed {
		if ok {
			n++
		}
	}
	if n != loginFreeFailures+1 {
		t.Fatalf("%d of %d concurrent attempts were checked, want %d", n, attempts, loginFreeFailures+1)
	}
}

func TestClientAddressIgnoresForwardedHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, remote, forwarded, want, key string
	}{
		{"an IPv4 connection", "192.0.2.1:51234", "", "192.0.2.1", "192.0.2.1"},
		{"X-Forwarded-For is ignored", "192.0.2.1:51234", "203.0.113.9", "192.0.2.1", "192.0.2.1"},
		{"an IPv4-mapped IPv6 address is the IPv4 one", "[::ffff:192.0.2.1]:51234", "", "192.0.2.1", "192.0.2.1"},
		{"an IPv6 client is counted by its /64", "[2001:db8:1:2:3:4:5:6]:51234", "", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tc.forwarded)
				r.Header.Set("X-Real-IP", tc.forwarded)
			}
			if got := clientAddress(r); got != tc.want {
				t.Fatalf("clientAddress = %q, want %q", got, tc.want)
			}
			if got := addressKey(clientAddress(r)); got != tc.key {
				t.Fatalf("addressKey = %q, want %q", got, tc.key)
			}
		})
	}
}
