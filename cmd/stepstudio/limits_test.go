package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// definitionOf is a valid definition of exactly size bytes, its Comment filled with fill.
func definitionOf(size int, fill string) string {
	head, tail := `{"Comment":"`, `","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	n := (size - len(head) - len(tail)) / len(fill)
	return head + strings.Repeat(fill, n) + strings.Repeat("x", size-len(head)-len(tail)-n*len(fill)) + tail
}

// multipartBody is the home page's form: a name and, when file is not nil, an uploaded file.
func multipartBody(name string, file []byte) (io.Reader, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("name", name)
	if file != nil {
		fw, _ := w.CreateFormFile("file", name+".asl.json")
		fw.Write(file)
	}
	w.Close()
	return &body, w.FormDataContentType()
}

func pastedBody(name, definition string) (io.Reader, string) {
	return strings.NewReader(url.Values{"name": {name}, "definition": {definition}}.Encode()), "application/x-www-form-urlencoded"
}

// chunked hides a body's length, so that it is sent without a Content-Length.
func chunked(r io.Reader, contentType string) (io.Reader, string) {
	return io.MultiReader(r), contentType
}

func TestMachineCreateRefusesWhatItCannotTakeLoudly(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	const limit = "3,211,264 bytes" // POST /machines: a 1 MiB definition, percent-encoded
	thirtyMB := []byte(definitionOf(30<<20, "x"))
	twelveMB := definitionOf(12<<20, "x")
	for _, tc := range []struct {
		name    string
		machine string
		body    func() (io.Reader, string)
		status  int
		says    string
	}{
		{"a 30 MB upload gets 413 naming the limit", "Huge",
			func() (io.Reader, string) { return multipartBody("Huge", thirtyMB) },
			http.StatusRequestEntityTooLarge, "The request is 31,457,"},
		{"a 30 MB upload sent chunked gets 413", "HugeChunked",
			func() (io.Reader, string) { return chunked(multipartBody("HugeChunked", thirtyMB)) },
			http.StatusRequestEntityTooLarge, "The request is over " + limit},
		{"a 12 MB pasted definition gets 413, not \"the name is empty\"", "Pasted",
			func() (io.Reader, string) { return pastedBody("Pasted", twelveMB) },
			http.StatusRequestEntityTooLarge, "takes at most " + limit},
		{"a 12 MB pasted definition sent chunked gets 413", "PastedChunked",
			func() (io.Reader, string) { return chunked(pastedBody("PastedChunked", twelveMB)) },
			http.StatusRequestEntityTooLarge, "The request is over " + limit},
		{"a 2 MB upload gets the definition's limit", "TwoUploaded",
			func() (io.Reader, string) { return multipartBody("TwoUploaded", []byte(definitionOf(2<<20, "x"))) },
			http.StatusBadRequest, "is 2097152 bytes; a definition may be at most 1048576 bytes"},
		{"a 2 MB pasted definition gets the definition's limit", "TwoPasted",
			func() (io.Reader, string) { return pastedBody("TwoPasted", definitionOf(2<<20, "x")) },
			http.StatusBadRequest, "The definition is 2097152 bytes; a definition may be at most 1048576 bytes"},
		{"an empty uploaded file is an error, not the example", "Empty",
			func() (io.Reader, string) { return multipartBody("Empty", []byte{}) },
			http.StatusBadRequest, "is empty"},
		{"a 1 MiB definition that percent-encodes to 3 MiB is created", "Escaped",
			func() (io.Reader, string) { return pastedBody("Escaped", definitionOf(1<<20, `\"`)) },
			http.StatusSeeOther, ""},
		{"a form without a definition is created from the example", "Example",
			func() (io.Reader, string) { return multipartBody("Example", nil) },
			http.StatusSeeOther, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, contentType := tc.body()
			resp, got := s.request(t, "POST", "/machines", body, map[string]string{"Content-Type": contentType})
			if resp.StatusCode != tc.status || !strings.Contains(got, tc.says) {
				t.Fatalf("status %d, want %d saying %q:\n%.1000s", resp.StatusCode, tc.status, tc.says, got)
			}
			_, home := s.get(t, "/")
			if created := strings.Contains(home, `href="/machines/`+tc.machine+`"`); created != (tc.status == http.StatusSeeOther) {
				t.Fatalf("machine %s created: %v, after status %d", tc.machine, created, resp.StatusCode)
			}
		})
	}
}
