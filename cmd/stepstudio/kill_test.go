package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// startProcess starts the program in a process of its own (this test binary, which TestMain
// turns into the program), so that a test can kill it with SIGKILL. stop kills it.
func startProcess(t *testing.T, db string) *studio {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--db", db, "--layout-in-process")
	cmd.Env = append(os.Environ(), "STEPSTUDIO_TEST_AS_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(line)
	if err != nil || m == nil {
		cmd.Process.Kill()
		t.Fatalf("the program did not start: %q %v", line, err)
	}
	var once sync.Once
	kill := func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
		})
	}
	t.Cleanup(kill)
	s := &studio{url: m[1], db: db, stop: kill, client: newStudioClient(t)}
	s.client.Transport.(*csrfTransport).studio = s
	return s
}

// The workflows the kill test runs, each with the output it must end with.
var killWorkflows = []struct{ name, definition, input, output string }{
	{"WaitChain", `{"StartAt":"Before","States":{"Before":{"Type":"Pass","Result":{"a":1},"Next":"Pause"},
		"Pause":{"Type":"Wait","Seconds":3,"Next":"After"},"After":{"Type":"Pass","Parameters":{"b.$":"$.a"},"End":true}}}`,
		`{}`, `{"b":1}`},
	{"MapOfWaits", `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":5,"End":true,
		"ItemProcessor":{"StartAt":"Pause","States":{"Pause":{"Type":"Wait","Seconds":1,"Next":"Done"},
		"Done":{"Type":"Pass","Parameters":{"i.$":"$"},"End":true}}}}}}`,
		"[" + strings.TrimSuffix(strings.Repeat("1,", 30), ",") + "]", "[" + strings.TrimSuffix(strings.Repeat(`{"i":1},`, 30), ",") + "]"},
	{"ParallelOfWaits", `{"StartAt":"All","States":{"All":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":2,"Next":"B2"},"B2":{"Type":"Pass","Result":"b","End":true}}},
		{"StartAt":"C","States":{"C":{"Type":"Wait","Seconds":3,"Next":"C2"},"C2":{"Type":"Pass","Result":"c","End":true}}}]}}}`,
		`{}`, `["a","b","c"]`},
	// A call in flight at a kill fails with States.TaskFailed; its Retry calls again.
	{"MapOfCallbacks", `{"StartAt":"Each","States":{"Each":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"Ask","States":{
		"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true,
		"Parameters":{"item.$":"$","token.$":"$$.Task.Token"},
		"Retry":[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":3,"IntervalSeconds":1}]}}}}}}`,
		`[1,2,3]`, `[{"by":"after"},{"by":"after"},{"by":"after"}]`},
}

