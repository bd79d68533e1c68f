package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Retrier is one entry of a state's Retry field.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int
	MaxAttempts     int
	BackoffRate     float64
	// MaxDelaySeconds caps the computed interval; 0 means no cap.
	MaxDelaySeconds int
	// JitterStrategy is "FULL" (a random delay up to the computed one) or "NONE".
	JitterStrategy string
}

// Catcher is one entry of a state's Catch field.
type Catcher struct {
	ErrorEquals []string
	Next        string

	resultPath pathField
	// assign runs instead of the state's Assign when the catcher catches; $ is the error
	// output. On a Parallel or Map state it assigns the variables around the state.
	assign *assignment
	// jsonata marks a catcher of a JSONata state, whose Output (nil: the error output) and
	// Assign read the error as $states.errorOutput.
	jsonata bool
	output  *jsonataTemplate
}

// delay is how long to wait before retry number attempt+1 (attempt counts from 0).
func (r Retrier) delay(attempt int) time.Duration {
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(attempt))
	if r.MaxDelaySeconds > 0 {
		secs = min(secs, float64(r.MaxDelaySeconds))
	}
	d := time.Duration(secs * float64(time.Second))
	if r.JitterStrategy == "FULL" {
		d = time.Duration(rand.Int64N(int64(d) + 1))
	}
	return d
}

func (p *parser) parseRetry(obj *object, s site) []Retrier {
	list := p.errorHandlers(obj, s, "Retry")
	out := make([]Retrier, 0, len(list))
	for i, o := range list {
		field := fmt.Sprintf("Retry/%d", i)
		rs := site{loc: s.at(field), state: s.state, prefix: field + "/"}
		p.checkFields(o, rs, []string{"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"})
		r := Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0, JitterStrategy: "NONE"}
		r.ErrorEquals = p.errorEquals(o, s, field, i == len(list)-1)
		if _, ok := o.get("IntervalSeconds"); ok {
			r.IntervalSeconds = p.optInt(o, rs, "IntervalSeconds", 1, 99999999)
		}
		if _, ok := o.get("MaxAttempts"); ok {
			r.MaxAttempts = p.optInt(o, rs, "MaxAttempts", 0, 99999999)
		}
		if f, ok := p.optFloat(o, rs, "BackoffRate", 1, math.MaxFloat64); ok {
			r.BackoffRate = f
		}
		if _, ok := o.get("MaxDelaySeconds"); ok {
			r.MaxDelaySeconds = p.optInt(o, rs, "MaxDelaySeconds", 1, 31622400)
		}
		if v, ok := o.get("JitterStrategy"); ok {
			if v != "FULL" && v != "NONE" {
				p.schemaf(rs, "JitterStrategy", "must be \"FULL\" or \"NONE\"")
			}
			r.JitterStrategy, _ = v.(string)
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) parseCatch(obj *object, s site) []Catcher {
	list := p.errorHandlers(obj, s, "Catch")
	out := make([]Catcher, 0, len(list))
	for i, o := range list {
		field := fmt.Sprintf("Catch/%d", i)
		cs := site{loc: s.at(field), state: s.state, prefix: field + "/"}
		// p.lang is the language of the state being parsed.
		c := Catcher{jsonata: p.lang == langJSONata}
		if c.jsonata {
			p.checkStateFields(o, cs, []string{"ErrorEquals", "Next", "Output", "Comment", "Assign"}, true)
		} else {
			p.checkFields(o, cs, []string{"ErrorEquals", "Next", "ResultPath", "Comment", "Assign"})
		}
		c.ErrorEquals = p.errorEquals(o, s, field, i == len(list)-1)
		if _, ok := o.get("Next"); !ok {
			p.schemaf(s, field, "a catcher needs Next")
		} else {
			c.Next = p.optString(o, cs, "Next")
		}
		v, hasAssign := o.get("Assign")
		if c.jsonata {
			c.output = p.jsonataField(o, cs, "Output")
			if hasAssign {
				c.assign = p.parseJSONataAssign(v, cs, "Assign")
			}
			out = append(out, c)
			continue
		}
		c.resultPath = p.pathField(o, cs, "ResultPath", false)
		if hasAssign {
			c.assign = p.parseAssign(v, cs, "Assign")
		}
		out = append(out, c)
	}
	return out
}

// errorHandlers reads the Retry or Catch array.
func (p *parser) errorHandlers(obj *object, s site, field string) []*object {
	v, ok := obj.get(field)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		p.schemaf(s, field, "must be an array")
		return nil
	}
	out := make([]*object, 0, len(arr))
	for i, e := range arr {
		o, isObj := e.(*object)
		if !isObj {
			p.schemaf(s, fmt.Sprintf("%s/%d", field, i), "must be an object")
			continue
		}
		out = append(out, o)
	}
	return out
}

// errorEquals reads ErrorEquals; States.ALL must be alone and in the last entry.
func (p *parser) errorEquals(o *object, s site, field string, last bool) []string {
	v, ok := o.get("ErrorEquals")
	if !ok {
		p.schemaf(s, field, "These fields are required: [ErrorEquals]")
		return nil
	}
	names := p.stringList(v, s, field+"/ErrorEquals")
	if slices.Contains(names, ErrNameAll) && (len(names) > 1 || !last) {
		p.schemaf(s, field+"/ErrorEquals", "States.ALL must appear alone, in the last entry")
	}
	return names
}

