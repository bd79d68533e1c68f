package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Diagnostic codes of distributed Map labels, as ValidateStateMachineDefinition names them.
const (
	CodeInvalidLabelName   = "INVALID_LABEL_NAME"
	CodeDuplicateLabelName = "DUPLICATE_LABEL_NAME"
)

// mapWorkerLimit bounds the iterations a Map state runs at once, whatever MaxConcurrency
// says: AWS runs about 40 inline iterations at a time, and one process has no use for the
// 10,000 a distributed Map may ask for. Items wait their turn without costing a goroutine.
const mapWorkerLimit = 40

// childWorkerLimit is mapWorkerLimit for a map run's children, which are executions of their
// own: more of them in flight share each group commit of the store (a 100,000-row map run of
// Pass children took 22 s with 40 at once, 15 s with 160). Each costs two goroutines while it
// runs; MaxConcurrency still bounds them.
const childWorkerLimit = 160

// MapState runs its ItemProcessor once per item of an array in its input (Type "Map") and
// outputs the iterations' outputs as an array in item order.
//
// DISTRIBUTED mode runs here as inline iterations do, with the differences AWS makes that
// change results: the iterations cannot read the variables around the Map state, failures
// count against ToleratedFailureCount/Percentage (States.ExceedToleratedFailureThreshold
// beyond them), and ItemBatcher groups the items. With the studio's lifecycle the children
// are separate executions of a map run, as on AWS (maprun.go); without it their events are
// MapIteration events in the execution's own history. ItemReader reads the items from
// Amazon S3 (itemreader.go) and ResultWriter shapes the results and exports them there
// (resultwriter.go), through EngineConfig.Objects.
type MapState struct {
	StateBase
	// ItemProcessor is the per-item machine, from ItemProcessor or the legacy Iterator.
	ItemProcessor *Definition
	// Mode is "INLINE" or "DISTRIBUTED"; ExecutionType ("STANDARD" or "EXPRESS") is set
	// in DISTRIBUTED mode.
	Mode          string
	ExecutionType string
	// ItemsPath selects the array in the effective input (nil: the whole input).
	ItemsPath *Path
	// MaxConcurrency bounds the iterations running at once (0: no bound of its own).
	MaxConcurrency     int
	MaxConcurrencyPath *Path
	// ToleratedFailureCount and ToleratedFailurePercentage apply in DISTRIBUTED mode.
	ToleratedFailureCount          int
	ToleratedFailureCountPath      *Path
	ToleratedFailurePercentage     float64
	ToleratedFailurePercentagePath *Path
	// Label names a distributed Map's runs (AWS uses it in ARNs).
	Label string
	Retry []Retrier
	Catch []Catcher

	itemSelector *template
	// jsonata holds the fields of a JSONata Map (nil in a JSONPath one).
	jsonata          *jsonataMap
	batcher          *itemBatcher
	reader           *itemReader
	writer           *resultWriter
	hasToleratedCnt  bool
	hasToleratedPct  bool
	processorField   string // "ItemProcessor" or "Iterator", for diagnostics
	processorIsolate bool   // the iterations cannot read the variables around the state
}

// itemBatcher is a distributed Map's ItemBatcher: iterations get batches of items as
// {"BatchInput": ..., "Items": [...]}.
type itemBatcher struct {
	maxItems     int // 0: no limit
	maxItemsPath *Path
	maxBytes     int // 0: no limit
	maxBytesPath *Path
	batchInput   *template
	// jsonata holds what a JSONata Map's ItemBatcher writes as expressions.
	jsonata *jsonataBatcher
}

