package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// Writer is the one writer of every execution's history. Executions hand it their events
// (Record) and go on; its goroutine commits what has come in since its last commit in one
// transaction (group commit: SQLite commits about 258,000 history rows a second a hundred at
// a time, 45,000 one at a time), so many executions, or one fast one, share commits instead
// of queueing for the write lock one event each. Flush waits for an execution's events to be
// committed: the runtime calls it before what must not be lost or done twice (runtime.Flusher).
// Once committed, events are handed to OnCommit (the hub), so nobody hears of an event the
// store does not have.
type Writer struct {
	db *DB
	// OnCommit, when set before the first Record, hears of every committed event, in order:
	// an execution's events of one commit at a time.
	OnCommit func(executionARN string, events ...runtime.Event)
	queue    chan writeItem
	done     chan struct{}

	waits commitWaits

	mu     sync.Mutex
	closed bool
	err    error // the first commit that failed: nothing more is accepted

	// Only the writer's goroutine uses these.
	ids  map[string]int64 // execution ids by ARN, read once
	docs lastDocs
	// taskless are the executions this writer created that have no callback task yet: their
	// task ends and their end have no task to decide or cancel, which saves the writer a
	// statement or two an execution. It is bounded; one left out is looked up as before.
	taskless map[string]bool
}

// writeItem is an event to store, or a job (a write of its own, in the batch's transaction
// behind a savepoint; a start's without one, see errStartHalfDone), or a flush; flushed, when set, is told once everything before it, the
// job included, is committed, or why not.
type writeItem struct {
	arn     string
	ev      storedEvent
	job     func(*sql.Tx) error
	flushed chan error
	// created, on a job that creates the execution arn, is where the job puts its id, which
	// the writer then knows without reading it back.
	created *int64
	// queued is when a flush or a job was handed to the writer: its wait is measured.
	queued time.Time
}

// maxBatch bounds a commit, so one transaction never holds the write lock for long; the queue
// holds as much, so an acknowledgement waits behind at most that many items: with 1,024
// executions at once through the pages, a queue of 8,000 made the 99th percentile wait for a
// commit 60-97 ms, one of 1,000 33-53 ms (a single execution going flat out, which would
// fill a deeper queue, loses about a tenth).
const maxBatch = 1000

// cutAfter is the batch size past which an acknowledgement waiting in the queue ends the
// batch: the events behind it go to the next commit instead of making it wait for them.
const cutAfter = 256

// NewWriter starts the writer of db's history; Close stops it. While it runs, db's other
// writes on the hot path (CreateExecution) go through it too, so they share its commits
// instead of contending with it for SQLite's one write lock.
func NewWriter(db *DB) *Writer {
	w := &Writer{db: db, queue: make(chan writeItem, maxBatch), done: make(chan struct{}), ids: map[string]int64{}}
	w.docs.reset()
	w.taskless = map[string]bool{}
	db.writer.Store(w)
	go w.run()
	return w
}

// Do runs job in the writer's next batch (in its transaction, behind a savepoint: a job that
// fails is undone alone) and returns once it is committed, with the job's error.
func (w *Writer) Do(ctx context.Context, job func(*sql.Tx) error) error {
	return w.do(ctx, writeItem{job: job})
}

// create is Do for a job that creates the execution arn and puts its id in *id.
func (w *Writer) create(ctx context.Context, arn string, id *int64, job func(*sql.Tx) error) error {
	return w.do(ctx, writeItem{arn: arn, job: job, created: id})
}

