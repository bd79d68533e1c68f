package main

import (
	"context"
	"os"
	"testing"
)

func TestZZProfile(t *testing.T) {
	dir := os.Getenv("ZZ_DIR")
	if dir == "" {
		t.Skip()
	}
	r := measureWorkload(context.Background(), dir, 8, 2, 100, os.Getenv("ZZ_DURABLE") != "")
	t.Logf("wall %+v tr %+v ex %+v rss %v", r.WallMS, r.TransitionsPerS, r.ExecutionsPerS, r.PeakRSSMB)
}
