//go:build !unix

package main

import "os"

// childPeakRSSMB is 0 where getrusage does not exist: the bench reports no peak RSS there.
func childPeakRSSMB(*os.ProcessState) float64 { return 0 }

// selfPeakRSSMB is 0 where getrusage does not exist.
func selfPeakRSSMB() float64 { return 0 }
