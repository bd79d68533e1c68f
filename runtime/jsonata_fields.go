package runtime

// The number, time and text fields of JSONata states written as {% %} expressions:
// Wait Seconds/Timestamp, Fail Error/Cause, Task TimeoutSeconds/HeartbeatSeconds.

import (
	"encoding/json"
	"strconv"
	"time"
)

// exprFields compiles the fields of obj written as {% %} expressions into the templates
// given, and returns obj without them, so that the literal reading skips them.
func (p *parser) exprFields(obj *object, s site, fields map[string]**jsonataTemplate) *object {
	rest := obj
	for _, m := range obj.members {
		t, ok := fields[m.key]
		str, _ := m.val.(string)
		if _, isExpr := jsonataExpression(str); !ok || !isExpr {
			continue
		}
		*t = p.compileJSONata(m.val, s, m.key)
		rest = withoutKey(rest, m.key)
	}
	return rest
}

// parseJSONataWait takes Seconds and Timestamp when they are expressions.
func (p *parser) parseJSONataWait(obj *object, s site, st *WaitState) *object {
	// parseWait has counted the fields on the whole obj: only their reading changes.
	return p.exprFields(obj, s, map[string]**jsonataTemplate{"Seconds": &st.secondsExpr, "Timestamp": &st.timestampExpr})
}

// waitUntil works out the end of a Wait whose Seconds or Timestamp is an expression.
func (env *jsonataEnv) waitUntil(s *WaitState, sr *stateRun) (time.Time, error) {
	if s.secondsExpr != nil {
		v, err := s.secondsExpr.eval(env)
		if err != nil {
			return time.Time{}, err
		}
		n, _ := v.(json.Number)
		secs, perr := strconv.ParseInt(string(n), 10, 64)
		if perr != nil || secs < 0 || secs > 99999999 {
			return time.Time{}, s.secondsExpr.wrongType("integer", v)
		}
		return sr.enteredAt.Add(time.Duration(secs) * time.Second), nil
	}
	v, err := s.timestampExpr.eval(env)
	if err != nil {
		return time.Time{}, err
	}
	str, _ := v.(string)
	t, ok := parseTimestamp(str)
	if !ok {
		return time.Time{}, &Error{Name: ErrNameQueryEvaluation,
			Cause: "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: " + plainText(v), location: "Timestamp"}
	}
	return t, nil
}

// parseJSONataFail takes Error and Cause when they are expressions.
func (p *parser) parseJSONataFail(obj *object, s site, st *FailState) *object {
	return p.exprFields(obj, s, map[string]**jsonataTemplate{"Error": &st.errorExpr, "Cause": &st.causeExpr})
}

// fail evaluates a Fail state's Error and Cause expressions into failure; both must give
// strings.
func (env *jsonataEnv) fail(s *FailState, failure *Error) (*Error, error) {
	for _, f := range []struct {
		t   *jsonataTemplate
		out *string
	}{{s.errorExpr, &failure.Name}, {s.causeExpr, &failure.Cause}} {
		if f.t == nil {
			continue
		}
		v, err := f.t.eval(env)
		if err != nil {
			return nil, err
		}
		str, ok := v.(string)
		if !ok {
			return nil, f.t.wrongType("string", v)
		}
		*f.out = str
	}
	return failure, nil
}

// taskTimeouts evaluates a Task's TimeoutSeconds and HeartbeatSeconds written as
// expressions, over the literal values; each must give a whole number of seconds from 1
// to 99999999.
func (env *jsonataEnv) taskTimeouts(s *TaskState, timeout, heartbeat int) (int, int, error) {
	for _, f := range []struct {
		t   *jsonataTemplate
		out *int
	}{{s.timeoutExpr, &timeout}, {s.heartbeatExpr, &heartbeat}} {
		if f.t == nil {
			continue
		}
		v, err := f.t.eval(env)
		if err != nil {
			return 0, 0, err
		}
		n, _ := v.(json.Number)
		secs, perr := strconv.ParseInt(string(n), 10, 64)
		if perr != nil || secs < 1 || secs > 99999999 {
			return 0, 0, f.t.wrongType("integer", v)
		}
		*f.out = int(secs)
	}
	return timeout, heartbeat, nil
}
