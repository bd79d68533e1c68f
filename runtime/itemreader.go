package runtime

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// A distributed Map's ItemReader reads its items from Amazon S3 instead of its input
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html): one
// object (s3:getObject) as CSV, JSON or JSON Lines, or the list of the objects under a prefix
// (s3:listObjectsV2). The object is read as a stream, each item decoded once; the items are
// then what ItemSelector, ItemBatcher and the children see, as items from the input are.
//
// What AWS records (LocalStack's snapshots of real executions): MapStateStarted says length
// 0; MaxItemsPath and the Parameters are evaluated after it (a bad value is States.Runtime);
// the items are read after MapRunStarted, and a failure to read is States.ItemReaderFailed,
// recorded as MapRunFailed; ItemsPath is not applied to what was read.

const (
	resourceGetObject    = "arn:aws:states:::s3:getObject"
	resourceListObjects  = "arn:aws:states:::s3:listObjectsV2"
	resourcePutObject    = "arn:aws:states:::s3:putObject"
	maxReaderItems       = 100_000_000 // the most MaxItems may say
	csvHeaderFirstRow    = "FIRST_ROW"
	csvHeaderGiven       = "GIVEN"
	causeDuplicateHeader = "CSV headers cannot contain duplicates."
	causeNotIterable     = "Attempting to map over non-iterable node."
)

// csvDelimiters are ReaderConfig's CSVDelimiter values.
var csvDelimiters = map[string]rune{"COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

// itemReader is a parsed ItemReader.
type itemReader struct {
	list   bool      // s3:listObjectsV2; otherwise s3:getObject
	params *template // Bucket and Key (getObject) or Prefix (listObjectsV2)
	// inputType is CSV, JSON or JSONL ("" for a listing).
	inputType      string
	headerLocation string
	headers        []string
	delimiter      rune
	itemsPointer   string // a JSON Pointer to the array in a JSON object ("": the document)
	maxItems       int    // 0: all
	maxItemsPath   *Path
	// arguments and maxItemsExpr replace params and maxItemsPath in a JSONata Map.
	arguments    *jsonataTemplate
	maxItemsExpr *jsonataTemplate
}

func (p *parser) parseItemReader(v any, s site, distributed bool) *itemReader {
	args := p.s3ArgumentsField()
	obj, rs := p.distributedField(v, s, "ItemReader", distributed, "Resource, "+args+" and ReaderConfig",
		[]string{"Resource", args, "ReaderConfig"})
	if obj == nil {
		return nil
	}
	r := &itemReader{delimiter: ','}
	switch res, _ := obj.get("Resource"); res {
	case resourceGetObject:
	case resourceListObjects:
		r.list = true
	case nil:
		p.schemaf(rs, "", "These fields are required: [Resource]")
	default:
		p.schemaf(rs, "Resource", "must be %q or %q, not %s", resourceGetObject, resourceListObjects, jsonText(res))
	}
	key := "Key"
	if r.list {
		key = "Prefix"
	}
	if args == "Arguments" {
		r.arguments = p.s3Arguments(obj, rs, key, !r.list)
	} else {
		r.params = p.s3Parameters(obj, rs, key, !r.list)
	}
	if rc, ok := obj.get("ReaderConfig"); ok {
		p.parseReaderConfig(rc, rs, r)
	} else if !r.list {
		p.schemaf(rs, "", "These fields are required: [ReaderConfig]")
	}
	return r
}

// distributedField opens the object of a field only a distributed Map has (ItemReader,
// ResultWriter) and checks its fields; nil when it is no object.
func (p *parser) distributedField(v any, s site, field string, distributed bool, shape string, allowed []string) (*object, site) {
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, field, "must be an object with %s", shape)
		return nil, s
	}
	if !distributed {
		p.schemaf(s, field, "%s is only for a Map state whose ProcessorConfig Mode is DISTRIBUTED", field)
	}
	fs := site{loc: s.at(field), state: s.state, prefix: field + "/"}
	p.checkFields(obj, fs, allowed)
	return obj, fs
}

