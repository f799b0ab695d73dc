package vstorage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vstorage-sdk/vngcloud"
)

// DefaultUndoTimeout bounds the undo of a failed flow when the request
// gives no UndoTimeout.
const DefaultUndoTimeout = 30 * time.Second

// Kinds of [Change].
const (
	KindS3Key          = "S3 key"
	KindServiceAccount = "service account"
	KindPolicy         = "policy"
	KindAttachment     = "policy attachment"
	KindPrincipal      = "storage principal"
	KindLink           = "key link"
	KindBucket         = "bucket"
	KindGrant          = "bucket policy grant"
	KindConfig         = "config"
)

// A Change is one thing a flow (Setup, RotateKey, LockKey) created,
// changed or reused.
type Change struct {
	// Kind is one of the Kind constants: KindS3Key, KindServiceAccount, ...
	Kind string
	// ID identifies the thing where it has one (a key ID, a service
	// account or policy ID); Name is its name or access key, for people.
	ID, Name string
	// Detail says more, for example "managed by VNG CLOUD".
	Detail string
}

// String describes the change without any secret: `S3 key AK… (ID …)`.
func (c Change) String() string {
	s := c.Kind
	if c.Name != "" {
		s += " " + c.Name
	}
	if c.ID != "" && c.ID != c.Name {
		s += " (ID " + c.ID + ")"
	}
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// UndoOutcome is what became of one undo after a failed flow.
type UndoOutcome struct {
	// Change is what was undone.
	Change Change
	// Action is what the undo did or tried: "deleted", "detached", ...
	Action string
	// Err is nil when the undo worked; otherwise the thing is still there
	// and Err says why (the undo is not retried).
	Err error
}

// String describes the outcome: "deleted S3 key AK… (ID …): ok".
func (u UndoOutcome) String() string {
	if u.Err != nil {
		return fmt.Sprintf("%s %s: FAILED, still there: %v", u.Action, u.Change, u.Err)
	}
	return fmt.Sprintf("%s %s: ok", u.Action, u.Change)
}

// FlowError is the error of a flow that failed after its plan: the step
// that failed, and what became of what the flow had created by then.
// errors.Is and errors.As see the step's error through it (for example
// [vngcloud.ErrMaybeApplied] or a *vngcloud.APIError).
type FlowError struct {
	// Op is the flow: "vstorage.Setup", "vstorage.RotateKey" or
	// "vstorage.LockKey".
	Op string
	// Step is the step that failed, for example "S3 key".
	Step string
	// Err is the step's error.
	Err error
	// Undone lists each undo in the order it ran (the reverse of the
	// order of creation) and its outcome. It is empty when KeepPartial
	// was set.
	Undone []UndoOutcome
	// Unknown lists what may exist although this run cannot tell (a
	// create whose answer was lost): what to look for and where. Nothing
	// in it was undone: deciding on a guess could delete someone else's
	// resource.
	Unknown []string
	// Left lists what exists because of this run and was not undone:
	// kept (KeepPartial), an undo that failed, or what no API removes.
	Left []Change
}

// Error says which step failed, why, and what the run leaves behind.
func (e *FlowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: step %q failed: %v", e.Op, e.Step, e.Err)
	if len(e.Undone) > 0 {
		b.WriteString("\nundone, newest first:")
		for _, u := range e.Undone {
			b.WriteString("\n  - " + u.String())
		}
	}
	if len(e.Left) > 0 {
		b.WriteString("\nleft in place:")
		for _, c := range e.Left {
			b.WriteString("\n  - " + c.String())
		}
	}
	if len(e.Unknown) > 0 {
		b.WriteString("\nunknown (an answer was lost; look for these and remove what you do not want):")
		for _, u := range e.Unknown {
			b.WriteString("\n  - " + u)
		}
	}
	if len(e.Undone)+len(e.Left)+len(e.Unknown) == 0 {
		b.WriteString("\nnothing was created")
	}
	return b.String()
}

// Unwrap returns the step's error.
func (e *FlowError) Unwrap() error { return e.Err }

// undoEntry is how to undo one change.
type undoEntry struct {
	change Change
	action string
	do     func(context.Context) error
	// permanent marks a change no API removes; it is reported as left.
	permanent bool
}

// journal records, safe for concurrent steps, what a flow created and
// reused, how to undo it, and what may exist without the flow knowing.
type journal struct {
	op       string
	progress func(StepEvent)
	keep     bool // KeepPartial: nothing is undone

	mu      sync.Mutex
	created []Change
	reused  []Change
	undo    []undoEntry
	unknown []string
}

func (j *journal) event(ev StepEvent) {
	if j.progress == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.progress(ev)
}

// made records a change this run made, with its undo (do may be nil for
// a change no API removes).
func (j *journal) made(c Change, action string, do func(context.Context) error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.created = append(j.created, c)
	j.undo = append(j.undo, undoEntry{change: c, action: action, do: do, permanent: do == nil})
}

// saved drops every undo: what the run made is in use now (the new key is
// in the config file).
func (j *journal) saved() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.undo = nil
}

