package designer

// History is the undo log of one editing session: every version of the document, with the op
// that made it. Documents share nothing mutable, so keeping them all is safe and undo is
// exact (no inverse ops to get wrong). A History is not safe for concurrent use: the server
// keeps one per session and serialises its requests.
type History struct {
	docs  []*Document // docs[0] is the oldest kept version; docs[i+1] = ops[i].Apply(docs[i])
	ops   []Op
	at    int // index in docs of the current version
	limit int
}

// NewHistory starts a history at d that keeps at most limit edits to undo (at least 1).
func NewHistory(d *Document, limit int) *History {
	return &History{docs: []*Document{d}, limit: max(limit, 1)}
}

// Document is the current version.
func (h *History) Document() *Document { return h.docs[h.at] }

// Apply applies op to the current version. On success the result becomes the current version
// and what could be redone is forgotten; an op that changes nothing adds no entry. On error
// nothing changes.
func (h *History) Apply(op Op) (*Document, error) {
	cur := h.docs[h.at]
	d, err := op.Apply(cur)
	if err != nil {
		return nil, err
	}
	if d.text == cur.text {
		return cur, nil
	}
	h.docs = append(h.docs[:h.at+1], d)
	h.ops = append(h.ops[:h.at], op)
	h.at++
	if over := len(h.ops) - h.limit; over > 0 {
		h.docs = h.docs[over:]
		h.ops = h.ops[over:]
		h.at -= over
	}
	return d, nil
}

// Undo goes back one version; ok is false when there is none.
func (h *History) Undo() (d *Document, ok bool) {
	if h.at == 0 {
		return h.docs[0], false
	}
	h.at--
	return h.docs[h.at], true
}

// Redo goes forward one version; ok is false when there is none.
func (h *History) Redo() (d *Document, ok bool) {
	if h.at == len(h.docs)-1 {
		return h.docs[h.at], false
	}
	h.at++
	return h.docs[h.at], true
}

// CanUndo reports whether Undo would move, to enable the undo button.
func (h *History) CanUndo() bool { return h.at > 0 }

// CanRedo reports whether Redo would move.
func (h *History) CanRedo() bool { return h.at < len(h.docs)-1 }

// Ops lists the ops from the oldest kept version to the current one, for example to store the
// session or label the undo button with the last edit.
func (h *History) Ops() []Op { return append([]Op(nil), h.ops[:h.at]...) }