// retryFor finds the retrier for an error: the first whose ErrorEquals matches.
func retryFor(retry []Retrier, name string, fromTask bool) int {
	for i, r := range retry {
		if matches(r.ErrorEquals, name, fromTask) {
			return i
		}
	}
	return -1
}

func catchFor(catch []Catcher, name string, fromTask bool) *Catcher {
	for i := range catch {
		if matches(catch[i].ErrorEquals, name, fromTask) {
			return &catch[i]
		}
	}
	return nil
}

// errorOutput is what a Catcher passes on: {"Error": ..., "Cause": ...}.
func errorOutput(e *Error) *object {
	o := newObject(2)
	o.set("Error", e.Name)
	if e.Cause != "" {
		o.set("Cause", e.Cause)
	}
	return o
}

// withRetryAndCatch runs attempt until it succeeds, retrying and catching its failures as
// the state's Retry and Catch say. It returns the output and the next state. A Parallel or
// Map state that gives up records its ParallelStateFailed or MapStateFailed first.
func (x *execution) withRetryAndCatch(b *StateBase, retry []Retrier, catch []Catcher, sr *stateRun, raw any,
	attempt func() (any, error)) (any, string, error) {
	counts := make([]int, len(retry))
	copy(counts, sr.retryCounts) // the retries before a restart
	sr.retryCounts = nil
	if x.probe != nil && x.probe.retries > 0 {
		// TestState, told how many retries the matching retrier has made.
		for i := range counts {
			counts[i] = x.probe.retries
		}
		sr.retryCount = x.probe.retries
	}
	fromTask := b.Type == "Task"
	for {
		var out any
		var err error
		var failedAt time.Time
		gaveUp := false
		switch {
		case sr.gaveUp != nil:
			// A restart found the Map or Parallel failure recorded: only the Catch is left.
			err, gaveUp, sr.gaveUp = sr.gaveUp, true, nil
		case sr.failure != nil:
			// A restart found the task's failure recorded, before the Retry or Catch acted.
			err, failedAt, sr.failure = sr.failure, sr.failedAt, nil
		default:
			out, err = attempt()
			failedAt = x.now()
		}
		if err == nil {
			return out, b.Next, nil
		}
		failure, ok := err.(*Error)
		if !ok {
			return nil, "", err
		}
		if err := x.evaluationFailed(sr, failure); err != nil {
			return nil, "", err
		}
		if x.debug != nil && x.debug.cfg.BreakOnError && x.probe == nil {
			// Paused before the Retry or Catch decides, saying what it will decide.
			next := whatHandles(retry, catch, counts, failure.Name, fromTask, gaveUp)
			if _, _, err := x.debugPause(b.Name, raw, DebugDetails{Reason: PausedOnError, Next: next}, failure.Name, failure.Cause); err != nil {
				return nil, "", err
			}
		}
		// States.Runtime matches no retrier and no catcher.
		if i := retryFor(retry, failure.Name, fromTask); !gaveUp && i >= 0 && counts[i] < retry[i].MaxAttempts {
			if x.probe != nil {
				// TestState reports that the state would retry, as AWS's does, instead of retrying.
				x.probe.retriable = true
				return nil, "", err
			}
			// The delay counts from the failure, which a restart may have come after.
			if err := x.sleep(retry[i].delay(counts[i]) - x.now().Sub(failedAt)); err != nil {
				return nil, "", err
			}
			counts[i]++
			sr.retryCount++
			continue
		}
		if !gaveUp {
			if err := x.stateFailed(b, sr, failure); err != nil {
				return nil, "", err
			}
		}
		c := catchFor(catch, failure.Name, fromTask)
		if c == nil {
			return nil, "", err
		}
		output := errorOutput(failure)
		if x.probe != nil {
			x.probe.caught = failure
		}
		sr.assigned = nil
		if c.jsonata {
			out, err := x.jsonataCatch(c, sr, raw, output, b.Name)
			if err != nil {
				return nil, "", err
			}
			return out, c.Next, nil
		}
		if c.assign != nil {
			if sr.assigned, err = c.assign.eval(output, x.lazyContext(sr), x.vars, b.Name); err != nil {
				return nil, "", err
			}
		}
		out, err = applyResultPath(c.resultPath, raw, output)
		if err != nil {
			return nil, "", err
		}
		return out, c.Next, nil
	}
}

// whatHandles says what a state's Retry and Catch do with a failure named name, for a debug
// run paused on it: the retrier that retries it and when, or the catcher and where it leads,
// or that the state fails.
func whatHandles(retry []Retrier, catch []Catcher, counts []int, name string, fromTask, gaveUp bool) string {
	if i := retryFor(retry, name, fromTask); !gaveUp && i >= 0 && counts[i] < retry[i].MaxAttempts {
		r := retry[i]
		plain := r
		plain.JitterStrategy = "NONE"
		wait := plain.delay(counts[i]).String()
		if r.JitterStrategy == "FULL" {
			wait = "up to " + wait // a random part of it
		}
		return fmt.Sprintf("Retry %d (%s) retries it after %s: retry %d of %d.", i, strings.Join(r.ErrorEquals, ", "), wait, counts[i]+1, r.MaxAttempts)
	}
	for i := range catch {
		if c := catchFor(catch[i:i+1], name, fromTask); c != nil {
			return fmt.Sprintf("Catch %d (%s) catches it and goes on to %q.", i, strings.Join(c.ErrorEquals, ", "), c.Next)
		}
	}
	return "Nothing retries or catches it: the state fails."
}
