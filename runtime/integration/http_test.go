package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/integration"
)

// seen is a request as the API got it.
type seen struct {
	Method, Path, Query, Body string
	Header                    http.Header
}

// apiServer is an API to call: each path answers its own way (see startAPI), and every
// request is kept.
type apiServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []seen
	tokens   int           // access tokens given out by /token
	arrived  chan struct{} // a request to /slow has arrived
}

func startAPI(t *testing.T) *apiServer {
	t.Helper()
	a := &apiServer{arrived: make(chan struct{}, 10)}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.requests = append(a.requests, seen{r.Method, r.URL.Path, r.URL.RawQuery, string(body), r.Header.Clone()})
		a.mu.Unlock()
		switch r.URL.Path {
		case "/orders":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "r-1")
			io.WriteString(w, `{"id":1,"name":"ann"}`)
		case "/text":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "hello")
		case "/missing":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"no such order"}`)
		case "/broken":
			w.WriteHeader(http.StatusInternalServerError)
		case "/refuse":
			w.WriteHeader(http.StatusUnauthorized)
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte{0x89, 'P', 'N', 'G'})
		case "/latin1":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte{'c', 'a', 'f', 0xe9})
		case "/big":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, strings.Repeat("x", 300<<10))
		case "/slow":
			a.arrived <- struct{}{}
			<-r.Context().Done()
		case "/token":
			id, secret, _ := r.BasicAuth()
			form, _ := url.ParseQuery(string(body))
			if id != "studio" || secret != "s3cret" || form.Get("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"invalid_client"}`)
				return
			}
			a.mu.Lock()
			a.tokens++
			n := a.tokens
			a.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"token-%d","token_type":"Bearer","expires_in":3600}`, n)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(a.Close)
	return a
}

// last is the last request the API got for a path other than /token.
func (a *apiServer) last(t *testing.T) seen {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.requests) - 1; i >= 0; i-- {
		if a.requests[i].Path != "/token" {
			return a.requests[i]
		}
	}
	t.Fatal("the API got no request")
	return seen{}
}

// callHTTP runs an HTTP Task with these Parameters through the Invoker.
func callHTTP(ctx context.Context, h *integration.HTTP, params string) (json.RawMessage, error) {
	return integration.Invoker{HTTP: h}.Invoke(ctx, runtime.TaskRequest{
		Resource: "arn:aws:states:::http:invoke", StateName: "Call", Input: json.RawMessage(params)})
}

// failure is the States Language error of err, or fails the test.
func failure(t *testing.T, err error) *runtime.Error {
	t.Helper()
	var f *runtime.Error
	if !errors.As(err, &f) {
		t.Fatalf("error %v, want a *runtime.Error", err)
	}
	return f
}

func TestHTTPRequests(t *testing.T) {
	t.Parallel()
	api := startAPI(t)
	h := &integration.HTTP{Region: "eu-west-1"}
	body := `"RequestBody":{"array":["a","b","c","d"],"meta":{"k":"v w"},"n":1}`
	for _, tc := range []struct {
		name, params string
		want         seen // Header lists only the headers to check ("" for one that must be absent)
	}{
		{"a GET sends no body, with the User-Agent and Range of Step Functions",
			`{"ApiEndpoint":"API/orders","Method":"GET"}`,
			seen{Method: "GET", Header: http.Header{"User-Agent": {"Amazon|StepFunctions|HttpInvoke|eu-west-1"},
				"Range": {"bytes=0-262144"}, "Content-Type": {""}, "Authorization": {""}}}},
		{"query parameters are URL-encoded, arrays repeat their key, objects go by key[field]",
			`{"ApiEndpoint":"API/orders?page=2","Method":"GET","QueryParameters":{"ids":[1,2],"q":"a b&c","filter":{"status":"open"}}}`,
			seen{Method: "GET", Query: "page=2&filter%5Bstatus%5D=open&ids=1&ids=2&q=a%20b%26c"}},
		{"query parameters may be a query string",
			`{"ApiEndpoint":"API/orders","Method":"GET","QueryParameters":"b=2&a=1"}`,
			seen{Method: "GET", Query: "a=1&b=2"}},
		{"headers are sent, arrays as several lines",
			`{"ApiEndpoint":"API/orders","Method":"GET","Headers":{"X-Trace":"abc","x-count":7,"Accept":["text/plain","application/json"]}}`,
			seen{Method: "GET", Header: http.Header{"X-Trace": {"abc"}, "X-Count": {"7"}, "Accept": {"text/plain", "application/json"}}}},
		{"a JSON body is application/json",
			`{"ApiEndpoint":"API/orders","Method":"POST","RequestBody":{"n":1.50,"tags":["a"]}}`,
			seen{Method: "POST", Body: `{"n":1.50,"tags":["a"]}`, Header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}}},
		{"a string body is serialized as JSON, as AWS documents for NONE",
			`{"ApiEndpoint":"API/orders","Method":"PUT","RequestBody":"hello","Transform":{"RequestBodyEncoding":"NONE"}}`,
			seen{Method: "PUT", Body: `"hello"`}},
		{"the definition's Content-Type is kept",
			`{"ApiEndpoint":"API/orders","Method":"PATCH","Headers":{"content-type":"application/merge-patch+json"},"RequestBody":{"a":null}}`,
			seen{Method: "PATCH", Body: `{"a":null}`, Header: http.Header{"Content-Type": {"application/merge-patch+json"}}}},
		{"URL_ENCODED arrays go by INDICES unless told",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"URL_ENCODED"},` + body + `}`,
			seen{Method: "POST", Body: "array%5B0%5D=a&array%5B1%5D=b&array%5B2%5D=c&array%5B3%5D=d&meta%5Bk%5D=v%20w&n=1",
				Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}},
		{"URL_ENCODED with REPEAT",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"REPEAT"}},` + body + `}`,
			seen{Method: "POST", Body: "array=a&array=b&array=c&array=d&meta%5Bk%5D=v%20w&n=1"}},
		{"URL_ENCODED with COMMAS",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}},` + body + `}`,
			seen{Method: "POST", Body: "array=a,b,c,d&meta%5Bk%5D=v%20w&n=1"}},
		{"URL_ENCODED with BRACKETS",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"BRACKETS"}},` + body + `}`,
			seen{Method: "POST", Body: "array%5B%5D=a&array%5B%5D=b&array%5B%5D=c&array%5B%5D=d&meta%5Bk%5D=v%20w&n=1"}},
		{"URL_ENCODED arrays of objects go by index, with COMMAS too",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}},"RequestBody":{"items":[{"sku":"a1"},{"sku":"b2"}]}}`,
			seen{Method: "POST", Body: "items%5B0%5D%5Bsku%5D=a1&items%5B1%5D%5Bsku%5D=b2"}},
		{"AWS's Stripe example encodes as AWS shows it",
			`{"ApiEndpoint":"API/orders","Method":"POST","Headers":{"Content-Type":"application/x-www-form-urlencoded"},
			  "RequestBody":{"customer":"1234567890","description":"Monthly subscription","metadata":{"order_details":"monthly report data"}},
			  "Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"INDICES"}}}`,
			seen{Method: "POST", Body: "customer=1234567890&description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := callHTTP(context.Background(), h, strings.ReplaceAll(tc.params, "API", api.URL)); err != nil {
				t.Fatal(err)
			}
			got := api.last(t)
			for name, want := range tc.want.Header {
				if want[0] == "" && got.Header.Get(name) != "" || want[0] != "" && !cmp.Equal(got.Header.Values(name), []string(want)) {
					t.Errorf("header %s: %q, want %q", name, got.Header.Values(name), want)
				}
			}
			if got.Method != tc.want.Method || got.Query != tc.want.Query || got.Body != tc.want.Body {
				t.Errorf("got %s ?%s %s\nwant %s ?%s %s", got.Method, got.Query, got.Body, tc.want.Method, tc.want.Query, tc.want.Body)
			}
		})
	}
}

