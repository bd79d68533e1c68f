// Package mockconfig reads Step Functions Local's mock configuration file, unchanged
// (docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html), and answers
// task calls from it (runtime.Mocks):
//
//	{"StateMachines": {"<machine>": {"TestCases": {"<case>": {"<state>": "<response>"}}}},
//	 "MockedResponses": {"<response>": {"0": {"Return": ...}, "1-2": {"Throw": {"Error": ..., "Cause": ...}}}}}
//
// An execution started with "<machine ARN>#<case>" runs with that test case: a call of a
// state the case names gets the response of its invocation number (retries and Map
// iterations count); states the case does not name call their resources.
package mockconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// Config is a parsed mock file.
type Config struct {
	// machines maps a machine's name to its test cases, each a state → response name.
	machines  map[string]map[string]map[string]string
	responses map[string]response
}

// response is a mocked response: its entries by invocation, in order from 0.
type response []entry

type entry struct {
	from, to int // invocations, inclusive
	ret      json.RawMessage
	throw    *runtime.Error
}

// fileShape is the file as JSON.
type fileShape struct {
	StateMachines map[string]struct {
		TestCases map[string]map[string]string `json:"TestCases"`
	} `json:"StateMachines"`
	MockedResponses map[string]map[string]json.RawMessage `json:"MockedResponses"`
}

// Parse reads a mock file; its errors say where the file is wrong (a JSON location such as
// MockedResponses.MockedLambda."1-2").
func Parse(data []byte) (*Config, error) {
	var f fileShape
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a Step Functions Local mock file (StateMachines, MockedResponses): %v", err)
	}
	c := &Config{machines: map[string]map[string]map[string]string{}, responses: map[string]response{}}
	for name, raw := range f.MockedResponses {
		r, err := parseResponse(raw)
		if err != nil {
			return nil, fmt.Errorf("MockedResponses.%s%v", name, err)
		}
		c.responses[name] = r
	}
	for machine, m := range f.StateMachines {
		for tc, states := range m.TestCases {
			for state, name := range states {
				if _, ok := c.responses[name]; !ok {
					return nil, fmt.Errorf("StateMachines.%s.TestCases.%s.%s: no mocked response is named %q in MockedResponses", machine, tc, state, name)
				}
			}
		}
		c.machines[machine] = m.TestCases
	}
	return c, nil
}

// parseResponse reads one mocked response: invocation keys "n" or "a-b", contiguous from 0,
// each with Return or Throw.
func parseResponse(raw map[string]json.RawMessage) (response, error) {
	var r response
	for key, v := range raw {
		e, err := parseEntry(key, v)
		if err != nil {
			return nil, err
		}
		r = append(r, e)
	}
	sort.Slice(r, func(i, j int) bool { return r[i].from < r[j].from })
	next := 0
	for _, e := range r {
		if e.from != next {
			return nil, fmt.Errorf(": the invocations must follow on from 0 without a gap or an overlap; %q is not invocation %d", keyOf(e), next)
		}
		next = e.to + 1
	}
	if len(r) == 0 {
		return nil, errors.New(": has no responses (keys such as \"0\" or \"1-2\")")
	}
	return r, nil
}

func keyOf(e entry) string {
	if e.from == e.to {
		return strconv.Itoa(e.from)
	}
	return fmt.Sprintf("%d-%d", e.from, e.to)
}