// approvalDefinition waits for one decision, which is its output.
const approvalDefinition = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","End":true,
	"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},
	"Retry":[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":3,"IntervalSeconds":1}]}}}`

// TestKillNineLosesNothingAcknowledged kills the real program with SIGKILL at five random
// moments while workflows with Waits, Maps, Parallels and callback tasks run and approvals
// are fired at it, restarting it on the same SQLite file each time. Every execution must end
// with its right output, nothing finished may run again, and every approval the program
// acknowledged (303) must be the one its execution took.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the program five times")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	db := t.TempDir() + "/studio.db"
	s := startProcess(t, db)
	for _, w := range killWorkflows {
		s.createMachine(t, w.name, w.definition)
	}
	s.createMachine(t, "Approval", approvalDefinition)
	want := map[string]string{} // execution id -> its output
	for _, w := range killWorkflows {
		want[strings.TrimPrefix(s.startExecution(t, w.name, w.input), "/executions/")] = w.output
	}
	var approvalRuns []string
	acked := map[int64]bool{} // approval tasks the program answered 303 to
	var mu sync.Mutex
	for kill := range 5 {
		// Approvals stream at waiting tasks; the kill comes after a random number of them
		// were acknowledged, while the others are on their way.
		var round []string
		for range 20 {
			round = append(round, strings.TrimPrefix(s.startExecution(t, "Approval", `{}`), "/executions/"))
		}
		approvalRuns = append(approvalRuns, round...)
		killAfter := 1 + rng.IntN(15)
		ackedNow := 0
		var killOnce sync.Once
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				for {
					id, ok := s.someWaitingApproval(t, round, acked, &mu)
					if !ok {
						killOnce.Do(s.stop)
						return
					}
					resp, err := s.client.PostForm(s.url+"/inbox/"+strconv.FormatInt(id, 10)+"/approve",
						url.Values{"output": {fmt.Sprintf(`{"by":"before-kill-%d"}`, kill)}})
					if err != nil {
						return // killed
					}
					resp.Body.Close()
					if resp.StatusCode != 303 {
						continue
					}
					mu.Lock()
					acked[id] = true
					ackedNow++
					now := ackedNow
					mu.Unlock()
					if now == killAfter {
						killOnce.Do(s.stop)
					}
				}
			})
		}
		wg.Wait()
		s = startProcess(t, db)
	}

	// Decide what still waits, as the people would after the last restart: the Map's tasks
	// with the tokens they had before the kills, the approvals nobody got an answer for.
	reader := openReader(t, db)
	eventually(t, "every execution to end", func() bool {
		tasks, err := reader.FindCallbackTasks(context.Background(), resource.CallbackWaiting)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range tasks {
			if task.Decision != "" {
				continue // stored before a kill; the execution takes it
			}
			if acked[task.ID] {
				t.Errorf("task %d was approved (303) before a kill, and waits again: the approval was lost", task.ID)
				continue
			}
			s.post(t, "/inbox/"+strconv.FormatInt(task.ID, 10)+"/approve", url.Values{"output": {`{"by":"after"}`}})
		}
		running, err := reader.FindRunningExecutions(context.Background())
		return err == nil && len(running) == 0
	})

	for _, id := range approvalRuns {
		want[id] = "" // any approval's output; checked against what was acknowledged below
	}
	for idText, output := range want {
		id, _ := strconv.ParseInt(idText, 10, 64)
		e, err := reader.FindExecution(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		events, err := reader.FindEvents(context.Background(), id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != runtime.StatusSucceeded || output != "" && string(e.Output) != output {
			t.Errorf("execution %d (%s): %s %s %s, want SUCCEEDED %s\n%s", id, e.StateMachineName, e.Status, e.Error, e.Output, output, lastTypes(events, 12))
		}
		checkHistoryOnce(t, e, events)
	}
	tasks, err := reader.FindCallbackTasks(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if acked[task.ID] && !strings.Contains(string(task.Output), "before-kill") {
			t.Errorf("task %d was approved before a kill (303) and ended %s with %s", task.ID, task.Status, task.Output)
		}
	}
	t.Logf("%d approvals acknowledged before kills, all taken", len(acked))
}

// someWaitingApproval picks a waiting task of the approval executions nobody has approved.
func (s *studio) someWaitingApproval(t *testing.T, runs []string, acked map[int64]bool, mu *sync.Mutex) (int64, bool) {
	db, err := store.Open(context.Background(), s.db, store.Options{})
	if err != nil {
		return 0, false
	}
	defer db.Close()
	tasks, err := db.FindCallbackTasks(context.Background(), resource.CallbackWaiting)
	if err != nil {
		return 0, false
	}
	mu.Lock()
	defer mu.Unlock()
	for _, task := range tasks {
		if slices.Contains(runs, strconv.FormatInt(task.ExecutionID, 10)) && task.Decision == "" && !acked[task.ID] {
			return task.ID, true
		}
	}
	return 0, false
}

func openReader(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkHistoryOnce fails when an execution's history is not numbered 1..n, or shows a
// finished step twice: an iteration started twice, a state entered twice in one frame (the
// execution, or a Map iteration, found by following each event back to the one before it).
// The workflows here visit each state once per frame.
func checkHistoryOnce(t *testing.T, e resource.Execution, events []runtime.Event) {
	t.Helper()
	seen := map[string]bool{}
	frameOf := map[int64]string{} // event id -> the frame it is in
	for i, ev := range events {
		if ev.ID != int64(i+1) || ev.PreviousEventID >= ev.ID {
			t.Errorf("execution %d: event %d has id %d and previous %d", e.ID, i+1, ev.ID, ev.PreviousEventID)
			return
		}
		frame := frameOf[ev.PreviousEventID]
		key := ""
		switch {
		case ev.Type == runtime.MapIterationStarted:
			key = fmt.Sprintf("%s #%d", ev.State, *ev.Details.Index)
			frame = key
		case strings.HasSuffix(string(ev.Type), "StateEntered"):
			key = frame + " " + ev.State
		}
		frameOf[ev.ID] = frame
		if key == "" {
			continue
		}
		if seen[key] {
			t.Errorf("execution %d (%s): %q twice (%s at event %d)", e.ID, e.StateMachineName, key, ev.Type, ev.ID)
		}
		seen[key] = true
	}
}
