package runtime

import (
	"sync"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Definitions keeps parsed definitions by version id: a version never changes, so each is
// parsed once and shared by all its executions. The zero value is ready to use; it is safe
// for concurrent use and holds at most 1,024 versions (then starts afresh).
type Definitions struct {
	mu        sync.Mutex
	byVersion map[int64]*Definition
}

// Of returns the parsed definition of m's version.
func (d *Definitions) Of(m resource.StateMachine) (*Definition, error) {
	d.mu.Lock()
	def, ok := d.byVersion[m.VersionID]
	d.mu.Unlock()
	if ok {
		return def, nil
	}
	def, err := Parse(m.Definition)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byVersion == nil || len(d.byVersion) > 1024 {
		d.byVersion = map[int64]*Definition{}
	}
	d.byVersion[m.VersionID] = def
	return def, nil
}
