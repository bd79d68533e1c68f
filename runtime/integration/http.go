package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/stepstudio/stepstudio/runtime"
)

// httpInvokeResource is the HTTP Task's Resource.
const httpInvokeResource = "arn:aws:states:::http:invoke"

// Limits of Step Functions' HTTP Task: a request times out after 60 seconds (as
// States.Http.Socket), and it asks for no more than a task result may hold (256 KiB).
const (
	httpTimeout      = 60 * time.Second
	maxResponseBytes = 262144
)

// HTTP is the HTTP Task, arn:aws:states:::http:invoke: it sends the request its Parameters
// describe as Step Functions does (https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html)
// and its result is {"Headers", "ResponseBody", "StatusCode", "StatusText"}. A status that is
// not 2xx fails the task as States.Http.StatusCode.<code>, a request that gets no answer
// (refused, unknown host, 60 seconds without one) as States.Http.Socket, and Parameters or a
// response AWS would refuse as States.Runtime.
//
// The ConnectionArn (in InvocationConfig, or the older Authentication) names the EventBridge
// connection whose credentials AWS adds to the request; here they come from Connections
// (see LoadConnections and Connections.lookup). Plain http:// endpoints are allowed, for
// local servers.
type HTTP struct {
	// Connections holds the credentials of connections; nil sends every request without.
	Connections *Connections
	// Region is in the User-Agent, as Step Functions sends it.
	Region string
	// Client sends the requests; nil is a client with Step Functions' 60-second timeout.
	Client *http.Client
	// NowFunc tells when an OAuth token expires; nil is time.Now.
	NowFunc func() time.Time

	// tokens are the OAuth connections' access tokens, by connection ARN, kept until they
	// expire or the API refuses them, as EventBridge keeps them.
	mu     sync.Mutex
	tokens map[string]oauthToken
}

var defaultHTTPClient = &http.Client{Timeout: httpTimeout}

// Invoke runs an HTTP Task whose Parameters are req.Input.
func (h *HTTP) Invoke(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	call, err := parseHTTPCall(req.Input)
	if err != nil {
		return nil, err
	}
	conn, err := h.Connections.lookup(call.connectionARN)
	if err != nil {
		return nil, err
	}
	if err := call.merge(conn.AuthParameters.InvocationHttpParameters); err != nil {
		return nil, err
	}
	hreq, err := call.request(ctx, h.Region)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, hreq, call.connectionARN, conn); err != nil {
		return nil, err
	}
	resp, err := h.client().Do(hreq)
	if err != nil {
		return nil, socketError(ctx, call.method, call.endpoint, err)
	}
	defer resp.Body.Close()
	if conn.AuthorizationType == authOAuth && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusProxyAuthRequired) {
		h.forgetToken(call.connectionARN) // the next attempt asks for a new one
	}
	return httpResult(ctx, req.StateName, call, resp)
}

func (h *HTTP) client() *http.Client {
	if h.Client != nil {
		return h.Client
	}
	return defaultHTTPClient
}

// httpCall is an HTTP Task's Parameters, checked.
type httpCall struct {
	endpoint      string
	method        string
	connectionARN string
	headers       http.Header
	query         map[string]any // nil when there are no QueryParameters
	body          any            // the decoded RequestBody, nil when there is none
	urlEncoded    bool
	arrayFormat   string
}

// The ArrayFormat values of RequestEncodingOptions.
const (
	arrayIndices  = "INDICES"
	arrayRepeat   = "REPEAT"
	arrayCommas   = "COMMAS"
	arrayBrackets = "BRACKETS"
)

var httpFields = []string{"ApiEndpoint", "Method", "InvocationConfig", "Authentication", "Headers", "QueryParameters", "RequestBody", "Transform"}