func (p *parser) parseMap(obj *object, s site, b StateBase) State {
	st := &MapState{StateBase: b, Mode: "INLINE"}
	proc, hasProc := obj.get("ItemProcessor")
	iter, hasIter := obj.get("Iterator")
	field := "ItemProcessor"
	switch {
	case hasProc && hasIter:
		p.schemaf(s, "Iterator", "a Map state has ItemProcessor or the older Iterator, not both")
	case !hasProc && !hasIter:
		p.schemaf(s, "", "These fields are required: [ItemProcessor]")
	case hasIter:
		proc, field = iter, "Iterator"
	}
	st.processorField = field
	po, isObj := proc.(*object)
	if isObj {
		p.parseProcessorConfig(po, s, field, st)
	}
	distributed := st.Mode == "DISTRIBUTED"
	st.processorIsolate = distributed
	// The Label before the processor, so a duplicate is reported where it comes second.
	if v, ok := obj.get("Label"); ok {
		p.parseLabel(v, s, distributed, st)
	}
	if isObj {
		st.ItemProcessor = p.parseMachine(po, site{loc: s.at(field), state: s.state, prefix: field + "/"}, machineProcessor)
	} else if proc != nil {
		p.schemaf(s, field, "must be an object with StartAt and States")
	}
	if v, ok := obj.get("ItemsPath"); ok {
		st.ItemsPath = p.referencePath(s, "ItemsPath", v)
	}
	if b.jsonata {
		// Fields written as {% %} expressions are taken out of obj's literal reading.
		obj = p.parseJSONataMap(obj, s, st)
	}
	st.MaxConcurrency, st.MaxConcurrencyPath = p.intOrPath(obj, s, "MaxConcurrency", 0, math.MaxInt32)
	_, st.hasToleratedCnt = obj.get("ToleratedFailureCount")
	st.ToleratedFailureCount, st.ToleratedFailureCountPath = p.intOrPath(obj, s, "ToleratedFailureCount", 0, math.MaxInt32)
	st.ToleratedFailurePercentage, st.hasToleratedPct = p.optFloat(obj, s, "ToleratedFailurePercentage", 0, 100)
	if v, ok := obj.get("ToleratedFailurePercentagePath"); ok {
		st.ToleratedFailurePercentagePath = p.referencePath(s, "ToleratedFailurePercentagePath", v)
		if _, both := obj.get("ToleratedFailurePercentage"); both {
			p.schemaf(s, "ToleratedFailurePercentagePath", "a Map state cannot have both ToleratedFailurePercentage and ToleratedFailurePercentagePath")
		}
	}
	if v, ok := obj.get("ItemBatcher"); ok {
		if !distributed {
			p.schemaf(s, "ItemBatcher", "ItemBatcher is only for a Map state whose ProcessorConfig Mode is DISTRIBUTED")
		}
		st.batcher = p.parseItemBatcher(v, s)
	}
	if v, ok := obj.get("ItemReader"); ok {
		st.reader = p.parseItemReader(v, s, distributed)
	}
	if v, ok := obj.get("ResultWriter"); ok {
		st.writer = p.parseResultWriter(v, s, distributed)
	}
	if !b.jsonata {
		st.itemSelector = p.templateField(obj, s, "ItemSelector")
	}
	if st.parameters != nil {
		// In a Map, Parameters is the older name of ItemSelector: it shapes each item, not
		// the state's input, so the common data flow must not apply it.
		if st.itemSelector != nil {
			p.schemaf(s, "Parameters", "a Map state has ItemSelector or the older Parameters, not both")
		}
		st.itemSelector, st.parameters = st.parameters, nil
	}
	st.Retry = p.parseRetry(obj, s)
	st.Catch = p.parseCatch(obj, s)
	return st
}

// parseProcessorConfig reads the ProcessorConfig of the item processor at field.
func (p *parser) parseProcessorConfig(po *object, s site, field string, st *MapState) {
	v, ok := po.get("ProcessorConfig")
	if !ok {
		return
	}
	at := field + "/ProcessorConfig"
	cfg, isObj := v.(*object)
	if !isObj {
		p.schemaf(s, at, "must be an object with Mode (and ExecutionType in DISTRIBUTED mode)")
		return
	}
	cs := site{loc: s.at(at), state: s.state, prefix: at + "/"}
	p.checkFields(cfg, cs, []string{"Mode", "ExecutionType"})
	if m, ok := cfg.get("Mode"); ok {
		if m != "INLINE" && m != "DISTRIBUTED" {
			p.schemaf(cs, "Mode", "must be \"INLINE\" or \"DISTRIBUTED\", not %s", jsonText(m))
		} else {
			st.Mode = m.(string)
		}
	}
	et, hasET := cfg.get("ExecutionType")
	switch {
	case st.Mode == "DISTRIBUTED" && !hasET:
		p.schemaf(cs, "", "These fields are required: [ExecutionType]")
	case st.Mode == "DISTRIBUTED" && et != "STANDARD" && et != "EXPRESS":
		p.schemaf(cs, "ExecutionType", "must be \"STANDARD\" or \"EXPRESS\", not %s", jsonText(et))
	case st.Mode == "DISTRIBUTED":
		st.ExecutionType = et.(string)
	case hasET:
		p.schemaf(cs, "ExecutionType", "ExecutionType is only for DISTRIBUTED mode")
	}
}

