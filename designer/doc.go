// Package designer holds what the visual designer of stepstudio needs from an Amazon States
// Language (ASL) definition: the graph derived from it, that graph as DOT, and its layout and
// rendering to SVG through graphviz (github.com/goccy/go-graphviz, a WebAssembly build of
// graphviz run by wazero).
//
// The flow is NewGraph (ASL JSON to Graph), DOT (Graph to DOT text) and Renderer.SVG (DOT to an
// inline <svg> element); RenderDefinition does all three. Each step is deterministic: the same
// document gives byte-identical DOT and SVG, because states are kept in document order and no
// step iterates over a Go map.
//
// The graph is derived with encoding/json alone, not with the runtime's parser, because the
// designer must draw definitions the runtime rejects (a Next naming a state that does not exist
// yet is the normal state of a document being edited). Validation is the runtime's job; the
// designer draws what is there and marks what is missing.
//
// Editing works on a Document, the definition's JSON text held as an ordered tree that keeps
// every byte of its source (key order, unknown fields, Comments, whitespace): Parse then Bytes
// gives the input back exactly. An edit is an Op (InsertState, MoveState, DeleteState,
// DuplicateState, RenameState, SetField, WrapStates, PasteStates, ReplaceDocument), a plain
// value with a JSON form (MarshalOp, UnmarshalOp) that the browser sends and a History keeps
// for undo and redo.
// Op.Apply returns a new Document in which only what the edit touched is written anew, in the
// document's own style (indentation, line ends, one line or many); everything else is the old
// text, spliced in verbatim. Every op keeps the definition valid ASL where it was, or refuses
// with an *OpError naming the state and field. The ops are ASL-aware (scopes, transitions,
// StartAt) but do not call the runtime; the server validates the result with
// runtime.Validate.
//
// In the SVG every state is a <g> element whose id is NodeID(name) and whose class list is
// "node state state-<type>", so the browser and the tests find states by id and style them by
// class. See DOT for the complete list of ids and classes.
package designer