// parseHTTPCall checks the Parameters, failing with States.Runtime and a cause that names the
// field (a misspelt field too, which would otherwise be sent as nothing).
func parseHTTPCall(input json.RawMessage) (*httpCall, error) {
	fields, err := object(input, "The HTTP Task's Parameters")
	if err != nil {
		return nil, err
	}
	for name := range fields {
		if !slices.Contains(httpFields, name) {
			return nil, invalidParameters("The HTTP Task has no field %q: its Parameters are %s.", name, strings.Join(httpFields, ", "))
		}
	}
	call := &httpCall{headers: http.Header{}, arrayFormat: arrayIndices}
	if call.endpoint, err = stringField(fields, "", "ApiEndpoint", true); err != nil {
		return nil, err
	}
	if u, err := url.Parse(call.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalidParameters("The HTTP Task's ApiEndpoint must be an https (or, locally, http) URL, not %q.", call.endpoint)
	}
	if call.method, err = enumField(fields, "", "Method", true, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"); err != nil {
		return nil, err
	}
	for _, name := range []string{"InvocationConfig", "Authentication"} {
		if _, ok := fields[name]; !ok {
			continue
		}
		ref, err := object(fields[name], "The HTTP Task's "+name)
		if err != nil {
			return nil, err
		}
		if call.connectionARN, err = stringField(ref, name+".", "ConnectionArn", true); err != nil {
			return nil, err
		}
	}
	if err := call.parseHeaders(fields["Headers"]); err != nil {
		return nil, err
	}
	if err := call.parseQuery(fields["QueryParameters"]); err != nil {
		return nil, err
	}
	if raw, ok := fields["RequestBody"]; ok {
		call.body = decodeValue(raw)
	}
	if raw, ok := fields["Transform"]; ok {
		if err := call.parseTransform(raw); err != nil {
			return nil, err
		}
	}
	return call, nil
}

// forbiddenHeaders are the headers a definition may not set (AWS's list; also any header
// starting x-forwarded-, x-amz- or x-amzn-).
var forbiddenHeaders = []string{"a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization",
	"cache-control", "connection", "content-encoding", "content-md5", "date", "expect", "forwarded", "from", "host",
	"http2-settings", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
	"max-forwards", "origin", "pragma", "proxy-authorization", "referer", "server", "te", "trailer",
	"transfer-encoding", "upgrade", "via", "warning"}

// parseHeaders takes Headers: an object whose values are strings, numbers, booleans or
// arrays of them (one header line each).
func (c *httpCall) parseHeaders(raw json.RawMessage) error {
	if isNullJSON(raw) {
		return nil
	}
	headers, err := object(raw, "The HTTP Task's Headers")
	if err != nil {
		return err
	}
	for name, rawValue := range headers {
		lower := strings.ToLower(name)
		if slices.Contains(forbiddenHeaders, lower) || strings.HasPrefix(lower, "x-forwarded-") ||
			strings.HasPrefix(lower, "x-amz-") || strings.HasPrefix(lower, "x-amzn-") {
			return invalidParameters("The HTTP Task's Headers may not set %s, a header Step Functions forbids (credentials go in the connection).", name)
		}
		values := []any{decodeValue(rawValue)}
		if list, ok := values[0].([]any); ok {
			values = list
		}
		for _, v := range values {
			text, ok := scalarText(v)
			if !ok {
				return invalidParameters("The HTTP Task's header %s must be a string, a number, a boolean or an array of them.", name)
			}
			c.headers.Add(name, text)
		}
	}
	return nil
}

// parseQuery takes QueryParameters: an object (values may be arrays and objects), or a query
// string.
func (c *httpCall) parseQuery(raw json.RawMessage) error {
	if isNullJSON(raw) {
		return nil
	}
	switch v := decodeValue(raw).(type) {
	case map[string]any:
		c.query = v
	case string:
		values, err := url.ParseQuery(strings.TrimPrefix(v, "?"))
		if err != nil {
			return invalidParameters("The HTTP Task's QueryParameters are not a query string: %v.", err)
		}
		c.query = map[string]any{}
		for k, vs := range values {
			c.query[k] = stringsToAny(vs)
		}
	default:
		return invalidParameters("The HTTP Task's QueryParameters must be an object (or a query string).")
	}
	return nil
}

// parseTransform takes Transform {RequestBodyEncoding, RequestEncodingOptions {ArrayFormat}}.
func (c *httpCall) parseTransform(raw json.RawMessage) error {
	transform, err := object(raw, "The HTTP Task's Transform")
	if err != nil {
		return err
	}
	encoding, err := enumField(transform, "Transform.", "RequestBodyEncoding", false, "NONE", "URL_ENCODED")
	if err != nil {
		return err
	}
	c.urlEncoded = encoding == "URL_ENCODED"
	if raw, ok := transform["RequestEncodingOptions"]; ok {
		options, err := object(raw, "The HTTP Task's Transform.RequestEncodingOptions")
		if err != nil {
			return err
		}
		format, err := enumField(options, "Transform.RequestEncodingOptions.", "ArrayFormat", false, arrayIndices, arrayRepeat, arrayCommas, arrayBrackets)
		if err != nil {
			return err
		}
		if format != "" {
			c.arrayFormat = format
		}
	}
	return nil
}