// intOrPath reads an integer field within [lo, hi] or its ...Path twin, never both.
func (p *parser) intOrPath(obj *object, s site, field string, lo, hi int64) (int, *Path) {
	n := p.optInt(obj, s, field, lo, hi)
	v, ok := obj.get(field + "Path")
	if !ok {
		return n, nil
	}
	if _, both := obj.get(field); both {
		p.schemaf(s, field+"Path", "a state cannot have both %s and %sPath", field, field)
	}
	return n, p.referencePath(s, field+"Path", v)
}

// labelForbidden are the characters AWS refuses in names and labels (control characters
// aside, which are checked apart).
const labelForbidden = " \t\n\r<>{}[]?*\"#%\\^|~`$&,;:/"

// parseLabel checks a distributed Map's Label: at most 40 characters AWS accepts in a
// name, unique in the machine.
func (p *parser) parseLabel(v any, s site, distributed bool, st *MapState) {
	label, ok := v.(string)
	switch {
	case !ok:
		p.schemaf(s, "Label", "must be a string")
		return
	case !distributed:
		p.schemaf(s, "Label", "Label is only for a Map state whose ProcessorConfig Mode is DISTRIBUTED")
	}
	st.Label = label
	n := len([]rune(label))
	bad := strings.ContainsAny(label, labelForbidden) || strings.ContainsFunc(label, func(r rune) bool {
		return r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0xfffe || r == 0xffff
	})
	if n == 0 || n > 40 || bad {
		p.errorf(CodeInvalidLabelName, s, "Label", "%q is not a valid label: 1 to 40 characters, without white space or any of < > { } [ ] ? * \" # %% \\ ^ | ~ ` $ & , ; : /", label)
		return
	}
	if p.labels == nil {
		p.labels = map[string]string{}
	}
	if where, dup := p.labels[label]; dup {
		p.errorf(CodeDuplicateLabelName, s, "Label", "the label %q is already used at %s", label, where)
		return
	}
	p.labels[label] = s.at("Label")
}

// parseItemBatcher reads an ItemBatcher: MaxItemsPerBatch(Path), MaxInputBytesPerBatch(Path)
// (at least one) and BatchInput.
func (p *parser) parseItemBatcher(v any, s site) *itemBatcher {
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, "ItemBatcher", "must be an object")
		return nil
	}
	bs := site{loc: s.at("ItemBatcher"), state: s.state, prefix: "ItemBatcher/"}
	bt := &itemBatcher{}
	if p.lang == langJSONata {
		// p.lang is the Map state's language.
		p.checkStateFields(obj, bs, []string{"MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"}, true)
		obj = p.parseJSONataBatcher(obj, bs, bt)
	} else {
		p.checkFields(obj, bs, []string{"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"})
	}
	bt.maxItems, bt.maxItemsPath = p.intOrPath(obj, bs, "MaxItemsPerBatch", 1, math.MaxInt32)
	bt.maxBytes, bt.maxBytesPath = p.intOrPath(obj, bs, "MaxInputBytesPerBatch", 1, maxPayloadBytes)
	if bt.maxItems == 0 && bt.maxItemsPath == nil && bt.maxBytes == 0 && bt.maxBytesPath == nil && bt.jsonata.empty() {
		p.schemaf(bs, "", "an ItemBatcher needs MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch or MaxInputBytesPerBatchPath")
	}
	if bi, ok := obj.get("BatchInput"); ok && bt.jsonata == nil {
		if _, isObj := bi.(*object); !isObj {
			p.schemaf(bs, "BatchInput", "must be an object")
		} else {
			bt.batchInput = p.templateField(obj, bs, "BatchInput")
		}
	}
	return bt
}

