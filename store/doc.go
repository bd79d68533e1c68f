// Package store keeps stepstudio's data in one SQLite file: state machines and their
// versions, executions, their history events and callback tasks. Its schema lives in numbered
// SQL files under migrations/, applied in order at Open. DB implements runtime.Recorder, so the
// runtime's history lands here as it happens.
package store
