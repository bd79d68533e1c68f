package casefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stepstudio/stepstudio/runtime/mockconfig"
)

// Case is one case file.
type Case struct {
	// Name names the case in reports; a file without one is named after its file.
	Name string
	// Source says where the expectation comes from. The corpus gives the LocalStack test
	// id; a source containing "/express/" runs the machine as an EXPRESS one, as there.
	Source string
	// Definition is the ASL document (read from its file when the case names one).
	Definition json.RawMessage
	// Input is the execution input; empty means {}.
	Input  json.RawMessage
	Expect Expect
	// Path is the file the case was read from.
	Path string
	// Mocks, TestCase and StateMachine run the case with a test case of a Step Functions
	// Local mock file ("mockConfig", a path relative to the case file): the machine runs
	// under the name StateMachine ("stateMachine"; the file's only machine when not given).
	Mocks        *mockconfig.Config
	TestCase     string
	StateMachine string
}

// Expect is the end an execution must reach.
type Expect struct {
	// Status is SUCCEEDED, FAILED or TIMED_OUT.
	Status string
	// Output is the output a SUCCEEDED execution must give, compared structurally; nil
	// when the file gives none, so only the status is checked.
	Output json.RawMessage
	// Error and Cause are the error name and cause a FAILED execution must give. nil means
	// the file does not give the field, so it is not checked (the corpus leaves out causes
	// it could not record exactly); a JSON null reads as "", "the service reported none",
	// which is how runtime.Result says it.
	Error, Cause *string
}

// The statuses an expectation may name.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
)

// FileError is a file that should be a case but cannot be read as one.
type FileError struct {
	Path string
	Err  error
}

// Error names the file and the problem.
func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *FileError) Unwrap() error { return e.Err }

// ReadFile reads one case file. The error is a *FileError.
func ReadFile(path string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	c, err := parse(data, path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return c, nil
}

// parse reads the case in data, which was read from path.
func parse(data []byte, path string) (*Case, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, fmt.Errorf("not a case file: %s", describeJSONError(data, err))
	}
	// Unknown keys are refused: a misspelt "expect" or "ouput" would otherwise make a case
	// check less than its author meant, and pass.
	if err := onlyKeys(top, "", "name", "source", "definition", "input", "expect", "mockConfig", "testCase", "stateMachine"); err != nil {
		return nil, err
	}
	c := &Case{Path: path, Input: top["input"]}
	if err := optString(top, "name", &c.Name); err != nil {
		return nil, err
	}
	if c.Name == "" {
		c.Name = strings.TrimSuffix(filepath.Base(path), ".json")
	}
	if err := optString(top, "source", &c.Source); err != nil {
		return nil, err
	}
	def, err := definition(top["definition"], path)
	if err != nil {
		return nil, err
	}
	c.Definition = def
	if c.Expect, err = parseExpect(top["expect"]); err != nil {
		return nil, err
	}
	if err := c.readMocks(top, path); err != nil {
		return nil, err
	}
	return c, nil
}

// readMocks reads the case's mock file and checks its test case.
func (c *Case) readMocks(top map[string]json.RawMessage, path string) error {
	var file string
	for key, to := range map[string]*string{"mockConfig": &file, "testCase": &c.TestCase, "stateMachine": &c.StateMachine} {
		if err := optString(top, key, to); err != nil {
			return err
		}
	}
	if file == "" {
		if c.TestCase != "" || c.StateMachine != "" {
			return errors.New(`"testCase" and "stateMachine" need a "mockConfig": the Step Functions Local mock file they come from`)
		}
		return nil
	}
	if c.TestCase == "" {
		return errors.New(`"mockConfig" needs a "testCase": the test case of the mock file to run with`)
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(filepath.Dir(path), file)
	}
	data, err := os.ReadFile(file)
	if err == nil {
		c.Mocks, err = mockconfig.Parse(data)
	}
	if err != nil {
		return fmt.Errorf("mockConfig %s: %w", file, err)
	}
	if c.StateMachine == "" {
		if names := c.Mocks.Machines(); len(names) == 1 {
			c.StateMachine = names[0]
		} else {
			return fmt.Errorf(`"stateMachine" is needed: the mock file %s has the machines %s`, file, strings.Join(names, ", "))
		}
	}
	return c.Mocks.CheckTestCase(c.StateMachine, c.TestCase)
}

// definition returns the case's definition: the object itself, or the file a string names.
func definition(raw json.RawMessage, casePath string) (json.RawMessage, error) {
	switch kind(raw) {
	case '{':
		return raw, nil
	case '"':
		var rel string
		_ = json.Unmarshal(raw, &rel)
		p := rel
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(casePath), rel)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("definition: %w", err)
		}
		return data, nil
	case 0:
		return nil, errors.New(`"definition" is required: the state machine, or the path of its file`)
	}
	return nil, errors.New(`"definition" must be the state machine (an object) or the path of its file (a string)`)
}