func (x *execution) runMap(s *MapState, sr *stateRun, raw any) (any, string, error) {
	return x.withRetryAndCatch(&s.StateBase, s.Retry, s.Catch, sr, raw, func() (any, error) {
		return x.dataFlow(&s.StateBase, sr, raw, func(effective any) (any, error) {
			return x.runItems(s, sr, effective)
		})
	})
}

// mapRun is one attempt of a Map state: its jobs (items, or batches of them) and how the
// iterations are going.
type mapRun struct {
	x     *execution
	s     *MapState
	sr    *stateRun
	input any // the Map state's effective input, which ItemSelector and BatchInput read
	items []any
	// batches, when the items are batched, holds each iteration's input.
	batches []any
	jobs    int
	results []any
	// kept are the outputs of the iterations a redrive keeps, by index: they do not run.
	kept map[int]any
	// resumed are the iterations a restart found running, by index, which order hands out
	// before the others.
	resumed map[int]*frameResume
	order   []int

	// stateContext is $$ of the Map state's visit, which every item's $$ extends with Map:
	// built once (stateContextOnce), when the first ItemSelector reads $$.
	stateContext     *object
	stateContextOnce sync.Once

	tolerance   tolerance
	distributed bool
	ctx         context.Context
	cancel      context.CancelFunc
	// children is the map run whose child executions run the iterations (maprun.go); nil
	// when they run here, localARN then naming the map run for a ResultWriter.
	children *childRuns
	localARN string
	// records tell a ResultWriter of each job's child (resultwriter.go); nil without one.
	records []childRecord

	mu       sync.Mutex
	next     int
	lastEnd  int64 // the latest iteration end recorded
	failures int
	stopErr  error
	stopAt   *execution // the frame of the iteration whose failure stopped the run
}

// tolerance is how many failed iterations a distributed Map accepts.
type tolerance struct {
	n             int
	hasCount      bool
	percentage    float64
	hasPercentage bool
}

// runItems evaluates the Map state's fields in AWS's order (MaxConcurrency, the items,
// MapStateStarted, an ItemReader's Parameters and MaxItemsPath, the tolerated failures, the
// map run and the items it reads) and runs the iterations.
func (x *execution) runItems(s *MapState, sr *stateRun, input any) (any, error) {
	concurrency, err := x.mapConcurrency(s, sr, input)
	if err != nil {
		return nil, err
	}
	var items []any
	if s.reader == nil {
		if items, err = x.mapItems(s, sr, input); err != nil {
			return nil, err
		}
	}
	length := len(items) // 0 with an ItemReader, as AWS records it
	if in := sr.inner; in == nil || !in.started {
		if _, err := x.record(MapStateStarted, s.Name, EventDetails{Length: &length}); err != nil {
			return nil, err
		}
	}
	var req readRequest
	if s.reader != nil {
		if req, err = x.readerRequest(s.reader, sr, input); err != nil {
			return nil, err
		}
	}
	m := &mapRun{x: x, s: s, sr: sr, input: input, items: items, distributed: s.Mode == "DISTRIBUTED"}
	if m.tolerance, err = x.mapTolerance(s, sr, input); err != nil {
		return nil, err
	}
	in := sr.inner
	sr.inner = nil // a retry is a new attempt
	mapRunARN := ""
	if in != nil {
		mapRunARN = in.mapRunARN
	}
	children := m.distributed && x.eng.cfg.MapRuns != nil && x.probe == nil
	if children {
		if err := m.beginChildren(mapRunARN, concurrency); err != nil {
			return nil, err
		}
	} else if s.writer != nil {
		m.localARN = MapRunARN(x.in.ExecutionARN, s.label())
	}
	if s.reader != nil {
		// Read again after a restart: the objects of a run are taken not to change, and the
		// same item keeps its index, so the children a restart asks for are the same.
		if m.items, err = x.readItems(s.reader, req); err != nil {
			if failure := asFailure(err); failure != nil && children {
				if err := m.startChildren(); err != nil {
					return nil, err
				}
				return nil, m.failChildren(failure)
			}
			return nil, err
		}
		x.observe(s.itemsStep(), m.items)
	}
	if err := m.prepare(in); err != nil {
		return nil, err
	}
	if children {
		if err := m.startChildren(); err != nil {
			return nil, err
		}
		return m.runChildren()
	}
	return m.run(concurrency)
}