func (j *journal) reuse(c Change) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reused = append(j.reused, c)
}

func (j *journal) maybe(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.unknown = append(j.unknown, fmt.Sprintf(format, args...))
}

// step runs one step, reporting its start and end to the progress
// callback, and names the step in its error.
func (j *journal) step(name string, f func() (string, error)) error {
	j.event(StepEvent{Step: name})
	outcome, err := f()
	j.event(StepEvent{Step: name, Done: true, Outcome: outcome, Err: err})
	if err != nil {
		return &stepError{step: name, err: err}
	}
	return nil
}

// stepError names the step an error comes from, until fail turns it into
// a FlowError.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// parallel runs the steps at once and waits for all of them, so that
// every change they make is in the journal before an undo. It returns
// their errors joined, the first step's first.
func parallel(steps ...func() error) error {
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, f := range steps {
		if f == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// fail turns a step's error into a FlowError, undoing what the run made
// unless keep: in reverse order, with a context of its own bounded by
// timeout (the caller's may be the reason for the failure), each undo
// sent once.
func (j *journal) fail(ctx context.Context, err error, keep bool, timeout time.Duration) error {
	fe := &FlowError{Op: j.op, Err: err}
	var se *stepError
	if errors.As(err, &se) {
		fe.Step = se.step
		// errors.Join of one error from parallel: unwrap to the step's own.
		fe.Err = se.err
		if joined, ok := err.(interface{ Unwrap() []error }); ok && len(joined.Unwrap()) > 1 {
			fe.Err = err
		}
	}
	j.mu.Lock()
	undo := append([]undoEntry(nil), j.undo...)
	fe.Unknown = append([]string(nil), j.unknown...)
	j.mu.Unlock()
	if timeout <= 0 {
		timeout = DefaultUndoTimeout
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	for i := len(undo) - 1; i >= 0; i-- {
		u := undo[i]
		if u.permanent || keep {
			fe.Left = append(fe.Left, u.change)
			continue
		}
		uerr := u.do(uctx)
		fe.Undone = append(fe.Undone, UndoOutcome{Change: u.change, Action: u.action, Err: uerr})
		if uerr != nil {
			fe.Left = append(fe.Left, u.change)
			if errors.Is(uerr, vngcloud.ErrMaybeApplied) {
				fe.Unknown = append(fe.Unknown, fmt.Sprintf("whether the undo (%s) of %s happened: its answer was lost; check it", u.action, u.change))
			}
		}
	}
	return fe
}

// StepEvent reports a step of a flow starting or ending, to
// SetupRequest.Progress and the like. Steps that do not depend on each
// other run at the same time, so their events interleave.
type StepEvent struct {
	// Step is the step's name: "S3 key", "service account", ...
	Step string
	// Done is false when the step starts and true when it ends.
	Done bool
	// Outcome says what the step did, when it ended without error: for
	// example "created AK… (key ID …)". It never holds a secret.
	Outcome string
	// Err is the step's error, when it ended with one.
	Err error
}