// merge adds a connection's InvocationHttpParameters, whose values win over the definition's,
// as AWS merges them; a string RequestBody cannot take body parameters.
func (c *httpCall) merge(p *httpParameters) error {
	if p == nil {
		return nil
	}
	for _, kv := range p.HeaderParameters {
		c.headers.Set(kv.Key, kv.Value)
	}
	if len(p.QueryStringParameters) > 0 && c.query == nil {
		c.query = map[string]any{}
	}
	for _, kv := range p.QueryStringParameters {
		c.query[kv.Key] = kv.Value
	}
	if len(p.BodyParameters) == 0 {
		return nil
	}
	if c.body == nil {
		c.body = map[string]any{}
	}
	body, ok := c.body.(map[string]any)
	if !ok {
		return invalidParameters("The HTTP Task's RequestBody is not a JSON object, so the body parameters of its connection cannot be merged into it.")
	}
	for _, kv := range p.BodyParameters {
		body[kv.Key] = kv.Value
	}
	return nil
}

// request is the HTTP request: the query after the endpoint's own, the body as JSON or
// URL-encoded, a Content-Type when the definition sets none, and the User-Agent and Range
// Step Functions sends.
func (c *httpCall) request(ctx context.Context, region string) (*http.Request, error) {
	target := c.endpoint
	if len(c.query) > 0 {
		target = withQuery(target, formEncode(c.query, arrayRepeat))
	}
	var body io.Reader
	contentType := ""
	switch {
	case c.body == nil:
	case c.urlEncoded:
		var text string
		switch b := c.body.(type) {
		case map[string]any:
			text = formEncode(b, c.arrayFormat)
		case string:
			text = b // already encoded
		default:
			return nil, invalidParameters("The HTTP Task's RequestBody must be a JSON object (or a string) to be URL_ENCODED.")
		}
		body, contentType = strings.NewReader(text), "application/x-www-form-urlencoded"
	default:
		// NONE: "the serialized JSON of the RequestBody field", a string included.
		text, err := json.Marshal(c.body)
		if err != nil {
			return nil, invalidParameters("The HTTP Task's RequestBody cannot be serialized: %v.", err)
		}
		body, contentType = bytes.NewReader(text), "application/json; charset=UTF-8"
	}
	req, err := http.NewRequestWithContext(ctx, c.method, target, body)
	if err != nil {
		return nil, invalidParameters("The HTTP Task's request to %s cannot be made: %v.", c.endpoint, err)
	}
	req.Header = c.headers.Clone()
	if contentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "Amazon|StepFunctions|HttpInvoke|"+region)
	req.Header.Set("Range", "bytes=0-"+strconv.Itoa(maxResponseBytes))
	return req, nil
}