// mapItems is the array of items in the effective input that ItemsPath selects.
func (x *execution) mapItems(s *MapState, sr *stateRun, input any) ([]any, error) {
	if s.jsonata != nil && s.jsonata.items != nil {
		items, err := sr.jsonata.array(s.jsonata.items)
		if err != nil {
			return nil, err
		}
		x.observe(StepItems, items)
		return items, nil
	}
	v := input
	if s.ItemsPath != nil {
		var err error
		if v, err = x.findReference(s.ItemsPath, input, sr); err != nil {
			return nil, err
		}
	}
	items, ok := v.([]any)
	if !ok {
		f := runtimeError("Map state input must be an array but was: %s", jsonText(v))
		if s.jsonata != nil {
			f.Name = ErrNameQueryEvaluation // AWS's name for it in a JSONata Map
		}
		return nil, f
	}
	x.observe(s.itemsStep(), items)
	return items, nil
}

// itemsStep is the step TestState reports the items under: ItemsPath, or Items in JSONata.
func (s *MapState) itemsStep() string {
	if s.jsonata != nil {
		return StepItems
	}
	return StepItemsPath
}

// prepare makes the jobs of the items (batches, with an ItemBatcher) and takes in what a
// redrive kept and what a restart found (in, if any).
func (m *mapRun) prepare(in *innerResume) error {
	m.jobs = len(m.items)
	if m.s.batcher != nil {
		var err error
		if m.batches, err = m.batch(); err != nil {
			return err
		}
		m.jobs = len(m.batches)
	}
	m.kept = m.sr.kept.keptFor(len(m.items), m.jobs)
	if m.batches != nil {
		m.items = nil // the batches hold what the iterations get: the items are not kept twice
	}
	if m.s.writer != nil {
		m.records = make([]childRecord, m.jobs)
		for i, out := range m.kept {
			if out != nil {
				m.records[i].status = "SUCCEEDED"
			}
		}
	}
	if in != nil {
		m.resume(in)
	}
	return nil
}

// resume takes in what a restart found of the attempt: the iterations that ended keep their
// outputs (a failure stops the run, unless a distributed Map tolerates it), and those that
// were running go on first, where they were.
func (m *mapRun) resume(in *innerResume) {
	if m.kept == nil {
		m.kept = map[int]any{}
	}
	for i, out := range in.done {
		m.kept[i] = out
		m.recorded(i, "SUCCEEDED")
	}
	for i := range in.aborted {
		m.kept[i] = nil // stopped by what stopped the run; nothing to run again
	}
	for _, i := range sortedKeys(in.failed) {
		failure := in.failed[i]
		m.kept[i] = errorOutput(failure)
		m.recorded(i, "FAILED")
		if !m.distributed {
			m.stopErr = failure
			break
		}
		m.failures++
		if m.tolerance.exceeded(m.failures, m.jobs) {
			m.stopErr = &Error{Name: ErrNameExceedTolerated, Cause: "The specified tolerated failure threshold was exceeded"}
		}
	}
	m.resumed = in.running
	m.order = sortedKeys(in.running)
	for _, i := range m.order {
		m.kept[i] = nil // taken from m.order, not in turn
	}
}

// mapConcurrency is MaxConcurrency, or the value MaxConcurrencyPath refers to.
func (x *execution) mapConcurrency(s *MapState, sr *stateRun, input any) (int, error) {
	if s.jsonata != nil && s.jsonata.maxConcurrency != nil {
		return sr.jsonata.integer(s.jsonata.maxConcurrency)
	}
	if s.MaxConcurrencyPath == nil {
		return s.MaxConcurrency, nil
	}
	n, err := x.pathInt(s.MaxConcurrencyPath, "MaxConcurrencyPath", input, sr)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		// AWS accepts a negative value and never ends the execution; failing is kinder.
		return 0, runtimeError("MaxConcurrency cannot be negative.")
	}
	return n, nil
}

