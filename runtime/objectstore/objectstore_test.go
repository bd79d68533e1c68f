package objectstore_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/objectstore"
)

// roundTrip puts two objects, reads one back and lists them, as the engine uses a store.
func roundTrip(t *testing.T, store runtime.ObjectStore) {
	t.Helper()
	ctx := context.Background()
	for key, body := range map[string]string{"in/a.csv": "a,b\n1,2\n", "in/b.json": "[1]", "other": "x"} {
		if err := store.PutObject(ctx, "bucket", key, []byte(body)); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	r, err := store.GetObject(ctx, "bucket", "in/a.csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r)
	r.Close()
	if string(body) != "a,b\n1,2\n" {
		t.Fatalf("got %q", body)
	}
	list, err := store.ListObjects(ctx, "bucket", "in/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range list {
		keys = append(keys, fmt.Sprintf("%s %d %s %s", o.Key, o.Size, o.ETag, o.StorageClass))
	}
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "in/a.csv 8 \"") || !strings.HasPrefix(keys[1], "in/b.json 3 \"") {
		t.Fatalf("listed %v", keys)
	}
	if _, err := store.GetObject(ctx, "bucket", "in/missing"); !errors.Is(err, runtime.ErrNoSuchKey) {
		t.Errorf("a missing key: %v", err)
	}
	if _, err := store.ListObjects(ctx, "nobucket", ""); !errors.Is(err, runtime.ErrNoSuchBucket) {
		t.Errorf("a missing bucket: %v", err)
	}
}

func TestFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "bucket"), 0o755); err != nil {
		t.Fatal(err)
	}
	store := objectstore.Folder{Root: root}
	roundTrip(t, store)
	if _, err := os.Stat(filepath.Join(root, "bucket", "in", "b.json")); err != nil {
		t.Errorf("a key is not a file below its bucket's folder: %v", err)
	}
	if err := store.PutObject(context.Background(), "nobucket", "k", nil); !errors.Is(err, runtime.ErrNoSuchBucket) {
		t.Errorf("put into a missing bucket: %v", err)
	}
}

func TestFolderKeepsKeysInsideTheirBucket(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, dir := range []string{"bucket", "secret"} {
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "secret", "key"), []byte("hidden"), 0o644)
	store := objectstore.Folder{Root: root}
	ctx := context.Background()
	for _, key := range []string{"../secret/key", "a/../../secret/key", "/etc/passwd", "", `..\secret\key`} {
		if _, err := store.GetObject(ctx, "bucket", key); err == nil || !strings.Contains(err.Error(), "leaves the folder") {
			t.Errorf("get %q: %v", key, err)
		}
		if err := store.PutObject(ctx, "bucket", key, []byte("x")); err == nil {
			t.Errorf("put %q was allowed", key)
		}
	}
	for _, bucket := range []string{"..", ".", "a/b", ""} {
		if _, err := store.ListObjects(ctx, bucket, ""); err == nil {
			t.Errorf("bucket %q was allowed", bucket)
		}
	}
}

// fakeS3 speaks the part of S3's REST protocol the store uses (path-style GET and PUT of an
// object, ListObjectsV2 two keys a page) and checks that every request is SigV4-signed for
// s3 with the secret.
type fakeS3 struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	// objects are "bucket/key" -> body; requests what was asked, "METHOD /path?query".
	objects  map[string][]byte
	requests []string
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := auth.VerifySigV4(r, body, f.secret, time.Now()); err != nil {
		f.t.Errorf("%s %s is not signed right: %v", r.Method, r.URL, err)
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	if cred, _, _ := auth.ParseSigV4(r); cred.Service != "s3" {
		f.t.Errorf("signed for %q, not s3", cred.Service)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodPut:
		f.objects[bucket+"/"+key] = body
	case r.Method == http.MethodGet && key == "" && r.URL.Query().Get("list-type") == "2":
		f.list(w, bucket, r.URL.Query().Get("prefix"), r.URL.Query().Get("continuation-token"))
	case r.Method == http.MethodGet:
		b, ok := f.objects[bucket+"/"+key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
			return
		}
		w.Write(b)
	default:
		http.Error(w, "not here", http.StatusNotImplemented)
	}
}

func (f *fakeS3) list(w http.ResponseWriter, bucket, prefix, after string) {
	if !slices.ContainsFunc(slices.Collect(mapKeys(f.objects)), func(k string) bool { return strings.HasPrefix(k, bucket+"/") }) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`)
		return
	}
	var keys []string
	for k := range f.objects {
		if key := strings.TrimPrefix(k, bucket+"/"); key != k && strings.HasPrefix(key, prefix) && key > after {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	type content struct {
		Key          string
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	out := struct {
		XMLName               xml.Name `xml:"ListBucketResult"`
		Name                  string
		Prefix                string
		KeyCount              int
		IsTruncated           bool
		NextContinuationToken string `xml:",omitempty"`
		Contents              []content
	}{Name: bucket, Prefix: prefix}
	for _, k := range keys {
		if len(out.Contents) == 2 {
			out.IsTruncated, out.NextContinuationToken = true, out.Contents[1].Key
			break
		}
		out.Contents = append(out.Contents, content{Key: k, LastModified: "2026-02-03T04:05:06.000Z",
			ETag: `"` + strconv.Itoa(len(f.objects[bucket+"/"+k])) + `"`, Size: len(f.objects[bucket+"/"+k]), StorageClass: "STANDARD"})
	}
	out.KeyCount = len(out.Contents)
	w.Header().Set("Content-Type", "application/xml")
	xml.NewEncoder(w).Encode(out)
}

func mapKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestEndpointSpeaksS3Signed(t *testing.T) {
	t.Parallel()
	fake := &fakeS3{t: t, secret: "stepstudio", objects: map[string][]byte{}}
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)
	store := objectstore.NewEndpoint(server.URL, "eu-west-1", nil, server.Client())
	roundTrip(t, store)
	if err := store.PutObject(context.Background(), "bucket", "in/c.txt", []byte("third")); err != nil {
		t.Fatal(err)
	}
	list, err := store.ListObjects(context.Background(), "bucket", "in/")
	if err != nil {
		t.Fatal(err)
	}
	want := runtime.ObjectInfo{Key: "in/c.txt", ETag: `"5"`, LastModified: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC), Size: 5, StorageClass: "STANDARD"}
	if len(list) != 3 || !cmp.Equal(list[2], want) {
		t.Errorf("listed over two pages: %+v", list)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if !slices.Contains(fake.requests, "PUT /bucket/in/a.csv") || !slices.Contains(fake.requests, "GET /bucket/in/a.csv") {
		t.Errorf("requests are not path-style: %v", fake.requests)
	}
}
