package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/stepstudio/stepstudio/runtime"
)

// lambdaService names Lambda's errors as the other AWS services' (see AWSService.apiError):
// Lambda.ResourceNotFoundException, Lambda.AWSLambdaException, Lambda.SdkClientException.
var lambdaService = AWSService{ID: "lambda", Name: "Lambda", sdkName: "AWSLambda", unmodeled: "AWSLambdaException"}

// Lambda invokes functions through the Lambda Invoke API
// (POST /2015-03-31/functions/NAME/invocations) of an endpoint: sam local start-lambda, the
// runtime interface emulator, LocalStack or AWS itself. aws-sdk-go-v2's client speaks the
// protocol (and signs for AWS), so what the studio sends is what AWS would.
type Lambda struct {
	// Endpoint is the default endpoint's URL; Functions overrides it per function name.
	Endpoint  string
	Functions map[string]string
	// Region and Credentials sign the requests; without credentials, anonymous ones do
	// for local endpoints (which do not check them).
	Region      string
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client

	// clients are made once per endpoint, not once per call.
	mu      sync.Mutex
	clients map[string]*lambda.Client
}

// InvokeFunction invokes a function by its own ARN (a Task whose Resource is the ARN): the
// state's input is the event, the function's result the task's.
func (l *Lambda) InvokeFunction(ctx context.Context, arn string, input json.RawMessage) (json.RawMessage, error) {
	out, err := l.invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(arn), Payload: input})
	if err != nil {
		return nil, err
	}
	if err := functionError(out); err != nil {
		return nil, err
	}
	return payload(out.Payload), nil
}

// invokeParameters are lambda:invoke's Parameters.
type invokeParameters struct {
	FunctionName   string          `json:"FunctionName"`
	Payload        json.RawMessage `json:"Payload"`
	Qualifier      string          `json:"Qualifier"`
	InvocationType string          `json:"InvocationType"`
	ClientContext  string          `json:"ClientContext"`
	LogType        string          `json:"LogType"`
}

// Invoke is the optimized integration arn:aws:states:::lambda:invoke: its Parameters name the
// function and carry the Payload; the result is AWS's shape, the function's result under
// Payload.
func (l *Lambda) Invoke(ctx context.Context, params json.RawMessage) (json.RawMessage, error) {
	var p invokeParameters
	if err := json.Unmarshal(params, &p); err != nil || p.FunctionName == "" {
		return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: "The lambda:invoke Parameters must have a FunctionName (and a Payload): " + string(params)}
	}
	in := &lambda.InvokeInput{FunctionName: aws.String(p.FunctionName), Payload: p.Payload}
	if len(p.Payload) == 0 {
		in.Payload = []byte("{}")
	}
	if p.Qualifier != "" {
		in.Qualifier = aws.String(p.Qualifier)
	}
	if p.InvocationType != "" {
		in.InvocationType = types.InvocationType(p.InvocationType)
	}
	if p.ClientContext != "" {
		in.ClientContext = aws.String(p.ClientContext)
	}
	if p.LogType != "" {
		in.LogType = types.LogType(p.LogType)
	}
	out, err := l.invoke(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := functionError(out); err != nil {
		return nil, err
	}
	result := map[string]any{
		"ExecutedVersion": aws.ToString(out.ExecutedVersion),
		"Payload":         json.RawMessage(payload(out.Payload)),
		"SdkHttpMetadata": map[string]any{"HttpStatusCode": out.StatusCode},
		"StatusCode":      out.StatusCode,
	}
	if out.ExecutedVersion == nil {
		result["ExecutedVersion"] = "$LATEST"
	}
	b, err := json.Marshal(result)
	return b, err
}

// invoke sends the request to the function's endpoint.
func (l *Lambda) invoke(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
	// Local endpoints (sam local, the emulator) know functions by name: an ARN is cut to its
	// name and qualifier, which AWS takes as well.
	name, qualifier := functionName(aws.ToString(in.FunctionName))
	in.FunctionName = aws.String(name)
	if qualifier != "" && in.Qualifier == nil {
		in.Qualifier = aws.String(qualifier)
	}
	endpoint := l.Endpoint
	if e, ok := l.Functions[name]; ok {
		endpoint = e
	}
	if endpoint == "" {
		return nil, noEndpoint(aws.ToString(in.FunctionName))
	}
	out, err := l.client(endpoint).Invoke(ctx, in)
	if err != nil {
		return nil, lambdaService.apiError(ctx, err)
	}
	return out, nil
}

// client is the Lambda client of an endpoint.
func (l *Lambda) client(endpoint string) *lambda.Client {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.clients[endpoint]; ok {
		return c
	}
	creds := l.Credentials
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("stepstudio", "stepstudio", "")
	}
	region := l.Region
	if region == "" {
		region = "us-east-1"
	}
	opts := lambda.Options{Region: region, BaseEndpoint: aws.String(endpoint), Credentials: creds, RetryMaxAttempts: 1}
	if l.HTTPClient != nil { // a nil *http.Client in the interface would be used, and panic
		opts.HTTPClient = l.HTTPClient
	}
	if l.clients == nil {
		l.clients = map[string]*lambda.Client{}
	}
	c := lambda.New(opts)
	l.clients[endpoint] = c
	return c
}

// functionError is the failure of a function that raised an error (X-Amz-Function-Error):
// named after its errorType, so that a Catch on "ValueError" catches it as on AWS, with its
// error JSON as the cause; Lambda.Unknown when it names none.
func functionError(out *lambda.InvokeOutput) error {
	if out.FunctionError == nil {
		return nil
	}
	var body struct {
		ErrorType string `json:"errorType"`
	}
	json.Unmarshal(out.Payload, &body)
	name := body.ErrorType
	if name == "" {
		name = "Lambda.Unknown"
	}
	return &runtime.Error{Name: name, Cause: string(out.Payload)}
}

// functionName is the name and qualifier in a function's ARN (arn:aws:lambda:R:A:function:
// NAME[:Q]) or name (NAME[:Q]).
func functionName(s string) (name, qualifier string) {
	if f := strings.Split(s, ":"); len(f) >= 7 && f[0] == "arn" && f[5] == "function" {
		if len(f) == 8 {
			qualifier = f[7]
		}
		return f[6], qualifier
	}
	name, qualifier, _ = strings.Cut(s, ":")
	return name, qualifier
}

// payload is a function's result as JSON: null when it returned nothing.
func payload(b []byte) []byte {
	if len(strings.TrimSpace(string(b))) == 0 {
		return []byte("null")
	}
	return b
}