// mapTolerance evaluates ToleratedFailureCount(Path) and ToleratedFailurePercentage(Path),
// with AWS's messages for unusable values.
func (x *execution) mapTolerance(s *MapState, sr *stateRun, input any) (tolerance, error) {
	t := tolerance{n: s.ToleratedFailureCount, hasCount: s.hasToleratedCnt,
		percentage: s.ToleratedFailurePercentage, hasPercentage: s.hasToleratedPct}
	if s.jsonata != nil {
		return sr.jsonata.tolerance(s.jsonata, t)
	}
	if p := s.ToleratedFailureCountPath; p != nil {
		n, err := x.pathInt(p, "ToleratedFailureCountPath", input, sr)
		if err != nil {
			return t, err
		}
		if n < 0 {
			return t, runtimeError("ToleratedFailureCount cannot be negative.")
		}
		t.n, t.hasCount = n, true
	}
	if p := s.ToleratedFailurePercentagePath; p != nil {
		f, err := x.pathFloat(p, "ToleratedFailurePercentagePath", input, sr)
		if err != nil {
			return t, err
		}
		if f < 0 || f > 100 {
			return t, runtimeError("ToleratedFailurePercentage must be between 0 and 100.")
		}
		t.percentage, t.hasPercentage = f, true
	}
	return t, nil
}

// exceeded reports whether failures out of jobs iterations is more than the Map tolerates
// (nothing, when neither field is set).
func (t tolerance) exceeded(failures, jobs int) bool {
	if !t.hasCount && !t.hasPercentage {
		return failures > 0
	}
	return t.hasCount && failures > t.n ||
		t.hasPercentage && jobs > 0 && float64(failures)*100/float64(jobs) > t.percentage
}

// pathNumberText finds the value a ...Path field refers to and the text of the number in it:
// a JSON number's digits, or a string as it is (AWS accepts "1"); "" for anything else.
func (x *execution) pathNumberText(p *Path, input any, sr *stateRun) (v any, text string, err error) {
	if v, err = x.findReference(p, input, sr); err != nil {
		return nil, "", err
	}
	switch t := v.(type) {
	case json.Number:
		text = string(t)
	case string:
		text = t
	}
	return v, text, nil
}

// pathInt reads the integer a ...Path field refers to: a JSON integer, or a string that
// holds one (AWS accepts "1").
func (x *execution) pathInt(p *Path, field string, input any, sr *stateRun) (int, error) {
	v, text, err := x.pathNumberText(p, input, sr)
	if err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(text, 10, 32)
	if perr != nil {
		return 0, runtimeError("The %s field refers to value \"%s\" which is not a valid integer: %s", field, plainText(v), p)
	}
	return int(n), nil
}

// pathFloat reads the number a ...Path field refers to: a JSON number, or a string that
// holds one.
func (x *execution) pathFloat(p *Path, field string, input any, sr *stateRun) (float64, error) {
	v, text, err := x.pathNumberText(p, input, sr)
	if err != nil {
		return 0, err
	}
	f, perr := strconv.ParseFloat(text, 64)
	if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, runtimeError("The %s field refers to value \"%s\" which is not a valid float: %s", field, plainText(v), p)
	}
	return f, nil
}

// selectItem is the input of item i's iteration: the item, or what ItemSelector makes of it
// with $$.Map.Item.Index and $$.Map.Item.Value (seen only there).
func (m *mapRun) selectItem(i int) (any, error) {
	if m.s.jsonata != nil && m.s.jsonata.itemSelector != nil {
		return m.sr.jsonata.selectItem(m.s.jsonata.itemSelector, i, m.items[i])
	}
	if m.s.itemSelector == nil {
		return m.items[i], nil
	}
	item := newObject(2)
	item.set("Index", json.Number(strconv.Itoa(i)))
	item.set("Value", m.items[i])
	mapObj := newObject(1)
	mapObj.set("Item", item)
	ctxObj := func() any {
		m.stateContextOnce.Do(func() { m.stateContext = m.x.contextObject(m.sr).(*object) })
		return m.stateContext.with("Map", mapObj)
	}
	return m.s.itemSelector.eval(m.input, ctxObj, m.x.vars)
}