// s3Parameters compiles the Parameters of an ItemReader or ResultWriter: an object with a
// Bucket (or Bucket.$), and key (or key.$) when required, as AWS's APIs require them.
func (p *parser) s3Parameters(obj *object, s site, key string, keyRequired bool) *template {
	v, ok := obj.get("Parameters")
	if !ok {
		p.schemaf(s, "", "These fields are required: [Parameters]")
		return nil
	}
	params, isObj := v.(*object)
	if !isObj {
		p.schemaf(s, "Parameters", "must be an object with Bucket and %s", key)
		return nil
	}
	has := func(f string) bool {
		_, a := params.get(f)
		_, b := params.get(f + ".$")
		return a || b
	}
	if !has("Bucket") {
		p.schemaf(s, "Parameters", "These fields are required: [Bucket]")
	}
	if keyRequired && !has(key) {
		p.schemaf(s, "Parameters", "These fields are required: [%s]", key)
	}
	return p.templateField(obj, s, "Parameters")
}

func (p *parser) parseReaderConfig(v any, s site, r *itemReader) {
	obj, ok := v.(*object)
	if !ok {
		p.schemaf(s, "ReaderConfig", "must be an object")
		return
	}
	cs := site{loc: s.at("ReaderConfig"), state: s.state, prefix: s.prefix + "ReaderConfig/"}
	if p.lang == langJSONata {
		p.checkStateFields(obj, cs, []string{"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ManifestType",
			"MaxItems", "ItemsPointer", "Transformation"}, true)
		obj = p.exprFields(obj, cs, map[string]**jsonataTemplate{"MaxItems": &r.maxItemsExpr})
	} else {
		p.checkFields(obj, cs, []string{"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ManifestType",
			"MaxItems", "MaxItemsPath", "ItemsPointer", "Transformation"})
	}
	r.inputType = p.optString(obj, cs, "InputType")
	switch r.inputType {
	case "CSV", "JSON", "JSONL":
		if r.list {
			p.schemaf(cs, "InputType", "s3:listObjectsV2 lists objects; InputType is for s3:getObject")
		}
	case "":
		if !r.list {
			p.schemaf(cs, "", "These fields are required: [InputType]")
		}
	case "PARQUET", "MANIFEST":
		p.schemaf(cs, "InputType", "stepstudio does not read %s objects yet: use CSV, JSON or JSONL", r.inputType)
	default:
		p.schemaf(cs, "InputType", "must be \"CSV\", \"JSON\", \"JSONL\", \"PARQUET\" or \"MANIFEST\", not %q", r.inputType)
	}
	if _, ok := obj.get("ManifestType"); ok {
		p.schemaf(cs, "ManifestType", "ManifestType is for InputType MANIFEST, which stepstudio does not read yet")
	}
	if t := p.optString(obj, cs, "Transformation"); t == "LOAD_AND_FLATTEN" {
		p.schemaf(cs, "Transformation", "stepstudio does not read the listed objects' contents (LOAD_AND_FLATTEN) yet")
	} else if t != "" && t != "NONE" {
		p.schemaf(cs, "Transformation", "must be \"NONE\" or \"LOAD_AND_FLATTEN\", not %q", t)
	}
	p.parseCSVConfig(obj, cs, r)
	if _, ok := obj.get("ItemsPointer"); ok {
		r.itemsPointer = p.optString(obj, cs, "ItemsPointer")
		if r.inputType != "JSON" {
			p.schemaf(cs, "ItemsPointer", "ItemsPointer is only for InputType JSON")
		} else if r.itemsPointer != "" && !strings.HasPrefix(r.itemsPointer, "/") {
			p.schemaf(cs, "ItemsPointer", "%q is not a JSON Pointer such as /items", r.itemsPointer)
		}
	}
	r.maxItems, r.maxItemsPath = p.intOrPath(obj, cs, "MaxItems", 0, maxReaderItems)
}

// parseCSVConfig reads CSVHeaderLocation, CSVHeaders and CSVDelimiter, which only CSV has.
func (p *parser) parseCSVConfig(obj *object, s site, r *itemReader) {
	if r.inputType != "CSV" {
		for _, f := range []string{"CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"} {
			if _, ok := obj.get(f); ok {
				p.schemaf(s, f, "%s is only for InputType CSV", f)
			}
		}
		return
	}
	switch loc, ok := obj.get("CSVHeaderLocation"); {
	case !ok:
		p.schemaf(s, "", "These fields are required: [CSVHeaderLocation]")
	case loc == csvHeaderFirstRow || loc == csvHeaderGiven:
		r.headerLocation = loc.(string)
	default:
		p.schemaf(s, "CSVHeaderLocation", "must be \"FIRST_ROW\" or \"GIVEN\", not %s", jsonText(loc))
	}
	switch h, ok := obj.get("CSVHeaders"); {
	case ok && r.headerLocation != csvHeaderGiven:
		p.schemaf(s, "CSVHeaders", "CSVHeaders are for CSVHeaderLocation GIVEN")
	case ok:
		r.headers = p.stringList(h, s, "CSVHeaders")
	case r.headerLocation == csvHeaderGiven:
		p.schemaf(s, "", "These fields are required: [CSVHeaders]")
	}
	if d, ok := obj.get("CSVDelimiter"); ok {
		name, _ := d.(string)
		if r.delimiter, ok = csvDelimiters[name]; !ok {
			p.schemaf(s, "CSVDelimiter", "must be \"COMMA\", \"PIPE\", \"SEMICOLON\", \"SPACE\" or \"TAB\", not %s", jsonText(d))
		}
	}
}

