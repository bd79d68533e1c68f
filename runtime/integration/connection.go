package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
)

// Connections are the credentials of EventBridge connections, by connection ARN, that HTTP
// Tasks name in their ConnectionArn. On AWS they live in EventBridge (and Secrets Manager);
// locally they are read from a file (LoadConnections).
type Connections struct {
	file  string
	byARN map[string]*connection
}

// connection is one entry of the file: what "aws events create-connection" takes, but its
// Name (the ARN is the entry's key). Exactly one of the three auth parameters is given;
// InvocationHttpParameters adds headers, query parameters and body fields to every request.
type connection struct {
	AuthorizationType string `json:"AuthorizationType"`
	AuthParameters    struct {
		ApiKeyAuthParameters *struct {
			ApiKeyName  string `json:"ApiKeyName"`
			ApiKeyValue string `json:"ApiKeyValue"`
		} `json:"ApiKeyAuthParameters"`
		BasicAuthParameters *struct {
			Username string `json:"Username"`
			Password string `json:"Password"`
		} `json:"BasicAuthParameters"`
		OAuthParameters          *oauthParameters `json:"OAuthParameters"`
		InvocationHttpParameters *httpParameters  `json:"InvocationHttpParameters"`
	} `json:"AuthParameters"`
}

// oauthParameters are an OAUTH_CLIENT_CREDENTIALS connection's: where and how to ask for a
// token, with which client.
type oauthParameters struct {
	AuthorizationEndpoint string `json:"AuthorizationEndpoint"`
	HttpMethod            string `json:"HttpMethod"`
	ClientParameters      struct {
		ClientID     string `json:"ClientID"`
		ClientSecret string `json:"ClientSecret"`
	} `json:"ClientParameters"`
	OAuthHttpParameters *httpParameters `json:"OAuthHttpParameters"`
}

// httpParameters are EventBridge's ConnectionHttpParameters: key-value pairs for the headers,
// the query and the body of a request.
type httpParameters struct {
	BodyParameters        []keyValue `json:"BodyParameters"`
	HeaderParameters      []keyValue `json:"HeaderParameters"`
	QueryStringParameters []keyValue `json:"QueryStringParameters"`
}

// keyValue is one of them; IsValueSecret is accepted, as EventBridge takes it, and means
// nothing here.
type keyValue struct {
	Key           string `json:"Key"`
	Value         string `json:"Value"`
	IsValueSecret bool   `json:"IsValueSecret"`
}

// The AuthorizationType of each kind of connection.
const (
	authAPIKey = "API_KEY"
	authBasic  = "BASIC"
	authOAuth  = "OAUTH_CLIENT_CREDENTIALS"
)

// LoadConnections reads a connections file: a JSON object whose keys are connection ARNs
// (arn:aws:events:REGION:ACCOUNT:connection/NAME/ID) and whose values are shaped as the
// AuthorizationType and AuthParameters of "aws events create-connection":
//
//	{"arn:aws:events:us-east-1:123456789012:connection/orders/1": {
//	   "AuthorizationType": "API_KEY",
//	   "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret"}}}}
//
// with BasicAuthParameters {Username, Password} or OAuthParameters {AuthorizationEndpoint,
// HttpMethod, ClientParameters {ClientID, ClientSecret}, OAuthHttpParameters} instead, and
// optionally InvocationHttpParameters. AuthorizationType may be left out; when given, it must
// agree. The errors name the file and where in it the problem is.
func LoadConnections(path string) (*Connections, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("integration: connections file: %w", err)
	}
	entries := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("integration: connections file %s: %s", path, syntaxProblem(data, err))
	}
	c := &Connections{file: path, byARN: make(map[string]*connection, len(entries))}
	for arn, raw := range entries {
		conn, err := parseConnection(arn, raw)
		if err != nil {
			return nil, fmt.Errorf("integration: connections file %s: %q: %s", path, arn, err)
		}
		c.byARN[arn] = conn
	}
	return c, nil
}

// syntaxProblem says where in data a JSON error is, as line and column.
func syntaxProblem(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("line %s: %s", lineColumn(data, syntax.Offset), strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		return fmt.Sprintf("line %s: must be an object whose keys are connection ARNs, not %s", lineColumn(data, typ.Offset), typ.Value)
	}
	return err.Error()
}

