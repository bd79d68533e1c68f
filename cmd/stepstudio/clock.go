package main

import (
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// systemClock is the wall clock: the one place the runtime's time comes from in the server.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) runtime.Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }
