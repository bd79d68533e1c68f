package web

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Activities: a Task whose Resource is an activity's ARN waits for a worker, which polls
// with GetActivityTask (long polls of up to a minute, as on AWS), gets the task's token and
// input, and answers with SendTaskSuccess or SendTaskFailure (api_tasks.go). Each task goes
// to exactly one worker: the store hands it over in the one statement that claims it.

// activityPollTime is how long GetActivityTask waits for a task, as AWS does.
const activityPollTime = 60 * time.Second

// activityRecheck is how often a waiting poll looks in the store again without being told:
// a task resumed after a restart is stored without a word to the pollers.
const activityRecheck = time.Second

// activityPolls wakes the polls waiting on an activity when a task of it is scheduled, and
// remembers the workers seen polling.
type activityPolls struct {
	mu      sync.Mutex
	waiting map[string]chan struct{}        // activity ARN -> closed at its next task
	workers map[string]map[string]time.Time // activity ARN -> worker name -> last poll
}

// wait returns a channel closed when a task of the activity is next scheduled.
func (p *activityPolls) wait(arn string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.waiting == nil {
		p.waiting = map[string]chan struct{}{}
	}
	ch, ok := p.waiting[arn]
	if !ok {
		ch = make(chan struct{})
		p.waiting[arn] = ch
	}
	return ch
}

func (p *activityPolls) notify(arn string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ch, ok := p.waiting[arn]; ok {
		close(ch)
		delete(p.waiting, arn)
	}
}

func (p *activityPolls) seen(arn, worker string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.workers == nil {
		p.workers = map[string]map[string]time.Time{}
	}
	if p.workers[arn] == nil {
		p.workers[arn] = map[string]time.Time{}
	}
	p.workers[arn][worker] = at
}

// Worker is a worker seen polling an activity, and when it last did.
type Worker struct {
	Name     string
	LastPoll time.Time
}

// workersOf returns the workers seen polling an activity since the studio started, the
// latest first.
func (p *activityPolls) workersOf(arn string) []Worker {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Worker
	for name, at := range p.workers[arn] {
		out = append(out, Worker{Name: name, LastPoll: at})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LastPoll.After(out[j].LastPoll) })
	return out
}

// ActivityScheduled wakes the polls waiting for a task of the activity (the lifecycle's
// ActivityScheduledFunc).
func (s *Server) ActivityScheduled(activityARN string) { s.polls.notify(activityARN) }

// activity finds the activity an activityArn names: ActivityDoesNotExist when none.
func (s *Server) activity(ctx context.Context, arn string) (resource.Activity, error) {
	if err := required("activityArn", arn); err != nil {
		return resource.Activity{}, err
	}
	if _, err := parseStepsARN("activityArn", arn, "activity"); err != nil {
		return resource.Activity{}, err
	}
	a, err := s.cfg.Store.FindActivity(ctx, arn)
	if errors.Is(err, resource.ErrNotFound) {
		return a, newAPIError("ActivityDoesNotExist", fmt.Sprintf("Activity Does Not Exist: '%s'", clip(arn, 200)))
	}
	return a, err
}

type createActivityRequest struct {
	Name                    string   `json:"name"`
	Tags                    []apiTag `json:"tags"`
	EncryptionConfiguration any      `json:"encryptionConfiguration"`
}

type activityResponse struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name,omitempty"`
	CreationDate epoch  `json:"creationDate"`
}

// apiCreateActivity is idempotent on the name, as on AWS: the activity of that name is the
// answer, and the tags of a repeated call are ignored.
func (s *Server) apiCreateActivity(ctx context.Context, req *createActivityRequest) (activityResponse, error) {
	if err := required("name", req.Name); err != nil {
		return activityResponse{}, err
	}
	if err := runtime.CheckName("activity", req.Name); err != nil {
		return activityResponse{}, newAPIError("InvalidName", fmt.Sprintf("Invalid Name: '%s' (%v)", clip(req.Name, 100), err))
	}
	if err := checkTags(req.Tags); err != nil {
		return activityResponse{}, err
	}
	arn := s.activityARN(req.Name)
	_, ferr := s.cfg.Store.FindActivity(ctx, arn)
	a, err := s.cfg.Store.CreateActivity(ctx, resource.Activity{Name: req.Name, ARN: arn})
	if err != nil {
		return activityResponse{}, err
	}
	if errors.Is(ferr, resource.ErrNotFound) && len(req.Tags) > 0 {
		if err := s.cfg.Store.TagResource(ctx, arn, tagsOf(req.Tags), maxTags); err != nil {
			return activityResponse{}, err
		}
	}
	return activityResponse{ActivityArn: a.ARN, CreationDate: epoch(a.CreatedAt)}, nil
}