// lineColumn is "L, column C" of the byte before offset in data: json's errors give the
// offset just after the byte at fault.
func lineColumn(data []byte, offset int64) string {
	before := data[:min(max(offset-1, 0), int64(len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d, column %d", line, column)
}

// parseConnection decodes and checks one entry; its errors name the field.
func parseConnection(arn string, raw json.RawMessage) (*connection, error) {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":connection/") {
		return nil, errors.New("is not a connection ARN such as arn:aws:events:us-east-1:123456789012:connection/NAME/ID")
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	var c connection
	if err := d.Decode(&c); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			if typ.Field == "" {
				return nil, fmt.Errorf("must be an object with AuthParameters, not %s", typ.Value)
			}
			return nil, fmt.Errorf("%s must be %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value)
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	p := c.AuthParameters
	var kinds []string
	if k := p.ApiKeyAuthParameters; k != nil {
		kinds = append(kinds, authAPIKey)
		if err := required("AuthParameters.ApiKeyAuthParameters", "ApiKeyName", k.ApiKeyName, "ApiKeyValue", k.ApiKeyValue); err != nil {
			return nil, err
		}
	}
	if b := p.BasicAuthParameters; b != nil {
		kinds = append(kinds, authBasic)
		if err := required("AuthParameters.BasicAuthParameters", "Username", b.Username, "Password", b.Password); err != nil {
			return nil, err
		}
	}
	if o := p.OAuthParameters; o != nil {
		kinds = append(kinds, authOAuth)
		if err := checkOAuth(o); err != nil {
			return nil, err
		}
	}
	if len(kinds) != 1 {
		return nil, errors.New("AuthParameters must have one of ApiKeyAuthParameters, BasicAuthParameters and OAuthParameters")
	}
	if c.AuthorizationType == "" {
		c.AuthorizationType = kinds[0]
	} else if c.AuthorizationType != kinds[0] {
		return nil, fmt.Errorf("AuthorizationType is %q, but the AuthParameters are those of %s", c.AuthorizationType, kinds[0])
	}
	return &c, nil
}

// checkOAuth checks an OAuth connection's parameters; the method is POST when not given.
func checkOAuth(o *oauthParameters) error {
	const at = "AuthParameters.OAuthParameters"
	if err := required(at, "AuthorizationEndpoint", o.AuthorizationEndpoint,
		"ClientParameters.ClientID", o.ClientParameters.ClientID, "ClientParameters.ClientSecret", o.ClientParameters.ClientSecret); err != nil {
		return err
	}
	if u, err := url.Parse(o.AuthorizationEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s.AuthorizationEndpoint must be an http or https URL, not %q", at, o.AuthorizationEndpoint)
	}
	if o.HttpMethod == "" {
		o.HttpMethod = "POST"
	}
	if !slices.Contains([]string{"GET", "POST", "PUT"}, o.HttpMethod) {
		return fmt.Errorf("%s.HttpMethod must be GET, POST or PUT, not %q", at, o.HttpMethod)
	}
	return nil
}

// required names the first of the (name, value) pairs whose value is empty.
func required(at string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return fmt.Errorf("%s.%s is missing", at, pairs[i])
		}
	}
	return nil
}

// jsonKind is what a Go type is called in JSON: "a string", "an object".
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return "a number"
}

// noCredentials is the connection of a task when there is no connections file (or it names
// no ConnectionArn): its requests go out as written, since a local server seldom checks
// credentials, and a definition should not have to change to run here.
var noCredentials = &connection{}

// lookup finds a connection by ARN. With a file that lacks the ARN, the task fails as on AWS
// when a connection does not exist, with a cause naming the file: a file that lists some
// connections but not this one is most likely a slip to hear of, not a wish to go without.
func (c *Connections) lookup(arn string) (*connection, error) {
	if c == nil || arn == "" {
		return noCredentials, nil
	}
	if conn, ok := c.byARN[arn]; ok {
		return conn, nil
	}
	return nil, connectionError("ResourceNotFound", fmt.Sprintf(
		"The connection %s is not in the connections file %s (--http-connections): add it there, or start the studio without the file to send requests without credentials.",
		arn, c.file))
}
