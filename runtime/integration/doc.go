// Package integration runs the work of Task states: the runtime's TaskInvoker, dispatching
// each Resource to the integration that serves it, one small file each (lambda.go for AWS
// Lambda, http.go for HTTP Tasks, nested.go for nested executions, sqs.go, sns.go,
// dynamodb.go, eventbridge.go for the AWS services aws.go calls). An
// integration speaks the real service's protocol to a configured endpoint (or, for the AWS
// services, to AWS itself); a Resource no integration serves fails with a cause that says
// how to route or mock it.
package integration
