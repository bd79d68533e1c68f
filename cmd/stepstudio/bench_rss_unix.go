//go:build unix

package main

import (
	"os"
	goruntime "runtime"
	"syscall"
)

// childPeakRSSMB returns the peak resident set size of a child that has ended, in MiB, as
// getrusage reports it for that child alone.
func childPeakRSSMB(ps *os.ProcessState) float64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return maxRSSMB(int64(ru.Maxrss))
}

// selfPeakRSSMB returns this process's peak resident set size so far, in MiB.
func selfPeakRSSMB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return maxRSSMB(int64(ru.Maxrss))
}

// maxRSSMB converts ru_maxrss, which Darwin counts in bytes and the other Unixes in KiB.
func maxRSSMB(maxrss int64) float64 {
	if goruntime.GOOS == "darwin" || goruntime.GOOS == "ios" {
		return float64(maxrss) / (1 << 20)
	}
	return float64(maxrss) / 1024
}