// batch groups the selected items as ItemBatcher says, into the iterations' inputs.
func (m *mapRun) batch() ([]any, error) {
	x, bt := m.x, m.s.batcher
	maxItems, maxBytes := bt.maxItems, bt.maxBytes
	var err error
	if bt.maxItemsPath != nil {
		if maxItems, err = x.pathInt(bt.maxItemsPath, "MaxItemsPerBatchPath", m.input, m.sr); err != nil {
			return nil, err
		}
		if maxItems < 1 {
			return nil, runtimeError("MaxItemsPerBatch must be greater than 0.")
		}
	}
	if bt.maxBytesPath != nil {
		if maxBytes, err = x.pathInt(bt.maxBytesPath, "MaxInputBytesPerBatchPath", m.input, m.sr); err != nil {
			return nil, err
		}
		if maxBytes < 1 || maxBytes > maxPayloadBytes {
			return nil, runtimeError("MaxInputBytesPerBatch must be between 1 and %d.", maxPayloadBytes)
		}
	}
	var batchInput any
	hasBatchInput := bt.batchInput != nil
	if hasBatchInput {
		if batchInput, err = bt.batchInput.eval(m.input, x.lazyContext(m.sr), x.vars); err != nil {
			return nil, err
		}
	}
	if bt.jsonata != nil {
		if maxItems, maxBytes, batchInput, err = m.sr.jsonata.batcher(bt.jsonata, maxItems, maxBytes); err != nil {
			return nil, err
		}
		hasBatchInput = bt.jsonata.batchInput != nil
	}
	wrap := func(items []any) any {
		o := newObject(2)
		if hasBatchInput {
			o.set("BatchInput", batchInput)
		}
		o.set("Items", items)
		return o
	}
	empty := len(encodeJSON(wrap([]any{})))
	var batches []any
	var cur []any
	size := empty
	for i := range m.items {
		v, err := m.selectItem(i)
		if err != nil {
			return nil, err
		}
		n := len(encodeJSON(v))
		if len(cur) > 0 {
			n++ // the comma
		}
		// A batch closes when the next item would break a limit; an item too big for any
		// batch still gets one of its own.
		if len(cur) > 0 && (maxItems > 0 && len(cur) >= maxItems || maxBytes > 0 && size+n > maxBytes) {
			batches = append(batches, wrap(cur))
			cur, size, n = nil, empty, n-1
		}
		cur = append(cur, v)
		size += n
	}
	if len(cur) > 0 {
		batches = append(batches, wrap(cur))
	}
	return batches, nil
}

// run runs the iterations with at most concurrency of them (0: mapWorkerLimit, or
// childWorkerLimit for a map run's children) at once, taken in item order, and returns their
// outputs in item order.
func (m *mapRun) run(concurrency int) (any, error) {
	x := m.x
	m.results = make([]any, m.jobs)
	for i, out := range m.kept {
		m.results[i] = out
	}
	most := mapWorkerLimit
	if m.children != nil {
		most = childWorkerLimit
	}
	workers := concurrency
	if workers == 0 || workers > most {
		workers = most
	}
	workers = min(workers, m.jobs-len(m.kept)+len(m.order))
	m.ctx, m.cancel = context.WithCancel(x.ctx)
	defer m.cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := m.take(); i >= 0; i = m.take() {
				m.iterate(i)
			}
		})
	}
	wg.Wait()
	if err := x.ctx.Err(); err != nil {
		return nil, err
	}
	var out any = m.results
	var exceeded *Error
	if errors.As(m.stopErr, &exceeded) && exceeded.Name != ErrNameExceedTolerated {
		exceeded = nil
	}
	if m.s.writer != nil && (m.stopErr == nil || exceeded != nil) {
		// The results of a run whose failures exceeded the tolerance are written too: what
		// never ran is PENDING.
		written, err := m.writeResults()
		switch {
		case err != nil && m.stopErr == nil:
			m.stopErr = err
		case err == nil:
			out = written
		}
	}
	if m.stopErr != nil {
		if m.stopAt != nil {
			// MapStateFailed follows the failed iteration's last event.
			x.setPrev(m.stopAt.prevID())
		}
		return nil, m.stopErr
	}
	x.followLast(m.lastEnd)
	if m.children != nil {
		if _, err := x.record(MapRunSucceeded, m.s.Name, EventDetails{}); err != nil {
			return nil, err
		}
		m.endChildren("SUCCEEDED", nil)
	}
	if _, err := x.record(MapStateSucceeded, m.s.Name, EventDetails{}); err != nil {
		return nil, err
	}
	return out, nil
}

