package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// Step Functions' Parameters for an AWS API are the API's request in its JSON form
// (PascalCase, as the SDK's field names are), and its result is the response in that form.
// decode and encode convert between that JSON and the SDK's structs, which have no JSON
// tags and hold DynamoDB's attribute values as an interface (see dynamodb.go).

var (
	timeType     = reflect.TypeFor[time.Time]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

// decode sets v from data: struct fields by their exact names (others are ignored, as Step
// Functions drops parameters an integration does not take), and a JSON value other than a
// string given for a string as its JSON text, as Step Functions sends an object given as
// an SQS MessageBody, an SNS Message or an event's Detail.
func decode(data []byte, v reflect.Value) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	t := v.Type()
	if t == attributeValueType {
		av, err := decodeAttributeValue(data)
		if err == nil {
			v.Set(reflect.ValueOf(av))
		}
		return err
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := decode(data, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		if t == timeType {
			break
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			return err
		}
		for name, raw := range fields {
			f, ok := t.FieldByName(name)
			if !ok || !f.IsExported() || f.Type == metadataType {
				continue
			}
			if err := decode(raw, v.FieldByIndex(f.Index)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	case reflect.Map:
		var entries map[string]json.RawMessage
		if err := json.Unmarshal(data, &entries); err != nil {
			return err
		}
		m := reflect.MakeMapWithSize(t, len(entries))
		for k, raw := range entries {
			e := reflect.New(t.Elem()).Elem()
			if err := decode(raw, e); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), e)
		}
		v.Set(m)
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			break // base64, as encoding/json reads []byte
		}
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return err
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, raw := range items {
			if err := decode(raw, s.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		v.Set(s)
		return nil
	case reflect.String:
		if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] != '"' {
			var b bytes.Buffer
			if err := json.Compact(&b, trimmed); err != nil {
				return err
			}
			v.SetString(b.String())
			return nil
		}
	}
	return json.Unmarshal(data, v.Addr().Interface())
}

// encode is v as JSON values: structs as objects of their exported fields but the SDK's
// ResultMetadata, leaving out absent ones (nil pointers, maps, slices), as AWS leaves them.
func encode(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if v.Type() == attributeValueType {
			return encodeAttributeValue(v.Elem())
		}
		return encode(v.Elem())
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return encode(v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			break
		}
		m := map[string]any{}
		for i := range v.NumField() {
			f, fv := v.Type().Field(i), v.Field(i)
			if !f.IsExported() || f.Type == metadataType || isAbsent(fv) {
				continue
			}
			m[f.Name] = encode(fv)
		}
		return m
	case reflect.Map:
		m := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			m[it.Key().String()] = encode(it.Value())
		}
		return m
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			break
		}
		s := make([]any, v.Len())
		for i := range s {
			s[i] = encode(v.Index(i))
		}
		return s
	}
	return v.Interface()
}

func isAbsent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
}
