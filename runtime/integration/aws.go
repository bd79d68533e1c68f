package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/stepstudio/stepstudio/runtime"
)

// AWS runs the optimized integrations of AWS services through aws-sdk-go-v2 (which signs,
// retries and resolves endpoints as AWS's own clients do): sqs:sendMessage, sns:publish,
// dynamodb:getItem, putItem, updateItem and deleteItem, and events:putEvents (sqs.go, sns.go,
// dynamodb.go, eventbridge.go). A service with an endpoint (LocalStack, an emulator) is called
// there with anonymous credentials that sign, as Step Functions Local calls its endpoints; a
// service without one is AWS itself, with the default credential chain, read at the first
// task that needs it so that a studio without AWS configuration still starts.
type AWS struct {
	// Endpoint is every service's endpoint; Endpoints overrides it per service, keyed by
	// AWSService.ID ("sqs", "sns", "dynamodb", "events").
	Endpoint  string
	Endpoints map[string]string
	// Region signs the requests and places the calls to AWS.
	Region string
	// Credentials sign the requests to endpoints; nil signs with anonymous ones.
	Credentials aws.CredentialsProvider
	HTTPClient  *http.Client
	// LoadConfigFunc reads AWS's configuration for the services without an endpoint; nil
	// is config.LoadDefaultConfig (the environment, ~/.aws, SSO, the instance's role).
	LoadConfigFunc func(ctx context.Context) (aws.Config, error)

	// defaults is AWS's configuration once read; clients are made once per service.
	mu       sync.Mutex
	defaults *aws.Config
	clients  map[string]any
}

// AWSService is a service the AWS integrations call, with how a studio routes it.
type AWSService struct {
	// ID is the service in the resources (arn:aws:states:::ID:action) and in AWS.Endpoints.
	ID string
	// Name starts its error names (SQS.SdkClientException); Flag and Env give its endpoint.
	Name, Flag, Env string
	// sdkName is the client's name in AWS's causes ("Service: AmazonSQS"), unmodeled the
	// name of an error the service's model does not declare, as AWS's Java client names it.
	sdkName, unmodeled string
	newClient          func(aws.Config) any
	// sdkMetadata adds SdkHttpMetadata and SdkResponseMetadata to the result, as AWS does
	// for this service.
	sdkMetadata bool
}

// AWSServices are the services of the AWS integrations, in the order of their flags.
func AWSServices() []AWSService {
	return []AWSService{sqsService, snsService, dynamoDBService, eventBridgeService}
}

// awsAction is an optimized integration: its service and the call that runs it.
type awsAction struct {
	service  *AWSService
	callback bool // it has a .waitForTaskToken form
	run      func(ctx context.Context, a *AWS, req runtime.TaskRequest) (json.RawMessage, error)
}

// awsActions are the integrations by their resource without the .waitForTaskToken suffix.
var awsActions = map[string]awsAction{
	"arn:aws:states:::sqs:sendMessage":     {&sqsService, true, sendMessage},
	"arn:aws:states:::sns:publish":         {&snsService, true, publish},
	"arn:aws:states:::dynamodb:getItem":    {&dynamoDBService, false, getItem},
	"arn:aws:states:::dynamodb:putItem":    {&dynamoDBService, false, putItem},
	"arn:aws:states:::dynamodb:updateItem": {&dynamoDBService, false, updateItem},
	"arn:aws:states:::dynamodb:deleteItem": {&dynamoDBService, false, deleteItem},
	"arn:aws:states:::events:putEvents":    {&eventBridgeService, true, putEvents},
}

// Serves reports whether resource is an integration a calls. A .waitForTaskToken one is
// called only when its service has an endpoint: without one its token waits for the inbox,
// as any callback does, rather than reaching AWS with a message a sample put there.
func (a *AWS) Serves(resource string) bool {
	base, callback := strings.CutSuffix(resource, ".waitForTaskToken")
	act, ok := awsActions[base]
	if !ok || callback && !act.callback {
		return false
	}
	return !callback || a.endpoint(act.service) != ""
}

// Invoke calls the integration of req.Resource with the task's Parameters; for a
// .waitForTaskToken resource the runtime then waits for the callback.
func (a *AWS) Invoke(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	act, ok := awsActions[strings.TrimSuffix(req.Resource, ".waitForTaskToken")]
	if !ok {
		return nil, fmt.Errorf("integration: %s is not an AWS integration", req.Resource)
	}
	return act.run(ctx, a, req)
}

func (a *AWS) endpoint(s *AWSService) string {
	if e := a.Endpoints[s.ID]; e != "" {
		return e
	}
	return a.Endpoint
}

// client is the service's client, made at its first call.
func (a *AWS) client(ctx context.Context, s *AWSService) (any, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[s.ID]; ok {
		return c, nil
	}
	cfg, err := a.config(ctx, s)
	if err != nil {
		return nil, err
	}
	if a.clients == nil {
		a.clients = map[string]any{}
	}
	c := s.newClient(cfg)
	a.clients[s.ID] = c
	return c, nil
}

