// Package runtime is the Amazon States Language (ASL) interpreter of stepstudio.
//
// It parses a definition once into typed states (Parse), reporting every problem as a
// Diagnostic shaped like ValidateStateMachineDefinition's (code, message, location such as
// /States/Fetch/Next), and executes parsed definitions (Engine). It knows nothing of HTTP, SQL
// or HTML: what it needs from outside it declares as interfaces (Clock, TaskInvoker,
// Recorder), so the server, the command line and the tests wire in what they need.
package runtime
