package remote

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// Local is what only this studio has: a deploy sends the definition and nothing of this, so a
// plan names what the definition relies on from it.
type Local struct {
	// LambdaEndpoint is the Lambda Invoke API local Lambda tasks call; LambdaFunctions maps
	// function names to other endpoints.
	LambdaEndpoint  string
	LambdaFunctions map[string]string
	// MockCases lists, by machine name, the mock test cases of the mock file.
	MockCases map[string][]string
	// HTTPConnections reports a file of connection credentials for HTTP tasks.
	HTTPConnections bool
	// Account is the studio's own, in the ARNs it makes.
	Account string
}

// Report lists what machine's definition relies on that stays local, one sentence each.
func (l Local) Report(machine string, definition []byte) []string {
	var def any
	if json.Unmarshal(definition, &def) != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	walkStates(def, func(name string, st map[string]any) {
		res, _ := st["Resource"].(string)
		switch {
		case strings.HasPrefix(res, "arn:aws:lambda:") || strings.HasPrefix(res, "arn:aws:states:::lambda:invoke"):
			fn := lambdaName(res, st)
			if ep, ok := l.LambdaFunctions[fn]; ok {
				add(fmt.Sprintf("Lambda function %q (state %q) is invoked here through %s: the target calls the real function, which must exist there.", fn, name, ep))
			} else if l.LambdaEndpoint != "" {
				add(fmt.Sprintf("Lambda function %q (state %q) is invoked here through the local endpoint %s: the target calls the real function, which must exist there.", fn, name, l.LambdaEndpoint))
			}
		case strings.HasPrefix(res, "arn:aws:states:::http:invoke") && l.HTTPConnections:
			add(fmt.Sprintf("State %q's connection credentials come from this studio's connections file: the target uses its EventBridge connection.", name))
		case strings.Contains(res, ":activity:"):
			add(fmt.Sprintf("Activity %s (state %q): its workers poll this studio; on the target they must poll the target's activity.", res, name))
		}
		if l.Account != "" && strings.Contains(res, ":"+l.Account+":") {
			add(fmt.Sprintf("State %q's resource %s names this studio's account %s: the target's account may differ.", name, res, l.Account))
		}
	})
	if cases := l.MockCases[machine]; len(cases) > 0 {
		sorted := append([]string(nil), cases...)
		sort.Strings(sorted)
		add(fmt.Sprintf("Mock test cases %s stay here: the target runs the real tasks.", strings.Join(sorted, ", ")))
	}
	return out
}

// lambdaName is the function a Lambda task calls, as written.
func lambdaName(res string, st map[string]any) string {
	for _, field := range []string{"Parameters", "Arguments"} {
		if p, ok := st[field].(map[string]any); ok {
			if fn, ok := p["FunctionName"].(string); ok {
				return fn
			}
		}
	}
	return res[strings.LastIndex(res, ":")+1:]
}

// walkStates calls fn for every state of a definition, those of branches and item
// processors included.
func walkStates(v any, fn func(name string, st map[string]any)) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	states, _ := m["States"].(map[string]any)
	names := make([]string, 0, len(states))
	for n := range states {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st, ok := states[n].(map[string]any)
		if !ok {
			continue
		}
		fn(n, st)
		if branches, ok := st["Branches"].([]any); ok {
			for _, b := range branches {
				walkStates(b, fn)
			}
		}
		for _, field := range []string{"ItemProcessor", "Iterator"} {
			walkStates(st[field], fn)
		}
	}
}

// TextDiff is a unified diff of two definitions, "" when they are the same.
func TextDiff(from, to []byte, fromName, toName string) string {
	return udiff.Unified(fromName, toName, string(from), string(to))
}
