package web

import (
	"fmt"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// executionARN is the ARN AWS gives an execution of m named name: express executions carry
// "express" and a UUID of their own, since AWS keeps no record that would make names unique.
func (s *Server) executionARN(m resource.StateMachine, name string) string {
	if m.Type == "EXPRESS" {
		return fmt.Sprintf("arn:aws:states:%s:%s:express:%s:%s:%s", s.cfg.Region, s.cfg.AccountID, m.Name, name, newExecutionName())
	}
	return fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", s.cfg.Region, s.cfg.AccountID, m.Name, name)
}