// authorize adds a connection's credentials: an API key header, HTTP Basic, or an OAuth
// access token as a Bearer.
func (h *HTTP) authorize(ctx context.Context, req *http.Request, arn string, conn *connection) error {
	p := conn.AuthParameters
	switch conn.AuthorizationType {
	case authAPIKey:
		req.Header.Set(p.ApiKeyAuthParameters.ApiKeyName, p.ApiKeyAuthParameters.ApiKeyValue)
	case authBasic:
		req.SetBasicAuth(p.BasicAuthParameters.Username, p.BasicAuthParameters.Password)
	case authOAuth:
		token, err := h.token(ctx, arn, p.OAuthParameters)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return nil
}

// httpResult reads the response into the task's result, or its failure.
func httpResult(ctx context.Context, state string, call *httpCall, resp *http.Response) (json.RawMessage, error) {
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mediaType == "application/octet-stream" || strings.HasPrefix(mediaType, "image/") ||
		strings.HasPrefix(mediaType, "video/") || strings.HasPrefix(mediaType, "audio/") {
		return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: fmt.Sprintf(
			"The HTTP Task's response from %s is %s, which Step Functions does not take (no application/octet-stream, image, video or audio).", call.endpoint, mediaType)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, socketError(ctx, call.method, call.endpoint, err)
	}
	if len(body) > maxResponseBytes {
		return nil, &runtime.Error{Name: runtime.ErrNameDataLimitExceeded, Cause: fmt.Sprintf(
			"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit: the response from %s is longer than %d bytes.",
			state, call.endpoint, maxResponseBytes)}
	}
	if !utf8.Valid(body) {
		return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: fmt.Sprintf(
			"The HTTP Task's response from %s cannot be read as text (it is not UTF-8).", call.endpoint)}
	}
	statusText := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if statusText == "" {
		statusText = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The cause is the status text alone, as executions on AWS show it (its docs do not
		// say): the response body is not kept.
		return nil, &runtime.Error{Name: "States.Http.StatusCode." + strconv.Itoa(resp.StatusCode), Cause: statusText}
	}
	var responseBody any = string(body)
	if (mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")) && json.Valid(body) {
		responseBody = json.RawMessage(body)
	}
	return json.Marshal(struct {
		Headers      map[string][]string `json:"Headers"`
		ResponseBody any                 `json:"ResponseBody"`
		StatusCode   int                 `json:"StatusCode"`
		StatusText   string              `json:"StatusText"`
	}{resp.Header, responseBody, resp.StatusCode, statusText})
}

// socketError is a request that got no answer: States.Http.Socket, unless the task was
// stopped or timed out (the engine's to name).
func socketError(ctx context.Context, method, endpoint string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &runtime.Error{Name: "States.Http.Socket", Cause: fmt.Sprintf("The HTTP Task's %s %s got no answer: %v", method, endpoint, err)}
}

// oauthToken is an access token and when it stops being used (zero: when the API refuses it).
type oauthToken struct {
	value   string
	expires time.Time
}

// tokenMargin is how long before its expiry a token is replaced, so that it does not expire
// on the way.
const tokenMargin = 10 * time.Second

// token is the connection's access token, asked for with the client credentials grant
// (RFC 6749 §4.4) when there is none or it has expired: the client ID and secret as HTTP
// Basic credentials, grant_type=client_credentials and the OAuthHttpParameters in the form
// body (in the query for GET). A failure is the connection's: Events.ConnectionResource.
// InvalidConnectionState, AWS's error for a connection that is not authorized.
func (h *HTTP) token(ctx context.Context, arn string, o *oauthParameters) (string, error) {
	now := time.Now
	if h.NowFunc != nil {
		now = h.NowFunc
	}
	h.mu.Lock()
	t, ok := h.tokens[arn]
	h.mu.Unlock()
	if ok && (t.expires.IsZero() || now().Before(t.expires)) {
		return t.value, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	query := url.Values{}
	headers := http.Header{}
	if p := o.OAuthHttpParameters; p != nil {
		for _, kv := range p.BodyParameters {
			form.Set(kv.Key, kv.Value)
		}
		for _, kv := range p.QueryStringParameters {
			query.Set(kv.Key, kv.Value)
		}
		for _, kv := range p.HeaderParameters {
			headers.Set(kv.Key, kv.Value)
		}
	}
	var body io.Reader
	if o.HttpMethod == http.MethodGet {
		maps.Copy(query, form)
	} else {
		body = strings.NewReader(form.Encode())
		headers.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	target := o.AuthorizationEndpoint
	if len(query) > 0 {
		target = withQuery(target, query.Encode())
	}
	fail := func(format string, args ...any) (string, error) {
		return "", connectionError("InvalidConnectionState", fmt.Sprintf("The connection %s could not get an OAuth token from %s: ", arn, o.AuthorizationEndpoint)+fmt.Sprintf(format, args...))
	}
	req, err := http.NewRequestWithContext(ctx, o.HttpMethod, target, body)
	if err != nil {
		return fail("%v", err)
	}
	req.Header = headers
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(o.ClientParameters.ClientID, o.ClientParameters.ClientSecret)
	resp, err := h.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return fail("%v", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fail("%v", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail("it answered %s %s", resp.Status, answer)
	}
	var grant struct {
		AccessToken string      `json:"access_token"`
		ExpiresIn   json.Number `json:"expires_in"`
	}
	if err := json.Unmarshal(answer, &grant); err != nil || grant.AccessToken == "" {
		return fail("its answer has no access_token: %s", answer)
	}
	t = oauthToken{value: grant.AccessToken}
	if seconds, err := grant.ExpiresIn.Float64(); err == nil && grant.ExpiresIn != "" {
		t.expires = now().Add(time.Duration(seconds*float64(time.Second)) - tokenMargin)
	}
	h.mu.Lock()
	if h.tokens == nil {
		h.tokens = map[string]oauthToken{}
	}
	h.tokens[arn] = t
	h.mu.Unlock()
	return t.value, nil
}

// forgetToken drops a token the API refused.
func (h *HTTP) forgetToken(arn string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.tokens, arn)
}

// connectionError is one of AWS's Events.ConnectionResource.* failures.
func connectionError(kind, cause string) error {
	return &runtime.Error{Name: "Events.ConnectionResource." + kind, Cause: cause}
}

// invalidParameters is a States.Runtime failure for Parameters AWS would refuse.
func invalidParameters(format string, args ...any) error {
	return &runtime.Error{Name: runtime.ErrNameRuntime, Cause: fmt.Sprintf(format, args...)}
}

// object decodes a JSON object into its fields; what names it for the error.
func object(raw json.RawMessage, what string) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, invalidParameters("%s must be a JSON object, not %s.", what, raw)
	}
	return fields, nil
}

// stringField is a field of fields that must be a string; at is the path to fields.
func stringField(fields map[string]json.RawMessage, at, name string, mandatory bool) (string, error) {
	raw, ok := fields[name]
	if !ok || isNullJSON(raw) {
		if mandatory {
			return "", invalidParameters("The HTTP Task's %s%s is missing.", at, name)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", invalidParameters("The HTTP Task's %s%s must be a string, not %s.", at, name, raw)
	}
	return s, nil
}

// enumField is a string field that must be one of values; absent, it is "" unless mandatory.
func enumField(fields map[string]json.RawMessage, at, name string, mandatory bool, values ...string) (string, error) {
	s, err := stringField(fields, at, name, mandatory)
	if err != nil || s == "" && !mandatory || slices.Contains(values, s) {
		return s, err
	}
	return "", invalidParameters("The HTTP Task's %s%s must be one of %s, not %q.", at, name, strings.Join(values, ", "), s)
}

// isNullJSON reports whether a field is missing or null.
func isNullJSON(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// decodeValue decodes valid JSON keeping numbers as written.
func decodeValue(raw json.RawMessage) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil
	}
	return v
}

func stringsToAny(values []string) any {
	if len(values) == 1 {
		return values[0]
	}
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// scalarText is a string, number, boolean or null as text in a URL or header.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "", true
	}
	return "", false
}

