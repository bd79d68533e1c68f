// Package casefile reads, runs and checks ASL test cases: one JSON file per case holding a
// state machine definition, an execution input and the end the execution must reach.
//
// It is the format of the conformance corpus recorded against AWS Step Functions
// (../shared/conformance), and the format users keep beside their own workflows and run
// with `stepstudio test`:
//
//	{
//	  "name": "order is approved",
//	  "source": "free text: where the expectation comes from",
//	  "definition": { "StartAt": "...", "States": { } },
//	  "input": {"amount": 42},
//	  "expect": {"status": "SUCCEEDED", "output": {"approved": true}}
//	}
//
// expect is {"status": "SUCCEEDED", "output": V}, {"status": "FAILED", "error": E, "cause": C}
// or {"status": "TIMED_OUT"}. One addition to the corpus format: "definition" may be a string,
// the path of the definition file relative to the case file, so a case need not copy the
// workflow it tests.
//
// Cases run on a virtual clock (a Wait, a Retry back-off or a timeout costs no real time)
// and are compared as the corpus README says: JSON structurally, numbers by value,
// {"$any": true} matching any value, "error": null meaning "none reported", and an absent
// cause not checked.
package casefile