// do hands the writer an item to acknowledge (a job, or nothing: a flush) and waits for its
// commit.
func (w *Writer) do(ctx context.Context, it writeItem) error {
	if err := w.failed(); err != nil {
		return err
	}
	ch := make(chan error, 1)
	it.flushed, it.queued = ch, time.Now()
	select {
	case w.queue <- it:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Record hands an event to the writer. It returns at once unless the writer is far behind
// (then it waits for room, which paces the executions to what the disk takes), or has failed.
func (w *Writer) Record(ctx context.Context, executionARN string, ev runtime.Event) error {
	if err := w.failed(); err != nil {
		return err
	}
	se, err := encodeEvent(ev)
	if err != nil {
		return fmt.Errorf("store: record %s of %s: %w", ev.Type, executionARN, err)
	}
	select {
	case w.queue <- writeItem{arn: executionARN, ev: se}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush returns once every event recorded before it is committed (of every execution: the
// queue is one). It implements runtime.Flusher.
func (w *Writer) Flush(ctx context.Context, _ string) error {
	return w.do(ctx, writeItem{})
}

func (w *Writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errors.New("store: the history writer is closed")
	}
	return nil
}

// Close commits what is queued and stops the writer. Record and Flush fail afterwards.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.queue)
	<-w.done
	w.db.writer.CompareAndSwap(w, nil)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// run commits the queue in batches until it is closed.
func (w *Writer) run() {
	defer close(w.done)
	batch := make([]writeItem, 0, maxBatch)
	for first := range w.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case it, ok := <-w.queue:
				if !ok {
					break drain
				}
				batch = append(batch, it)
				if it.flushed != nil && len(batch) >= cutAfter {
					break drain // someone waits for this much: commit it now
				}
			default:
				break drain
			}
		}
		w.commit(batch)
	}
}

// commit stores a batch's events and runs its jobs in one transaction, then tells its
// flushes and jobs (a job its own error, unless the commit failed) and OnCommit.
func (w *Writer) commit(batch []writeItem) {
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	jobErrs := map[int]error{}
	if err == nil {
		err = w.db.inTx(context.Background(), func(tx *sql.Tx) error {
			for i, it := range batch {
				switch {
				case it.job != nil:
					if it.created != nil {
						// A start needs no savepoint (two statements of the writer's
						// time for every execution): see errStartHalfDone.
						jobErrs[i] = it.job(tx)
						if errors.As(jobErrs[i], new(errStartHalfDone)) {
							return jobErrs[i]
						}
					} else {
						jobErrs[i] = runJob(tx, it.job)
					}
					if jobErrs[i] == nil && it.created != nil {
						w.ids[it.arn] = *it.created
						if len(w.taskless) >= 100_000 {
							clear(w.taskless)
						}
						w.taskless[it.arn] = true
					}
				case it.flushed != nil:
				default:
					id, err := w.executionID(tx, it.arn)
					if err != nil {
						return fmt.Errorf("record %s of %s: %w", it.ev.ev.Type, it.arn, err)
					}
					w.docs.compact(it.arn, &it.ev)
					ev := it.ev.ev
					if (ev.Type == runtime.TaskSubmitted || ev.Type == runtime.ActivityScheduled) && ev.Details.TaskToken != "" {
						delete(w.taskless, it.arn)
					}
					it.ev.noTasks = w.taskless[it.arn]
					if ev.Type.EndsExecution() {
						delete(w.taskless, it.arn)
					}
					if err := insertStored(context.Background(), tx, id, it.ev); err != nil {
						return fmt.Errorf("record %s of %s: %w", it.ev.ev.Type, it.arn, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			err = fmt.Errorf("store: %w", err)
			// The ids read in the failed transaction may be of rows it never kept.
			w.ids = map[string]int64{}
			w.docs.reset()
			clear(w.taskless)
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
		}
	}
	w.waits.note(batch)
	for i, it := range batch {
		switch {
		case it.flushed == nil:
		case err == nil && it.job != nil:
			it.flushed <- jobErrs[i]
		default:
			it.flushed <- err
		}
	}
	if err == nil && w.OnCommit != nil {
		w.announce(batch)
	}
}

// errStartHalfDone is how a start's job (Writer.create) fails after its first write. Its first
// write is the only one that fails for the caller's sake (a name taken), and a statement that
// fails changes nothing, so a start is undone alone without a savepoint; a failure after it
// is the database's, and fails the batch whole, as a failed event does.
type errStartHalfDone struct{ err error }

func (e errStartHalfDone) Error() string { return e.err.Error() }
func (e errStartHalfDone) Unwrap() error { return e.err }

// runJob runs a job behind a savepoint, undone alone when it fails.
func runJob(tx *sql.Tx, job func(*sql.Tx) error) error {
	if _, err := tx.Exec(`SAVEPOINT job`); err != nil {
		return err
	}
	if err := job(tx); err != nil {
		if _, rerr := tx.Exec(`ROLLBACK TO job`); rerr != nil {
			return errors.Join(err, rerr)
		}
		tx.Exec(`RELEASE job`)
		return err
	}
	_, err := tx.Exec(`RELEASE job`)
	return err
}

// announce hands OnCommit each execution's events of a committed batch, in order.
func (w *Writer) announce(batch []writeItem) {
	byARN := map[string][]runtime.Event{}
	var order []string
	for _, it := range batch {
		if it.flushed != nil || it.job != nil {
			continue
		}
		if _, ok := byARN[it.arn]; !ok {
			order = append(order, it.arn)
		}
		byARN[it.arn] = append(byARN[it.arn], it.ev.ev)
	}
	for _, arn := range order {
		w.OnCommit(arn, byARN[arn]...)
	}
}

// executionID finds the id of the execution with the given ARN, once.
func (w *Writer) executionID(tx *sql.Tx, arn string) (int64, error) {
	if id, ok := w.ids[arn]; ok {
		return id, nil
	}
	var id int64
	err := tx.QueryRow(`SELECT id FROM executions WHERE arn = ?`, arn).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if len(w.ids) > 100_000 {
		w.ids = map[string]int64{} // bounded; re-read as needed
	}
	w.ids[arn] = id
	return id, nil
}

// commitWaits are how long the latest acknowledgements (flushes and jobs: what a start, a
// decision or a task call waits for) waited for their commit.
type commitWaits struct {
	mu    sync.Mutex
	waits []time.Duration // a ring of the latest maxWaits
	next  int
	count int
}

const maxWaits = 1 << 16

func (c *commitWaits) note(batch []writeItem) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, it := range batch {
		if it.flushed == nil {
			continue
		}
		if len(c.waits) < maxWaits {
			c.waits = append(c.waits, now.Sub(it.queued))
		} else {
			c.waits[c.next] = now.Sub(it.queued)
			c.next = (c.next + 1) % maxWaits
		}
		c.count++
	}
}

// CommitWaits are how long acknowledgements waited for the commit that stored what they
// acknowledge: how many there were, and the median and 99th percentile of the latest 65,536.
func (w *Writer) CommitWaits() (count int, p50, p99 time.Duration) {
	w.waits.mu.Lock()
	waits := slices.Clone(w.waits.waits)
	count = w.waits.count
	w.waits.mu.Unlock()
	if len(waits) == 0 {
		return count, 0, 0
	}
	slices.Sort(waits)
	at := func(q float64) time.Duration { return waits[min(len(waits)-1, int(q*float64(len(waits))))] }
	return count, at(0.5), at(0.99)
}