func parseEntry(key string, v json.RawMessage) (entry, error) {
	at := fmt.Sprintf(".%q", key)
	var e entry
	a, b, isRange := strings.Cut(key, "-")
	var err1, err2 error
	e.from, err1 = strconv.Atoi(a)
	e.to = e.from
	if isRange {
		e.to, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil || e.from < 0 || e.to < e.from {
		return e, fmt.Errorf("%s: a key is an invocation number (\"0\") or a range of them (\"1-2\")", at)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(v, &body); err != nil || body == nil {
		return e, fmt.Errorf("%s: must be an object with Return or Throw", at)
	}
	ret, hasRet := body["Return"]
	throw, hasThrow := body["Throw"]
	if hasRet == hasThrow || len(body) != 1 {
		return e, fmt.Errorf("%s: must have exactly one of Return (the service's response) and Throw ({\"Error\", \"Cause\"})", at)
	}
	if hasRet {
		e.ret = ret
		return e, nil
	}
	var t struct{ Error, Cause *string }
	if err := json.Unmarshal(throw, &t); err != nil || t.Error == nil || t.Cause == nil {
		return e, fmt.Errorf("%s.Throw: must have an Error and a Cause, both strings", at)
	}
	e.throw = &runtime.Error{Name: *t.Error, Cause: *t.Cause}
	return e, nil
}

// Machines lists the machines the file has test cases for, sorted.
func (c *Config) Machines() []string {
	var out []string
	for m := range c.machines {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// TestCases lists the test cases of the machine named machine, sorted.
func (c *Config) TestCases(machine string) []string {
	var out []string
	for tc := range c.machines[machine] {
		out = append(out, tc)
	}
	slices.Sort(out)
	return out
}

// MockedStates lists the states a test case mocks, sorted.
func (c *Config) MockedStates(machine, testCase string) []string {
	var out []string
	for st := range c.machines[machine][testCase] {
		out = append(out, st)
	}
	slices.Sort(out)
	return out
}

// CheckTestCase says why a machine cannot run with testCase ("" never can be).
func (c *Config) CheckTestCase(machine, testCase string) error {
	cases, ok := c.machines[machine]
	if !ok {
		return fmt.Errorf("the mock config has no state machine named %q under StateMachines", machine)
	}
	if _, ok := cases[testCase]; !ok {
		return fmt.Errorf("the mock config has no test case %q for the state machine %q (it has: %s)", testCase, machine, strings.Join(c.TestCases(machine), ", "))
	}
	return nil
}

// Mock answers a call of an execution started with a test case (runtime.Mocks). A call past
// the last invocation its response gives fails the execution, saying so.
func (c *Config) Mock(req runtime.TaskRequest) (json.RawMessage, error, bool) {
	machine := req.StateMachineName
	if parent, _, ok := strings.Cut(machine, "/"); ok {
		machine = parent // a map run's child: "parent/label"
	}
	name, ok := c.machines[machine][req.TestCase][req.StateName]
	if !ok {
		return nil, nil, false
	}
	for _, e := range c.responses[name] {
		if req.Invocation >= e.from && req.Invocation <= e.to {
			if e.throw != nil {
				return nil, e.throw, true
			}
			return e.ret, nil, true
		}
	}
	r := c.responses[name]
	return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: fmt.Sprintf(
		"The test case %s maps the state %q to the mocked response %s, which answers invocations 0-%d; this is invocation %d (retries and Map iterations count). Add an entry for it to MockedResponses.%s.",
		req.TestCase, req.StateName, name, r[len(r)-1].to, req.Invocation, name)}, true
}

// File is a mock file on disk, read again when it changes, so a test case edited while the
// studio runs is used from the next execution on.
type File struct {
	Path string

	mu      sync.Mutex
	modTime time.Time
	size    int64
	config  *Config
	err     error
}

// Load reads the file at path; its error says what is wrong and where.
func Load(path string) (*File, error) {
	f := &File{Path: path}
	if _, err := f.Current(); err != nil {
		return nil, err
	}
	return f, nil
}

// Current is the file's configuration as it is now.
func (f *File) Current() (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := os.Stat(f.Path)
	if err != nil {
		return nil, fmt.Errorf("mock config %s: %w", f.Path, err)
	}
	if f.config != nil || f.err != nil {
		if st.ModTime().Equal(f.modTime) && st.Size() == f.size {
			return f.config, f.err
		}
	}
	f.modTime, f.size = st.ModTime(), st.Size()
	data, err := os.ReadFile(f.Path)
	if err == nil {
		f.config, err = Parse(data)
	}
	f.err = nil
	if err != nil {
		f.config, f.err = nil, fmt.Errorf("mock config %s: %w", f.Path, err)
	}
	return f.config, f.err
}

// Mock answers from the file's current configuration (runtime.Mocks). A file broken since
// the execution started fails the call, saying so.
func (f *File) Mock(req runtime.TaskRequest) (json.RawMessage, error, bool) {
	c, err := f.Current()
	if err != nil {
		return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: err.Error()}, true
	}
	return c.Mock(req)
}