// readRequest is what an ItemReader reads in one attempt of its Map state: its Parameters
// and MaxItems evaluated.
type readRequest struct {
	bucket, key string // key is the prefix of a listing
	maxItems    int    // 0: all; negative: refused when reading, after MapRunStarted
}

// readerRequest evaluates the ItemReader's Parameters and MaxItemsPath over the Map state's
// effective input: their failures are the state's (States.Runtime), as on AWS.
func (x *execution) readerRequest(r *itemReader, sr *stateRun, input any) (readRequest, error) {
	req := readRequest{maxItems: r.maxItems}
	if r.maxItemsPath != nil {
		n, err := x.pathInt(r.maxItemsPath, "MaxItemsPath", input, sr)
		if err != nil {
			return req, err
		}
		req.maxItems = n
		if n < 0 {
			req.maxItems = -1
		}
	}
	if r.maxItemsExpr != nil {
		n, err := sr.jsonata.integer(r.maxItemsExpr)
		if err != nil {
			return req, err
		}
		req.maxItems = n
	}
	v, err := x.s3Params(r.params, r.arguments, sr, input)
	if err != nil {
		return req, err
	}
	params, _ := v.(*object)
	field := func(name string) (string, error) {
		f, _ := params.get(name)
		str, ok := f.(string)
		if !ok && f != nil {
			return "", runtimeError("The ItemReader's Parameters field %s must be a string, not %s", name, jsonText(f))
		}
		return str, nil
	}
	if req.bucket, err = field("Bucket"); err != nil {
		return req, err
	}
	name := "Key"
	if r.list {
		name = "Prefix"
	}
	req.key, err = field(name)
	return req, err
}

// readerFailure is States.ItemReaderFailed with cause.
func readerFailure(format string, args ...any) *Error {
	return &Error{Name: ErrNameItemReaderFailed, Cause: fmt.Sprintf(format, args...)}
}

// readItems reads the items of one attempt from the object store: each item decoded once,
// straight from the stream, and no more than MaxItems of them.
func (x *execution) readItems(r *itemReader, req readRequest) ([]any, error) {
	if req.maxItems < 0 {
		return nil, readerFailure("field MaxItems must be positive")
	}
	objects := x.eng.cfg.Objects
	if objects == nil {
		return nil, readerFailure("stepstudio has no object store to read s3://%s/%s from: give stepstudio --s3-dir (or serve --s3-endpoint)", req.bucket, req.key)
	}
	items := &itemSink{max: req.maxItems}
	if r.list {
		list, err := objects.ListObjects(x.ctx, req.bucket, req.key)
		if err != nil {
			// AWS's cause for a failed listing is not documented; this one names what failed.
			return nil, readerFailure("Failed to list the objects of s3://%s/%s: %v", req.bucket, req.key, err)
		}
		for _, o := range list {
			if items.add(listedItem(o)) {
				break
			}
		}
		return items.items, nil
	}
	body, err := objects.GetObject(x.ctx, req.bucket, req.key)
	if err != nil {
		return nil, readerFailure("Failed to read s3://%s/%s: %v", req.bucket, req.key, err)
	}
	defer body.Close()
	switch r.inputType {
	case "CSV":
		err = r.readCSV(body, items)
	case "JSONL":
		err = readJSONL(body, items)
	default:
		err = r.readJSON(body, items)
	}
	var failure *Error
	if err != nil && !errors.As(err, &failure) {
		failure = readerFailure("Failed to read s3://%s/%s: %v", req.bucket, req.key, err)
	}
	if failure != nil {
		return nil, failure
	}
	return items.items, nil
}

// itemSink collects items up to a maximum.
type itemSink struct {
	items []any
	max   int // 0: no maximum
}

// add keeps v and reports whether the sink is full.
func (s *itemSink) add(v any) bool {
	s.items = append(s.items, v)
	return s.max > 0 && len(s.items) >= s.max
}

