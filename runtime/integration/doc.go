// Package integration runs the work of Task states: the runtime's TaskInvoker, dispatching
// each Resource to the integration that serves it, one small file each (lambda.go for AWS
// Lambda, ...). An integration speaks the real service's protocol to a configured endpoint;
// a Resource no integration serves fails with a cause that says how to route or mock it.
package integration