// config is the configuration of the service's client: its endpoint's, or AWS's.
func (a *AWS) config(ctx context.Context, s *AWSService) (aws.Config, error) {
	region := a.Region
	if region == "" {
		region = "us-east-1"
	}
	if endpoint := a.endpoint(s); endpoint != "" {
		creds := a.Credentials
		if creds == nil {
			creds = credentials.NewStaticCredentialsProvider("stepstudio", "stepstudio", "")
		}
		// One attempt, as for Lambda: a local endpoint that refuses will refuse again, and
		// the state's Retry is the user's to write.
		cfg := aws.Config{Region: region, BaseEndpoint: aws.String(endpoint), Credentials: creds, RetryMaxAttempts: 1}
		if a.HTTPClient != nil {
			cfg.HTTPClient = a.HTTPClient
		}
		return cfg, nil
	}
	if a.defaults == nil {
		load := a.LoadConfigFunc
		if load == nil {
			load = func(ctx context.Context) (aws.Config, error) { return config.LoadDefaultConfig(ctx) }
		}
		cfg, err := load(ctx)
		if err == nil && cfg.Credentials == nil {
			err = errors.New("no credential provider")
		}
		if err == nil {
			// Asked now, so that a studio without credentials says how to route the task
			// rather than failing to sign it.
			_, err = cfg.Credentials.Retrieve(ctx)
		}
		if err != nil {
			return aws.Config{}, &runtime.Error{Name: s.Name + ".SdkClientException", Cause: fmt.Sprintf(
				"stepstudio has no %s endpoint to call, and no AWS credentials to call AWS's: start the studio with --%s URL (or %s), "+
					"or with --aws-endpoint URL (or AWS_ENDPOINT_URL) for every service, such as LocalStack's http://127.0.0.1:4566; "+
					"or give it AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...) to call AWS itself; "+
					"or mock it with a test case of a Step Functions Local mock file (--mock-config FILE). (%v)",
				s.Name, s.Flag, s.Env, err)}
		}
		a.defaults = &cfg
	}
	cfg := a.defaults.Copy()
	cfg.Region = region
	return cfg, nil
}

// apiAction is the integration that calls op, an API of the service's client, with the
// task's Parameters as its input and answers its output.
func apiAction[C, In, Out, O any](s *AWSService, op func(C, context.Context, *In, ...func(*O)) (*Out, error)) func(context.Context, *AWS, runtime.TaskRequest) (json.RawMessage, error) {
	return func(ctx context.Context, a *AWS, req runtime.TaskRequest) (json.RawMessage, error) {
		in := new(In)
		if err := parameters(req.Input, in); err != nil {
			return nil, err
		}
		out, err := call(ctx, a, s, in, op)
		if err != nil {
			return nil, err
		}
		return s.result(out)
	}
}

// call runs op with in on the service's client.
func call[C, In, Out, O any](ctx context.Context, a *AWS, s *AWSService, in *In, op func(C, context.Context, *In, ...func(*O)) (*Out, error)) (*Out, error) {
	c, err := a.client(ctx, s)
	if err != nil {
		return nil, err
	}
	out, err := op(c.(C), ctx, in)
	if err != nil {
		return nil, s.apiError(ctx, err)
	}
	return out, nil
}

// parameters decodes a task's Parameters into in, an SDK input (see decode).
func parameters(params json.RawMessage, in any) error {
	if err := decode(params, reflect.ValueOf(in).Elem()); err != nil {
		return &runtime.Error{Name: runtime.ErrNameRuntime, Cause: fmt.Sprintf(
			"The Parameters '%s' could not be used to start the Task: [%v]", params, err)}
	}
	return nil
}

// result is out, an SDK output, as the task's result: the API's response in its JSON form,
// with the SDK's metadata where AWS adds it.
func (s *AWSService) result(out any) (json.RawMessage, error) {
	m, _ := encode(reflect.ValueOf(out)).(map[string]any)
	if s.sdkMetadata {
		md, _ := reflect.Indirect(reflect.ValueOf(out)).FieldByName("ResultMetadata").Interface().(middleware.Metadata)
		headers, all := map[string]string{}, map[string][]string{}
		status := 0
		if raw, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
			status = raw.StatusCode
			for name, values := range raw.Header {
				headers[name], all[name] = strings.Join(values, ","), values
			}
		}
		requestID, _ := awsmiddleware.GetRequestIDMetadata(md)
		m["SdkHttpMetadata"] = map[string]any{"AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": status}
		m["SdkResponseMetadata"] = map[string]any{"RequestId": requestID}
	}
	return json.Marshal(m)
}

// apiError names a failed call as Step Functions does: <Service>.<Exception> for an error
// the service's model declares (the Go type's name, with "Exception" added where AWS's Java
// client adds it: SNS.NotFoundException, SQS.QueueDoesNotExistException), its unmodeled name
// for any other answer (DynamoDB.AmazonDynamoDBException for a ValidationException), and
// <Service>.SdkClientException when the service could not be reached. The cause is AWS's:
// the message, then the service, status, code and request id.
func (s *AWSService) apiError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return &runtime.Error{Name: s.Name + ".SdkClientException", Cause: fmt.Sprintf("Unable to execute HTTP request: %v", err)}
	}
	name := s.unmodeled
	if _, generic := ae.(*smithy.GenericAPIError); !generic {
		name = reflect.Indirect(reflect.ValueOf(ae)).Type().Name()
		if !strings.HasSuffix(name, "Exception") {
			name += "Exception"
		}
	}
	status, requestID := 0, ""
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status, requestID = re.HTTPStatusCode(), re.ServiceRequestID()
	}
	return &runtime.Error{Name: s.Name + "." + name, Cause: fmt.Sprintf(
		"%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		ae.ErrorMessage(), s.sdkName, status, ae.ErrorCode(), requestID)}
}