// take hands out the next job that a redrive did not keep, or -1 when there is none left
// or the run stopped.
func (m *mapRun) take() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	// A stopped execution starts no more iterations.
	if m.stopErr != nil || m.ctx.Err() != nil {
		return -1
	}
	if len(m.order) > 0 {
		i := m.order[0]
		m.order = m.order[1:]
		return i
	}
	for m.next < m.jobs {
		m.next++
		if _, kept := m.kept[m.next-1]; !kept {
			return m.next - 1
		}
	}
	return -1
}

// stop ends the run with err (the first one wins) and cancels the iterations in flight.
func (m *mapRun) stop(err error, at *execution) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopErr == nil {
		m.stopErr, m.stopAt = err, at
		m.cancel()
	}
}

// iterate runs job i in a frame of its own and records how it ended.
func (m *mapRun) iterate(i int) {
	x, s := m.x, m.s
	var in any
	var err error
	if m.batches != nil {
		in = m.batches[i]
	} else if in, err = m.selectItem(i); err != nil {
		m.stop(err, nil)
		return
	}
	if x.probe != nil {
		x.probe.item(i, m.jobs, in)
	}
	if m.children != nil {
		m.runChild(i, in)
		return
	}
	index := i
	var f *execution
	var out any
	proc := s.ItemProcessor
	if m.records != nil {
		// An iteration here stands for the child AWS would start: the ResultWriter names it
		// as the lifecycle would have.
		arn, name := ChildExecutionARN(m.localARN, i, s.ExecutionType)
		m.records[i] = childRecord{arn: arn, name: name, machineARN: MapRunMachineARN(m.localARN), start: x.now(), input: encodeJSON(in)}
		defer func() { m.records[i].stop = x.now() }()
	}
	if r := m.resumed[i]; r != nil {
		// Running when the studio stopped: it goes on where it was.
		f = x.child(m.ctx, r.vars, r.prev)
		f.dbg = r.dbg
		input := r.input
		if r.fresh {
			input = in
		}
		if out = r.output; r.name != "" {
			out, _, err = f.runStates(proc, r.name, input, r.sr)
		}
	} else {
		started, rerr := x.record(MapIterationStarted, s.Name, x.iterationDetails(s.Name, index))
		if rerr != nil {
			m.stop(rerr, nil)
			return
		}
		vars := newScope(x.vars)
		if s.processorIsolate {
			vars = newScope(nil)
		}
		f = x.child(m.ctx, vars, started)
		out, _, err = f.runStates(proc, proc.StartAt, in, nil)
	}
	switch failure := asFailure(err); {
	case err == nil:
		m.results[i] = out
		m.recorded(i, "SUCCEEDED")
		m.ended(f, MapIterationSucceeded, index, nil)
	case failure != nil:
		m.ended(f, MapIterationFailed, index, failure)
		if !m.distributed {
			m.stop(failure, f)
			return
		}
		m.failed(i, failure, f)
	case m.ctx.Err() != nil && x.ctx.Err() == nil && errors.Is(err, context.Canceled):
		// Stopped because another iteration failed.
		m.ended(f, MapIterationAborted, index, nil)
	case x.stopRequest() != nil && errors.Is(err, context.Canceled):
		// StopExecution: AWS shows every iteration in flight as aborted.
		m.ended(f, MapIterationAborted, index, nil)
		m.stop(err, nil)
	default:
		m.stop(err, f)
	}
}

// iterationDetails are the details of a MapIteration event. Index is a pointer (0 is an
// index to show), allocated only when a recorder will see it.
func (x *execution) iterationDetails(state string, index int) EventDetails {
	d := EventDetails{Name: state}
	if x.recording() {
		i := index
		d.Index = &i
	}
	return d
}

// ended records the end of an iteration, after its last event, and has the Map's next
// event follow that last event. A failed iteration's event keeps its error and cause,
// which AWS shows in the child execution's history instead.
func (m *mapRun) ended(f *execution, typ EventType, index int, failure *Error) {
	d := f.iterationDetails(m.s.Name, index)
	if failure != nil {
		d.Error, d.Cause = failure.Name, failure.Cause
	}
	id, err := f.record(typ, m.s.Name, d)
	if err != nil {
		m.stop(err, nil)
		return
	}
	m.mu.Lock()
	m.lastEnd = max(m.lastEnd, id)
	m.mu.Unlock()
	m.x.setPrev(f.prevID())
}
