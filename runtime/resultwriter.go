package runtime

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A distributed Map's ResultWriter
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html)
// shapes the children's results (WriterConfig) and, with Resource and Parameters, exports
// them to Amazon S3 under Prefix/<map run id>/: one file per status the children ended with,
// SUCCEEDED_0.json, FAILED_0.json and PENDING_0.json (written only when some ended so), and
// manifest.json listing them. The Map's result is then {"MapRunArn", "ResultWriterDetails":
// {"Bucket", "Key" (of the manifest)}}. With WriterConfig alone the shaped results are the
// Map's result.
//
// The shapes follow what AWS publishes: the manifest as a published one reads
// ({"DestinationBucket", "MapRunArn", "ResultFiles": {"FAILED", "PENDING", "SUCCEEDED": [{"Key",
// "Size"}]}}); a NONE entry is DescribeExecution's fields, capitalised, the input and output as
// JSON text, as the ResultWriter page's example shows. Where the docs are silent: the size
// at which AWS starts a file _1 (every status here goes to one file, _0), the fields of a
// PENDING entry (here Input, InputDetails and Status), and what JSONL means without an
// export (the shaped results stay a JSON array, the Map's output being one JSON value).

// resultWriter is a parsed ResultWriter.
type resultWriter struct {
	params         *template        // Bucket and Prefix; nil: WriterConfig alone, nothing exported
	arguments      *jsonataTemplate // params in a JSONata Map
	transformation string           // NONE, COMPACT or FLATTEN
	jsonLines      bool             // OutputType JSONL
}

func (p *parser) parseResultWriter(v any, s site, distributed bool) *resultWriter {
	args := p.s3ArgumentsField()
	obj, ws := p.distributedField(v, s, "ResultWriter", distributed, "Resource and "+args+", WriterConfig, or all three",
		[]string{"Resource", args, "WriterConfig"})
	if obj == nil {
		return nil
	}
	w := &resultWriter{transformation: "NONE"}
	res, hasRes := obj.get("Resource")
	_, hasParams := obj.get(args)
	cfg, hasCfg := obj.get("WriterConfig")
	switch {
	case !hasRes && !hasParams && !hasCfg:
		p.schemaf(ws, "", "a ResultWriter cannot be empty: it needs Resource and Parameters, WriterConfig, or all three")
	case hasRes != hasParams:
		p.schemaf(ws, "", "a ResultWriter that exports its results needs both Resource and Parameters")
	case hasRes && res != resourcePutObject:
		p.schemaf(ws, "Resource", "must be %q, not %s", resourcePutObject, jsonText(res))
	}
	switch {
	case hasParams && args == "Arguments":
		w.arguments = p.s3Arguments(obj, ws, "Prefix", false)
	case hasParams:
		w.params = p.s3Parameters(obj, ws, "Prefix", false)
	}
	if hasCfg {
		p.parseWriterConfig(cfg, ws, w)
	}
	return w
}

func (p *parser) parseWriterConfig(v any, s site, w *resultWriter) {
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, "WriterConfig", "must be an object with Transformation and OutputType")
		return
	}
	cs := site{loc: s.at("WriterConfig"), state: s.state, prefix: s.prefix + "WriterConfig/"}
	p.checkFields(obj, cs, []string{"Transformation", "OutputType"})
	var missing []string
	switch t, ok := obj.get("Transformation"); {
	case !ok:
		missing = append(missing, "Transformation")
	case t == "NONE" || t == "COMPACT" || t == "FLATTEN":
		w.transformation = t.(string)
	default:
		p.schemaf(cs, "Transformation", "must be \"NONE\", \"COMPACT\" or \"FLATTEN\", not %s", jsonText(t))
	}
	switch t, ok := obj.get("OutputType"); {
	case !ok:
		missing = append(missing, "OutputType")
	case t == "JSON" || t == "JSONL":
		w.jsonLines = t == "JSONL"
	default:
		p.schemaf(cs, "OutputType", "must be \"JSON\" or \"JSONL\", not %s", jsonText(t))
	}
	if missing != nil {
		p.schemaf(cs, "", "These fields are required: [%s]", strings.Join(missing, ", "))
	}
}

// childRecord is what a ResultWriter tells of one child besides its output.
type childRecord struct {
	// status is SUCCEEDED or FAILED once the child ended; "" (PENDING) while it never ran.
	status string
	// arn, name and machineARN name the child execution ("" for an iteration a restart
	// found ended in the history, of which only the output is known).
	arn, name, machineARN string
	start, stop           time.Time
	input                 []byte
}

