package web

import (
	"fmt"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// The mock file's test cases (serve --mock-config): StartExecution with
// "<machine ARN>#<test case>", the Run dialog's test case menu and the run form's.

// testCases lists the machine's test cases in the mock file; none without one (or while it
// is broken: starting one then says why).
func (s *Server) testCases(m resource.StateMachine) []string {
	if s.cfg.Mocks == nil {
		return nil
	}
	c, err := s.cfg.Mocks.Current()
	if err != nil {
		return nil
	}
	return c.TestCases(m.Name)
}

// checkTestCase says why machine m cannot run with testCase.
func (s *Server) checkTestCase(m resource.StateMachine, testCase string) error {
	if s.cfg.Mocks == nil {
		return fmt.Errorf("stepstudio has no mock config to take test case %q from: start it with --mock-config FILE (or SFN_MOCK_CONFIG=FILE), a Step Functions Local mock file", testCase)
	}
	c, err := s.cfg.Mocks.Current()
	if err != nil {
		return err
	}
	return c.CheckTestCase(m.Name, testCase)
}

// casesMocking lists the test cases of the machine named machine that mock state.
func (s *Server) casesMocking(machine, state string) []string {
	if s.cfg.Mocks == nil {
		return nil
	}
	c, err := s.cfg.Mocks.Current()
	if err != nil {
		return nil
	}
	var out []string
	for _, tc := range c.TestCases(machine) {
		for _, st := range c.MockedStates(machine, tc) {
			if st == state {
				out = append(out, tc)
			}
		}
	}
	return out
}

// mockedStates lists the states the test case of e mocks, as the mock file says now.
func (s *Server) mockedStates(e resource.Execution) []string {
	if e.TestCase == "" || s.cfg.Mocks == nil {
		return nil
	}
	c, err := s.cfg.Mocks.Current()
	if err != nil {
		return nil
	}
	machine := e.StateMachineName
	return c.MockedStates(machine, e.TestCase)
}