type activityRef struct {
	ActivityArn string `json:"activityArn"`
	WorkerName  string `json:"workerName"`
}

func (s *Server) apiDescribeActivity(ctx context.Context, req *activityRef) (activityResponse, error) {
	a, err := s.activity(ctx, req.ActivityArn)
	if err != nil {
		return activityResponse{}, err
	}
	return activityResponse{ActivityArn: a.ARN, Name: a.Name, CreationDate: epoch(a.CreatedAt)}, nil
}

func (s *Server) apiDeleteActivity(ctx context.Context, req *activityRef) (struct{}, error) {
	if err := required("activityArn", req.ActivityArn); err != nil {
		return struct{}{}, err
	}
	if _, err := parseStepsARN("activityArn", req.ActivityArn, "activity"); err != nil {
		return struct{}{}, err
	}
	err := s.cfg.Store.DeleteActivity(ctx, req.ActivityArn)
	if errors.Is(err, resource.ErrNotFound) {
		return struct{}{}, nil // deleting what is not there is done, as on AWS
	}
	return struct{}{}, err
}

type listActivitiesResponse struct {
	Activities []activityResponse `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

func (s *Server) apiListActivities(ctx context.Context, req *listStateMachinesRequest) (listActivitiesResponse, error) {
	out := listActivitiesResponse{Activities: []activityResponse{}}
	all, err := s.cfg.Store.FindActivities(ctx)
	if err != nil {
		return out, err
	}
	page, next, err := pageOf(all, req.MaxResults, req.NextToken, "activities")
	if err != nil {
		return out, err
	}
	for _, a := range page {
		out.Activities = append(out.Activities, activityResponse{ActivityArn: a.ARN, Name: a.Name, CreationDate: epoch(a.CreatedAt)})
	}
	out.NextToken = next
	return out, nil
}

type getActivityTaskResponse struct {
	TaskToken string `json:"taskToken,omitempty"`
	Input     string `json:"input,omitempty"`
}

// apiGetActivityTask long-polls for a task of the activity: the first task that waits goes
// to this worker alone; with none for a minute the answer is empty, as on AWS.
func (s *Server) apiGetActivityTask(ctx context.Context, req *activityRef) (getActivityTaskResponse, error) {
	a, err := s.activity(ctx, req.ActivityArn)
	if err != nil {
		return getActivityTaskResponse{}, err
	}
	if len(req.WorkerName) > 80 {
		return getActivityTaskResponse{}, invalidValue("workerName", clip(req.WorkerName, 40), "Member must have length less than or equal to 80")
	}
	s.polls.seen(a.ARN, req.WorkerName, time.Now())
	deadline := time.NewTimer(s.activityPollTime())
	defer deadline.Stop()
	for {
		// Asked for before the store is, so a task scheduled between the two is not missed.
		scheduled := s.polls.wait(a.ARN)
		t, err := s.cfg.Store.TakeActivityTask(ctx, a.ARN, req.WorkerName, time.Now())
		if err == nil {
			if err := s.cfg.Lifecycle.StartActivityTask(ctx, t, req.WorkerName); err != nil {
				// Its execution is not running here: the worker's answer will say so.
				s.log.Warn("activity task taken, but its execution did not hear of it", "task", t.ID, "err", err)
			}
			return getActivityTaskResponse{TaskToken: t.Token, Input: string(t.Parameters)}, nil
		}
		if !errors.Is(err, resource.ErrNotFound) {
			return getActivityTaskResponse{}, err
		}
		recheck := time.NewTimer(activityRecheck)
		select {
		case <-scheduled:
		case <-recheck.C:
		case <-deadline.C:
			recheck.Stop()
			return getActivityTaskResponse{}, nil
		case <-ctx.Done():
			recheck.Stop()
			return getActivityTaskResponse{}, ctx.Err()
		}
		recheck.Stop()
		s.polls.seen(a.ARN, req.WorkerName, time.Now())
	}
}

func (s *Server) activityPollTime() time.Duration {
	if s.cfg.ActivityPollTime > 0 {
		return s.cfg.ActivityPollTime
	}
	return activityPollTime
}