// writeResults shapes the results of a map run that ended (every child, or the tolerated
// failures exceeded) and exports them when the ResultWriter says so, returning the Map's
// result.
func (m *mapRun) writeResults() (any, error) {
	w := m.s.writer
	if w.params == nil && w.arguments == nil {
		if w.transformation == "NONE" {
			return m.entries("SUCCEEDED", "FAILED", "PENDING"), nil
		}
		return m.compact(w.transformation == "FLATTEN"), nil
	}
	x := m.x
	v, err := x.s3Params(w.params, w.arguments, m.sr, m.input)
	if err != nil {
		return nil, err
	}
	params, _ := v.(*object)
	bucketV, _ := params.get("Bucket")
	prefixV, _ := params.get("Prefix")
	bucket, okB := bucketV.(string)
	prefix, okP := prefixV.(string)
	if !okB || !okP && prefixV != nil {
		return nil, runtimeError("The ResultWriter's Parameters Bucket and Prefix must be strings, not %s", jsonText(params))
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	arn := m.runARN()
	dir := prefix + arn[strings.LastIndexByte(arn, ':')+1:] + "/"
	files := newObject(3)
	for _, status := range []string{"FAILED", "PENDING", "SUCCEEDED"} {
		list := []any{}
		if body := m.fileBody(status); body != nil {
			key := dir + status + "_0.json"
			if err := m.put(bucket, key, body); err != nil {
				return nil, err
			}
			f := newObject(2)
			f.set("Key", key)
			f.set("Size", json.Number(strconv.Itoa(len(body))))
			list = append(list, f)
		}
		files.set(status, list)
	}
	manifest := newObject(3)
	manifest.set("DestinationBucket", bucket)
	manifest.set("MapRunArn", arn)
	manifest.set("ResultFiles", files)
	key := dir + "manifest.json"
	if err := m.put(bucket, key, encodeJSON(manifest)); err != nil {
		return nil, err
	}
	details := newObject(2)
	details.set("Bucket", bucket)
	details.set("Key", key)
	out := newObject(2)
	out.set("MapRunArn", arn)
	out.set("ResultWriterDetails", details)
	return out, nil
}

// put writes one object, failing with States.ResultWriterFailed.
func (m *mapRun) put(bucket, key string, body []byte) error {
	objects := m.x.eng.cfg.Objects
	if objects == nil {
		return &Error{Name: ErrNameResultWriterFailed, Cause: "stepstudio has no object store to write s3://" + bucket + "/" + key + " to: give stepstudio --s3-dir (or serve --s3-endpoint)"}
	}
	if err := objects.PutObject(m.x.ctx, bucket, key, body); err != nil {
		// AWS's cause text is not documented; this one names the object and the problem.
		return &Error{Name: ErrNameResultWriterFailed, Cause: "Failed to write s3://" + bucket + "/" + key + ": " + err.Error()}
	}
	return nil
}

// fileBody is the file of the children that ended with status (a JSON array, or JSON Lines),
// nil when none did. Each entry is encoded in turn, never all of them built at once: a map run
// of 100,000 children writes files of tens of megabytes.
func (m *mapRun) fileBody(status string) []byte {
	w := m.s.writer
	shaped := status == "SUCCEEDED" && w.transformation != "NONE"
	var b []byte
	n, ended := 0, false
	add := func(v any) {
		switch {
		case w.jsonLines:
			b = append(appendJSON(b, v), '\n')
		case n == 0:
			b = appendJSON(append(b, '['), v)
		default:
			b = appendJSON(append(b, ','), v)
		}
		n++
	}
	for i, out := range m.results {
		if m.status(i) != status {
			continue
		}
		ended = true
		arr, isArray := out.([]any)
		switch {
		case !shaped:
			add(m.entry(i, status))
		case isArray && w.transformation == "FLATTEN":
			for _, v := range arr {
				add(v)
			}
		default:
			add(out)
		}
	}
	switch {
	case !ended:
		return nil
	case w.jsonLines:
		return b
	case n == 0:
		return []byte("[]")
	}
	return append(b, ']')
}

// status is how job i ended: SUCCEEDED, FAILED, or PENDING when it never ran.
func (m *mapRun) status(i int) string {
	if s := m.records[i].status; s != "" {
		return s
	}
	return "PENDING"
}

// compact is the outputs of the children that succeeded, in item order; FLATTEN spreads
// the arrays among them.
func (m *mapRun) compact(flatten bool) []any {
	out := make([]any, 0, len(m.results))
	for i, v := range m.results {
		if m.status(i) != "SUCCEEDED" {
			continue
		}
		if arr, ok := v.([]any); ok && flatten {
			out = append(out, arr...)
		} else {
			out = append(out, v)
		}
	}
	return out
}

// entries are the NONE entries of the children that ended with one of statuses, in item
// order.
func (m *mapRun) entries(statuses ...string) []any {
	var out []any
	for i := range m.results {
		if status := m.status(i); slices.Contains(statuses, status) {
			out = append(out, m.entry(i, status))
		}
	}
	return out
}

// entry is the NONE entry of job i, which ended with status: the child execution's
// description with its input and output as JSON text.
func (m *mapRun) entry(i int, status string) *object {
	r := m.records[i]
	e := newObject(13)
	if status == "FAILED" {
		if f, ok := m.results[i].(*object); ok {
			errName, _ := f.get("Error")
			cause, _ := f.get("Cause")
			e.set("Cause", orEmpty(cause))
			e.set("Error", orEmpty(errName))
		}
	}
	named := r.arn != ""
	if named {
		e.set("ExecutionArn", r.arn)
	}
	e.set("Input", string(r.input))
	e.set("InputDetails", includedDetails())
	if named {
		e.set("Name", r.name)
	}
	if status == "SUCCEEDED" {
		e.set("Output", jsonText(m.results[i]))
		e.set("OutputDetails", includedDetails())
	}
	if named {
		e.set("RedriveCount", json.Number("0"))
		if status == "SUCCEEDED" {
			e.set("RedriveStatus", "NOT_REDRIVABLE")
			e.set("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven")
		} else if strings.Contains(r.arn, ":express:") {
			// Express children are redriven by redriving their map run (DescribeExecution).
			e.set("RedriveStatus", "REDRIVABLE_BY_MAP_RUN")
		} else {
			e.set("RedriveStatus", "REDRIVABLE")
		}
		e.set("StartDate", formatTimestamp(r.start))
		e.set("StateMachineArn", r.machineARN)
	}
	e.set("Status", status)
	if named {
		e.set("StopDate", formatTimestamp(r.stop))
	}
	return e
}

func includedDetails() *object {
	o := newObject(1)
	o.set("Included", true)
	return o
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}