func TestHTTPMethods(t *testing.T) {
	t.Parallel()
	api := startAPI(t)
	for _, method := range []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"} {
		t.Run(method+" is sent as "+method, func(t *testing.T) {
			out, err := callHTTP(context.Background(), &integration.HTTP{}, `{"ApiEndpoint":"`+api.URL+`/text","Method":"`+method+`"}`)
			if err != nil {
				t.Fatal(err)
			}
			var result struct{ ResponseBody string }
			json.Unmarshal(out, &result)
			want := "hello"
			if method == "HEAD" {
				want = ""
			}
			if result.ResponseBody != want {
				t.Errorf("ResponseBody %q, want %q", result.ResponseBody, want)
			}
		})
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	var methods []string
	for _, r := range api.requests {
		methods = append(methods, r.Method)
	}
	if len(methods) != 7 {
		t.Errorf("the API got %v", methods)
	}
}

func TestHTTPResult(t *testing.T) {
	t.Parallel()
	api := startAPI(t)
	for _, tc := range []struct {
		name, path, wantBody string
	}{
		{"a JSON response's body is parsed", "/orders", `{"id":1,"name":"ann"}`},
		{"any other body is a string", "/text", `"hello"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := callHTTP(context.Background(), &integration.HTTP{}, `{"ApiEndpoint":"`+api.URL+tc.path+`","Method":"GET"}`)
			if err != nil {
				t.Fatal(err)
			}
			var result struct {
				Headers      map[string][]string
				ResponseBody json.RawMessage
				StatusCode   int
				StatusText   string
			}
			if err := json.Unmarshal(out, &result); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if string(result.ResponseBody) != tc.wantBody || result.StatusCode != 200 || result.StatusText != "OK" || len(result.Headers["Content-Length"]) != 1 {
				t.Fatalf("result %s", out)
			}
			if tc.path == "/orders" && !cmp.Equal(result.Headers["X-Request-Id"], []string{"r-1"}) {
				t.Fatalf("headers %v", result.Headers)
			}
		})
	}
}

func TestHTTPFailures(t *testing.T) {
	t.Parallel()
	api := startAPI(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		name, params, wantName, wantCause string
	}{
		{"a 404 is States.Http.StatusCode.404 with AWS's cause, the status text",
			`{"ApiEndpoint":"API/missing","Method":"GET"}`, "States.Http.StatusCode.404", "Not Found"},
		{"a 500 is States.Http.StatusCode.500",
			`{"ApiEndpoint":"API/broken","Method":"POST","RequestBody":{}}`, "States.Http.StatusCode.500", "Internal Server Error"},
		{"a closed port is States.Http.Socket",
			`{"ApiEndpoint":"` + closed.URL + `/orders","Method":"GET"}`, "States.Http.Socket", "GET " + closed.URL + "/orders got no answer"},
		{"an image is States.Runtime, as AWS refuses it",
			`{"ApiEndpoint":"API/image","Method":"GET"}`, runtime.ErrNameRuntime, "image/png"},
		{"a body that is not text is States.Runtime",
			`{"ApiEndpoint":"API/latin1","Method":"GET"}`, runtime.ErrNameRuntime, "not UTF-8"},
		{"a body longer than a task result may be is States.DataLimitExceeded",
			`{"ApiEndpoint":"API/big","Method":"GET"}`, runtime.ErrNameDataLimitExceeded, "The state/task 'Call' returned a result with a size exceeding"},
		{"Parameters that are not an object",
			`"API"`, runtime.ErrNameRuntime, "The HTTP Task's Parameters must be a JSON object"},
		{"no ApiEndpoint",
			`{"Method":"GET"}`, runtime.ErrNameRuntime, "The HTTP Task's ApiEndpoint is missing."},
		{"an ApiEndpoint that is not an http(s) URL",
			`{"ApiEndpoint":"ftp://example.com","Method":"GET"}`, runtime.ErrNameRuntime, `ApiEndpoint must be an https (or, locally, http) URL, not "ftp://example.com"`},
		{"no Method",
			`{"ApiEndpoint":"API/orders"}`, runtime.ErrNameRuntime, "The HTTP Task's Method is missing."},
		{"a Method AWS does not take",
			`{"ApiEndpoint":"API/orders","Method":"get"}`, runtime.ErrNameRuntime, `Method must be one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, not "get"`},
		{"a Method that is not a string",
			`{"ApiEndpoint":"API/orders","Method":1}`, runtime.ErrNameRuntime, "The HTTP Task's Method must be a string, not 1."},
		{"a field the HTTP Task does not have",
			`{"ApiEndpoint":"API/orders","Method":"GET","Body":{}}`, runtime.ErrNameRuntime, `The HTTP Task has no field "Body"`},
		{"a connection without its ARN",
			`{"ApiEndpoint":"API/orders","Method":"GET","InvocationConfig":{}}`, runtime.ErrNameRuntime, "InvocationConfig.ConnectionArn is missing"},
		{"Headers that are not an object",
			`{"ApiEndpoint":"API/orders","Method":"GET","Headers":["a"]}`, runtime.ErrNameRuntime, "The HTTP Task's Headers must be a JSON object"},
		{"a header AWS forbids",
			`{"ApiEndpoint":"API/orders","Method":"GET","Headers":{"Authorization":"Bearer x"}}`, runtime.ErrNameRuntime, "Headers may not set Authorization"},
		{"a header of AWS's own",
			`{"ApiEndpoint":"API/orders","Method":"GET","Headers":{"X-Amz-Date":"x"}}`, runtime.ErrNameRuntime, "Headers may not set X-Amz-Date"},
		{"a header that is an object",
			`{"ApiEndpoint":"API/orders","Method":"GET","Headers":{"X-A":{"b":1}}}`, runtime.ErrNameRuntime, "header X-A must be a string"},
		{"QueryParameters that are a number",
			`{"ApiEndpoint":"API/orders","Method":"GET","QueryParameters":3}`, runtime.ErrNameRuntime, "QueryParameters must be an object"},
		{"an encoding AWS does not have",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"JSON"}}`, runtime.ErrNameRuntime, `Transform.RequestBodyEncoding must be one of NONE, URL_ENCODED, not "JSON"`},
		{"an ArrayFormat AWS does not have",
			`{"ApiEndpoint":"API/orders","Method":"POST","Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"PIPES"}}}`, runtime.ErrNameRuntime, `Transform.RequestEncodingOptions.ArrayFormat must be one of INDICES, REPEAT, COMMAS, BRACKETS, not "PIPES"`},
		{"a URL_ENCODED array",
			`{"ApiEndpoint":"API/orders","Method":"POST","RequestBody":[1],"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, runtime.ErrNameRuntime, "must be a JSON object (or a string) to be URL_ENCODED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := callHTTP(context.Background(), &integration.HTTP{}, strings.ReplaceAll(tc.params, "API", api.URL))
			f := failure(t, err)
			if f.Name != tc.wantName || !strings.Contains(f.Cause, tc.wantCause) {
				t.Fatalf("got %s %q\nwant %s %q", f.Name, f.Cause, tc.wantName, tc.wantCause)
			}
			if strings.HasPrefix(f.Name, "States.Http.StatusCode.") && f.Cause != tc.wantCause {
				t.Fatalf("cause %q, want only %q", f.Cause, tc.wantCause)
			}
		})
	}
}

// TestHTTPWithoutAnswer: a server that never answers is States.Http.Socket once the client's
// timeout (AWS's 60 seconds, here shorter) passes; a stopped task ends with its context.
func TestHTTPWithoutAnswer(t *testing.T) {
	t.Parallel()
	api := startAPI(t)
	params := `{"ApiEndpoint":"` + api.URL + `/slow","Method":"GET"}`
	t.Run("a timeout is States.Http.Socket", func(t *testing.T) {
		_, err := callHTTP(context.Background(), &integration.HTTP{Client: &http.Client{Timeout: 50 * time.Millisecond}}, params)
		if f := failure(t, err); f.Name != "States.Http.Socket" || !strings.Contains(f.Cause, "Timeout") {
			t.Fatalf("got %s %q", f.Name, f.Cause)
		}
	})
	t.Run("a stopped task ends with its context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errc := make(chan error, 1)
		go func() {
			_, err := callHTTP(ctx, &integration.HTTP{}, params)
			errc <- err
		}()
		<-api.arrived
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
}

const (
	keyARN   = "arn:aws:events:us-east-1:123456789012:connection/key/1"
	basicARN = "arn:aws:events:us-east-1:123456789012:connection/basic/2"
	oauthARN = "arn:aws:events:us-east-1:123456789012:connection/oauth/3"
	badARN   = "arn:aws:events:us-east-1:123456789012:connection/badclient/4"
)

// writeFile writes content to a file of its own and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "connections.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeNow is a clock that moves only when told.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeNow) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }

func (f *fakeNow) add(d time.Duration) { f.mu.Lock(); defer f.mu.Unlock(); f.t = f.t.Add(d) }

func TestHTTPConnections(t *testing.T) {
	t.Parallel()
	api := startAPI(t)
	path := writeFile(t, `{
	  "`+keyARN+`": {"AuthorizationType": "API_KEY", "AuthParameters": {
	    "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y"},
	    "InvocationHttpParameters": {
	      "HeaderParameters": [{"Key": "X-Tenant", "Value": "connection"}],
	      "QueryStringParameters": [{"Key": "region", "Value": "eu"}],
	      "BodyParameters": [{"Key": "mode", "Value": "live", "IsValueSecret": true}]}}},
	  "`+basicARN+`": {"AuthParameters": {"BasicAuthParameters": {"Username": "ann", "Password": "pw"}}},
	  "`+oauthARN+`": {"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {"OAuthParameters": {
	    "AuthorizationEndpoint": "`+api.URL+`/token", "HttpMethod": "POST",
	    "ClientParameters": {"ClientID": "studio", "ClientSecret": "s3cret"},
	    "OAuthHttpParameters": {"BodyParameters": [{"Key": "scope", "Value": "orders"}]}}}},
	  "`+badARN+`": {"AuthParameters": {"OAuthParameters": {
	    "AuthorizationEndpoint": "`+api.URL+`/token",
	    "ClientParameters": {"ClientID": "studio", "ClientSecret": "wrong"}}}}
	}`)
	conns, err := integration.LoadConnections(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeNow{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	h := &integration.HTTP{Connections: conns, NowFunc: clock.now}
	call := func(t *testing.T, arn, path, extra string) (seen, error) {
		t.Helper()
		_, err := callHTTP(context.Background(), h, `{"ApiEndpoint":"`+api.URL+path+`","Method":"POST","InvocationConfig":{"ConnectionArn":"`+arn+`"}`+extra+`}`)
		return api.last(t), err
	}
	tokens := func() int { api.mu.Lock(); defer api.mu.Unlock(); return api.tokens }

	t.Run("an API key is its header, and the connection's parameters win", func(t *testing.T) {
		got, err := call(t, keyARN, "/orders", `,"Headers":{"X-Tenant":"task"},"QueryParameters":{"region":"us","page":"1"},"RequestBody":{"mode":"test","n":1}`)
		if err != nil {
			t.Fatal(err)
		}
		if got.Header.Get("X-Api-Key") != "k3y" || got.Header.Get("X-Tenant") != "connection" ||
			got.Query != "page=1&region=eu" || got.Body != `{"mode":"live","n":1}` {
			t.Fatalf("got %v ?%s %s", got.Header, got.Query, got.Body)
		}
	})
	t.Run("body parameters cannot be merged into a string body", func(t *testing.T) {
		_, err := call(t, keyARN, "/orders", `,"RequestBody":"text"`)
		if f := failure(t, err); f.Name != runtime.ErrNameRuntime || !strings.Contains(f.Cause, "cannot be merged") {
			t.Fatalf("got %s %q", f.Name, f.Cause)
		}
	})
	t.Run("Basic credentials are HTTP Basic, named in the older Authentication field", func(t *testing.T) {
		_, err := callHTTP(context.Background(), h, `{"ApiEndpoint":"`+api.URL+`/orders","Method":"GET","Authentication":{"ConnectionArn":"`+basicARN+`"}}`)
		if err != nil {
			t.Fatal(err)
		}
		if got := api.last(t).Header.Get("Authorization"); got != "Basic YW5uOnB3" {
			t.Fatalf("Authorization %q", got)
		}
	})
	t.Run("OAuth asks for a token once, and again when it expires or is refused", func(t *testing.T) {
		for i, want := range []struct {
			path, token string
			after       func()
		}{
			{"/orders", "Bearer token-1", func() {}},
			{"/orders", "Bearer token-1", func() { clock.add(time.Hour) }},
			{"/refuse", "Bearer token-2", func() {}},
			{"/orders", "Bearer token-3", func() {}},
		} {
			got, err := call(t, oauthARN, want.path, "")
			if (err != nil) != (want.path == "/refuse") {
				t.Fatalf("call %d: %v", i, err)
			}
			if got.Header.Get("Authorization") != want.token {
				t.Fatalf("call %d: Authorization %q, want %q", i, got.Header.Get("Authorization"), want.token)
			}
			want.after()
		}
		if n := tokens(); n != 3 {
			t.Fatalf("%d tokens asked for, want 3", n)
		}
		api.mu.Lock()
		defer api.mu.Unlock()
		for _, r := range api.requests {
			if r.Path == "/token" && !strings.Contains(r.Body, "scope=orders") {
				t.Fatalf("token request %s lacks the OAuthHttpParameters", r.Body)
			}
		}
	})
	t.Run("a token the endpoint refuses is Events.ConnectionResource.InvalidConnectionState", func(t *testing.T) {
		_, err := call(t, badARN, "/orders", "")
		if f := failure(t, err); f.Name != "Events.ConnectionResource.InvalidConnectionState" || !strings.Contains(f.Cause, "invalid_client") {
			t.Fatalf("got %s %q", f.Name, f.Cause)
		}
	})
	t.Run("an ARN the file lacks is Events.ConnectionResource.ResourceNotFound naming both", func(t *testing.T) {
		other := "arn:aws:events:us-east-1:123456789012:connection/other/9"
		_, err := call(t, other, "/orders", "")
		if f := failure(t, err); f.Name != "Events.ConnectionResource.ResourceNotFound" || !strings.Contains(f.Cause, other) || !strings.Contains(f.Cause, path) {
			t.Fatalf("got %s %q", f.Name, f.Cause)
		}
	})
	t.Run("without a file, a connection adds nothing", func(t *testing.T) {
		_, err := callHTTP(context.Background(), &integration.HTTP{}, `{"ApiEndpoint":"`+api.URL+`/orders","Method":"GET","InvocationConfig":{"ConnectionArn":"`+keyARN+`"}}`)
		if err != nil {
			t.Fatal(err)
		}
		if got := api.last(t); got.Header.Get("X-Api-Key") != "" || got.Query != "" {
			t.Fatalf("got %v ?%s", got.Header, got.Query)
		}
	})
}

func TestLoadConnectionsRefusesABadFile(t *testing.T) {
	t.Parallel()
	const arn = `"arn:aws:events:us-east-1:123456789012:connection/orders/1"`
	for _, tc := range []struct {
		name, content, want string
	}{
		{"bad JSON, by line and column", "{\n  " + arn + ": {\n    \"AuthParameters\": ,\n", "line 3, column 23: invalid character ','"},
		{"not an object", `[1]`, "line 1, column 1: must be an object whose keys are connection ARNs, not array"},
		{"a key that is not a connection ARN", `{"orders": {}}`, `"orders": is not a connection ARN`},
		{"an unknown field", `{` + arn + `: {"AuthParameters": {"ApiKey": {}}}}`, `unknown field "ApiKey"`},
		{"a missing value", `{` + arn + `: {"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}}}}`,
			"AuthParameters.ApiKeyAuthParameters.ApiKeyValue is missing"},
		{"a value of the wrong type", `{` + arn + `: {"AuthParameters": {"BasicAuthParameters": {"Username": 5, "Password": "p"}}}}`,
			"AuthParameters.BasicAuthParameters.Username must be a string, not number"},
		{"no auth parameters", `{` + arn + `: {"AuthParameters": {}}}`, "AuthParameters must have one of"},
		{"two kinds of auth", `{` + arn + `: {"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"},
			"BasicAuthParameters": {"Username": "u", "Password": "p"}}}}`, "AuthParameters must have one of"},
		{"an AuthorizationType that disagrees", `{` + arn + `: {"AuthorizationType": "BASIC", "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}}}}`,
			`AuthorizationType is "BASIC", but the AuthParameters are those of API_KEY`},
		{"an OAuth endpoint that is not a URL", `{` + arn + `: {"AuthParameters": {"OAuthParameters": {"AuthorizationEndpoint": "token",
			"ClientParameters": {"ClientID": "c", "ClientSecret": "s"}}}}}`, `AuthParameters.OAuthParameters.AuthorizationEndpoint must be an http or https URL, not "token"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := integration.LoadConnections(path)
			if err == nil || !strings.Contains(err.Error(), "connections file "+path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant the file and %q", err, tc.want)
			}
		})
	}
	t.Run("a missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.json")
		if _, err := integration.LoadConnections(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("error %v", err)
		}
	})
}
