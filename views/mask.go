package views

import (
	"encoding/json"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// tokenShown is how many characters of a task token a page shows to someone who does not
// hold the task: enough to tell tokens apart, far too few to answer with.
const tokenShown = 6

// MaskToken shortens a task token to its first characters and "…".
func MaskToken(token string) string {
	if len(token) <= tokenShown {
		return token
	}
	return token[:tokenShown] + "…"
}

// MaskTokens replaces every occurrence of each token in text (Parameters, event details,
// outputs) by MaskToken's short form. Every page that shows text that may hold a task token
// passes it through here, unless the viewer holds the task.
func MaskTokens(text string, tokens ...string) string {
	for _, tok := range tokens {
		if len(tok) > tokenShown {
			text = strings.ReplaceAll(text, tok, MaskToken(tok))
		}
	}
	return text
}

// MaskEvents returns a copy of the history with the tokens masked in every text of the
// details, so the tables, summaries and state details drawn from it show no full token.
func MaskEvents(events []runtime.Event, tokens ...string) []runtime.Event {
	if len(tokens) == 0 {
		return events
	}
	out := make([]runtime.Event, len(events))
	for i, ev := range events {
		out[i] = MaskEvent(ev, tokens...)
	}
	return out
}

// MaskEvent masks the tokens in one event's details (see MaskEvents).
func MaskEvent(ev runtime.Event, tokens ...string) runtime.Event {
	d := &ev.Details
	for _, s := range []*string{&d.Input, &d.Output, &d.Parameters, &d.Error, &d.Cause} {
		*s = MaskTokens(*s, tokens...)
	}
	if d.AssignedVariables != nil {
		vars := make(map[string]string, len(d.AssignedVariables))
		for k, v := range d.AssignedVariables {
			vars[k] = MaskTokens(v, tokens...)
		}
		d.AssignedVariables = vars
	}
	d.TaskToken = ""
	return ev
}

// MaskTestStateResult masks the tokens in every value of a tested state's result: the
// execution page recomputes a visit with the run's context, whose task token the
// parameters may carry.
func MaskTestStateResult(r runtime.TestStateResult, tokens ...string) runtime.TestStateResult {
	if len(tokens) == 0 {
		return r
	}
	for _, v := range []*json.RawMessage{&r.Input, &r.AfterInputPath, &r.AfterParameters, &r.AfterArguments, &r.AfterItemsPath,
		&r.AfterItemSelector, &r.Result, &r.AfterResultSelector, &r.AfterResultPath, &r.Output} {
		if *v != nil {
			*v = json.RawMessage(MaskTokens(string(*v), tokens...))
		}
	}
	if r.Variables != nil {
		vars := make(map[string]json.RawMessage, len(r.Variables))
		for k, v := range r.Variables {
			vars[k] = json.RawMessage(MaskTokens(string(v), tokens...))
		}
		r.Variables = vars
	}
	r.Error, r.Cause = MaskTokens(r.Error, tokens...), MaskTokens(r.Cause, tokens...)
	return r
}
