package runtime

import (
	"encoding/json"
	"strconv"
	"time"
)

// WaitState delays the execution (Type "Wait") for Seconds, until Timestamp, or for the
// seconds or until the timestamp that SecondsPath or TimestampPath find in its input.
type WaitState struct {
	StateBase
	// Seconds is the literal delay; Timestamp the literal time as written ("" if unused).
	Seconds   int
	Timestamp string
	// SecondsPath and TimestampPath are nil when unused.
	SecondsPath   *Path
	TimestampPath *Path

	hasSeconds bool
	until      time.Time
	// secondsExpr and timestampExpr are Seconds and Timestamp written as {% %} in a
	// JSONata state.
	secondsExpr, timestampExpr *jsonataTemplate
}

func (p *parser) parseWait(obj *object, s site, b StateBase) State {
	st := &WaitState{StateBase: b}
	count := 0
	for _, f := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
		if _, ok := obj.get(f); ok {
			count++
		}
	}
	if count != 1 {
		p.schemaf(s, "", "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath and TimestampPath")
	}
	if b.jsonata {
		obj = p.parseJSONataWait(obj, s, st)
	}
	if _, ok := obj.get("Seconds"); ok {
		st.hasSeconds = true
		st.Seconds = p.optInt(obj, s, "Seconds", 0, 99999999)
	}
	if v, ok := obj.get("Timestamp"); ok {
		st.Timestamp, _ = v.(string)
		t, valid := parseTimestamp(st.Timestamp)
		if !valid {
			p.schemaf(s, "Timestamp", "%s is not an ISO-8601 extended offset date-time such as 2016-03-14T01:59:00Z", jsonText(v))
		}
		st.until = t
	}
	if v, ok := obj.get("SecondsPath"); ok {
		st.SecondsPath = p.referencePath(s, "SecondsPath", v)
	}
	if v, ok := obj.get("TimestampPath"); ok {
		st.TimestampPath = p.referencePath(s, "TimestampPath", v)
	}
	return st
}

func (x *execution) runWait(s *WaitState, sr *stateRun, raw any) (any, error) {
	return x.dataFlow(&s.StateBase, sr, raw, func(effective any) (any, error) {
		until, err := x.waitUntil(s, sr, effective)
		if err != nil {
			return nil, err
		}
		if err := x.sleep(until.Sub(x.now())); err != nil {
			return nil, err
		}
		return effective, nil
	})
}

// waitUntil works out when the wait ends, with AWS's messages for unusable values.
func (x *execution) waitUntil(s *WaitState, sr *stateRun, effective any) (time.Time, error) {
	switch {
	case s.secondsExpr != nil || s.timestampExpr != nil:
		return sr.jsonata.waitUntil(s, sr)
	// Waits count from the state's entry, so a wait resumed after a restart ends on time.
	case s.hasSeconds:
		return sr.enteredAt.Add(time.Duration(s.Seconds) * time.Second), nil
	case s.Timestamp != "":
		return s.until, nil
	case s.SecondsPath != nil:
		v, err := x.findReference(s.SecondsPath, effective, sr)
		if err != nil {
			return time.Time{}, err
		}
		n, isNum := v.(json.Number)
		secs, perr := strconv.ParseInt(string(n), 10, 64)
		if !isNum || perr != nil {
			return time.Time{}, runtimeError("The SecondsPath parameter cannot be parsed as a long value: %s == %s", s.SecondsPath, plainText(v))
		}
		if secs < 0 {
			return time.Time{}, runtimeError("The SecondsPath parameter references a negative value: %s == %s", s.SecondsPath, plainText(v))
		}
		if secs > 99999999 {
			return time.Time{}, runtimeError("Wait state delay is too long.")
		}
		return sr.enteredAt.Add(time.Duration(secs) * time.Second), nil
	default:
		v, err := x.findReference(s.TimestampPath, effective, sr)
		if err != nil {
			return time.Time{}, err
		}
		str, _ := v.(string)
		t, ok := parseTimestamp(str)
		if !ok {
			return time.Time{}, runtimeError("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", s.TimestampPath, plainText(v))
		}
		return t, nil
	}
}
