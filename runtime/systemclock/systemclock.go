// Package systemclock is the wall clock for runtime.Engine. It lives apart from runtime
// so that the interpreter itself never reads the real time: tests use fakeclock instead.
package systemclock

import (
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// Clock is runtime.Clock on the operating system's clock.
type Clock struct{}

var _ runtime.Clock = Clock{}

// Now returns the current time.
func (Clock) Now() time.Time { return time.Now() }

// NewTimer returns a timer that fires after d.
func (Clock) NewTimer(d time.Duration) runtime.Timer { return timer{time.NewTimer(d)} }

type timer struct{ t *time.Timer }

func (t timer) C() <-chan time.Time { return t.t.C }
func (t timer) Stop() bool          { return t.t.Stop() }
