package web

import (
	"fmt"
	"strings"
)

// stepsARN is a Step Functions ARN taken apart:
// arn:<partition>:states:<region>:<account>:<kind>:<name>[:<qualifier>...].
type stepsARN struct {
	region, account string
	kind            string   // stateMachine, execution, express, activity, mapRun
	parts           []string // what follows the kind
}

// parseStepsARN takes a Step Functions ARN of one of the kinds apart. An ARN that is not one
// is InvalidArn, as AWS words it.
func parseStepsARN(field, arn string, kinds ...string) (stepsARN, error) {
	f := strings.Split(arn, ":")
	if len(f) < 7 || f[0] != "arn" || !strings.HasPrefix(f[1], "aws") || f[2] != "states" || f[5] == "" {
		return stepsARN{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: 'Unable to parse arn: %s' (%s)", clip(arn, 200), field))
	}
	a := stepsARN{region: f[3], account: f[4], kind: f[5], parts: f[6:]}
	for _, k := range kinds {
		if a.kind == k {
			for _, p := range a.parts {
				if p == "" {
					return stepsARN{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s' (%s has an empty name)", clip(arn, 200), field))
				}
			}
			return a, nil
		}
	}
	return stepsARN{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: 'Resource type not valid in this context: %s'", clip(a.kind, 100)))
}

// isOurs reports whether the ARN is of the studio's region and account: ARNs of others name
// nothing here.
func (s *Server) isOurs(a stepsARN) bool {
	return a.region == s.cfg.Region && a.account == s.cfg.AccountID
}

func (s *Server) activityARN(name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:activity:%s", s.cfg.Region, s.cfg.AccountID, name)
}