func parseExpect(raw json.RawMessage) (Expect, error) {
	var e Expect
	var m map[string]json.RawMessage
	if kind(raw) != '{' || json.Unmarshal(raw, &m) != nil {
		return e, errors.New(`"expect" is required: an object such as {"status": "SUCCEEDED", "output": {...}}`)
	}
	if err := optString(m, "status", &e.Status); err != nil {
		return e, fmt.Errorf("expect: %w", err)
	}
	switch e.Status {
	case StatusSucceeded:
		if err := onlyKeys(m, "expect", "status", "output"); err != nil {
			return e, err
		}
		e.Output = m["output"]
	case StatusFailed:
		if err := onlyKeys(m, "expect", "status", "error", "cause"); err != nil {
			return e, err
		}
		for _, f := range []struct {
			key string
			to  **string
		}{{"error", &e.Error}, {"cause", &e.Cause}} {
			v, ok := m[f.key]
			if !ok {
				continue
			}
			var s *string
			if err := json.Unmarshal(v, &s); err != nil {
				return e, fmt.Errorf("expect: %q must be a string or null", f.key)
			}
			if s == nil {
				s = new(string)
			}
			*f.to = s
		}
	case StatusTimedOut:
		if err := onlyKeys(m, "expect", "status"); err != nil {
			return e, err
		}
	default:
		return e, fmt.Errorf("expect: \"status\" must be %s, %s or %s, not %q", StatusSucceeded, StatusFailed, StatusTimedOut, e.Status)
	}
	return e, nil
}

// onlyKeys refuses keys of m not in allowed; in names the object for the message.
func onlyKeys(m map[string]json.RawMessage, in string, allowed ...string) error {
	var extra []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			extra = append(extra, fmt.Sprintf("%q", k))
		}
	}
	if len(extra) == 0 {
		return nil
	}
	slices.Sort(extra)
	where := "a case"
	if in != "" {
		where = fmt.Sprintf("%q", in)
	}
	return fmt.Errorf("unknown key %s in %s (allowed: %s)", strings.Join(extra, ", "), where, strings.Join(allowed, ", "))
}

func optString(m map[string]json.RawMessage, key string, to *string) error {
	v, ok := m[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, to); err != nil {
		return fmt.Errorf("%q must be a string", key)
	}
	return nil
}

// kind returns the first byte of a JSON value ('{', '"', ...), or 0 for none.
func kind(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// describeJSONError says where a file stops being JSON, by line and column.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the offending byte; the column is that byte's.
		before := data[:min(max(se.Offset-1, 0), int64(len(data)))]
		line := bytes.Count(before, []byte("\n")) + 1
		col := len(before) - bytes.LastIndexByte(before, '\n')
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)
	}
	if err != nil {
		return fmt.Sprintf("not a JSON object: %v", err)
	}
	return "not a JSON object"
}

// Suite is what Load found.
type Suite struct {
	// Cases in the order of the paths given, files in a folder in lexical order.
	Cases []*Case
	// Broken lists, as *FileError, the files that should be cases but cannot be read as
	// such: a file named on its own, or a JSON file in a folder that has a "definition"
	// or an "expect" key.
	Broken []error
	// Skipped lists the JSON files found in folders that are not cases, such as the
	// workflow definitions kept beside their cases.
	Skipped []string
}

// Load reads the cases at the given paths: a file is one case; a folder is searched
// recursively for .json files that are cases (objects with "definition" and "expect"),
// skipping hidden folders and node_modules. The error is for a path that cannot be
// searched at all; a file that cannot be read as a case is in Suite.Broken.
func Load(paths ...string) (*Suite, error) {
	s := &Suite{}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("casefile: %w", err)
		}
		if !info.IsDir() {
			c, err := ReadFile(root)
			if err != nil {
				s.Broken = append(s.Broken, err)
				continue
			}
			s.Cases = append(s.Cases, c)
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				s.Broken = append(s.Broken, &FileError{Path: path, Err: err})
				return nil
			}
			if d.IsDir() {
				if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(d.Name(), ".json") {
				return nil
			}
			s.add(path)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("casefile: %w", err)
		}
	}
	return s, nil
}

// add reads a JSON file found in a folder: a case, a broken case, or something else.
func (s *Suite) add(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		s.Broken = append(s.Broken, &FileError{Path: path, Err: err})
		return
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		// Not JSON we can read (a tsconfig.json with comments, a JSON array): not a case.
		s.Skipped = append(s.Skipped, path)
		return
	}
	_, hasDef := top["definition"]
	_, hasExpect := top["expect"]
	if !hasDef && !hasExpect {
		s.Skipped = append(s.Skipped, path)
		return
	}
	c, err := parse(data, path)
	if err != nil {
		s.Broken = append(s.Broken, &FileError{Path: path, Err: err})
		return
	}
	s.Cases = append(s.Cases, c)
}