// formEncode is obj as application/x-www-form-urlencoded, as AWS encodes a URL_ENCODED body:
// a nested object's fields as key[field], arrays as format says (INDICES key[0]=a&key[1]=b,
// REPEAT key=a&key=b, COMMAS key=a,b, BRACKETS key[]=a&key[]=b), spaces as %20. Keys are in
// sorted order, so that the same Parameters make the same request. Query parameters are
// encoded the same way, with arrays as REPEAT.
func formEncode(obj map[string]any, format string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		pairs = appendForm(pairs, k, obj[k], format)
	}
	return strings.Join(pairs, "&")
}

func appendForm(pairs []string, name string, v any, format string) []string {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			pairs = appendForm(pairs, name+"["+k+"]", v[k], format)
		}
		return pairs
	case []any:
		if format == arrayCommas {
			texts := make([]string, len(v))
			for i, e := range v {
				text, ok := scalarText(e)
				if !ok {
					texts = nil // arrays of objects or arrays go by index
					break
				}
				texts[i] = formEscape(text)
			}
			if texts != nil {
				return append(pairs, formEscape(name)+"="+strings.Join(texts, ","))
			}
		}
		for i, e := range v {
			item := name + "[" + strconv.Itoa(i) + "]"
			switch format {
			case arrayRepeat:
				item = name
			case arrayBrackets:
				item = name + "[]"
			}
			pairs = appendForm(pairs, item, e, format)
		}
		return pairs
	}
	text, _ := scalarText(v)
	return append(pairs, formEscape(name)+"="+formEscape(text))
}

// withQuery is target with an encoded query after its own.
func withQuery(target, query string) string {
	if strings.Contains(target, "?") {
		return target + "&" + query
	}
	return target + "?" + query
}

// formEscape percent-encodes s for a query or form, a space as %20 as AWS writes it.
func formEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