// listedItem is the item of one listed object: the fields and casing AWS gives children of
// an s3:listObjectsV2 reader ("Etag", not S3's "ETag"), LastModified in seconds since the
// epoch, as the ItemReader page's example shows.
func listedItem(o ObjectInfo) any {
	item := newObject(5)
	item.set("Etag", o.ETag)
	item.set("Key", o.Key)
	item.set("LastModified", json.Number(strconv.FormatInt(o.LastModified.Unix(), 10)))
	item.set("Size", json.Number(strconv.FormatInt(o.Size, 10)))
	storage := o.StorageClass
	if storage == "" {
		storage = "STANDARD"
	}
	item.set("StorageClass", storage)
	return item
}

// readCSV reads rows as objects of strings keyed by the headers. As AWS does: a row shorter
// than the headers gets "" for the missing columns, a longer one loses the extra ones, and
// duplicate headers fail the reader. Blank lines are skipped (AWS's handling of them is not
// documented).
func (r *itemReader) readCSV(body io.Reader, items *itemSink) error {
	cr := csv.NewReader(bufio.NewReaderSize(body, 64<<10))
	cr.Comma = r.delimiter
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	headers := r.headers
	if r.headerLocation == csvHeaderFirstRow {
		first, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("CSV: %w", err)
		}
		headers = slices.Clone(first)
	}
	order := javaHashMapOrder(headers)
	if order == nil {
		return readerFailure(causeDuplicateHeader)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("CSV: %w", err)
		}
		row := &object{members: make([]member, len(order))}
		for j, i := range order {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			row.members[j] = member{headers[i], v}
		}
		row.indexLarge()
		if items.add(row) {
			return nil
		}
	}
}

// javaHashMapOrder is the order in which AWS gives the columns of a CSV row: that of a
// java.util.HashMap filled with the headers in order (recorded: headers 0,True,{} come out
// as 0,{},True; H1,"" as "",H1), by bucket of the default table, then in insertion order.
// It is nil when a header repeats.
func javaHashMapOrder(headers []string) []int {
	seen := make(map[string]bool, len(headers))
	for _, h := range headers {
		if seen[h] {
			return nil
		}
		seen[h] = true
	}
	size := 16 // the default capacity, doubled whenever the map is more than 3/4 full
	for len(headers) > size*3/4 {
		size *= 2
	}
	bucket := func(h string) int {
		var hash int32
		for _, c := range utf16.Encode([]rune(h)) {
			hash = 31*hash + int32(c)
		}
		u := uint32(hash)
		return int((u ^ u>>16) & uint32(size-1))
	}
	order := make([]int, len(headers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return bucket(headers[a]) - bucket(headers[b]) })
	return order
}

// readJSON reads the items of a JSON array, one element at a time; with ItemsPointer the
// array is found in the document first (which is then decoded whole).
func (r *itemReader) readJSON(body io.Reader, items *itemSink) error {
	if r.itemsPointer != "" {
		data, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		doc, err := decodeJSON(data)
		if err != nil {
			return fmt.Errorf("the object is not JSON: %w", err)
		}
		arr, ok := pointTo(doc, r.itemsPointer).([]any)
		if !ok {
			return readerFailure(causeNotIterable)
		}
		for _, v := range arr {
			if items.add(v) {
				break
			}
		}
		return nil
	}
	dec := json.NewDecoder(bufio.NewReaderSize(body, 64<<10))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("the object is not JSON: %w", err)
	}
	if tok != json.Delim('[') {
		return readerFailure(causeNotIterable)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("the object is not JSON: %w", err)
		}
		v, err := decodeJSON(raw)
		if err != nil {
			return fmt.Errorf("the object is not JSON: %w", err)
		}
		if items.add(v) {
			return nil
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("the object is not JSON: %w", err)
	}
	return nil
}

// pointTo resolves a JSON Pointer (RFC 6901) in v, or returns nil.
func pointTo(v any, pointer string) any {
	for tok := range strings.SplitSeq(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch t := v.(type) {
		case *object:
			v, _ = t.get(tok)
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// readJSONL reads one item per line; blank lines are skipped.
func readJSONL(body io.Reader, items *itemSink) error {
	br := bufio.NewReaderSize(body, 64<<10)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			v, derr := decodeJSON(line)
			if derr != nil {
				return fmt.Errorf("JSONL line %d is not JSON: %w", n, derr)
			}
			if items.add(v) {
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
