package demo

import (
	"fmt"
	"io"
	"strings"
)

// Steps prints one numbered line per step of a flow:
//
//	[3/7] S3 key: created AKIA… (key ID 1a2b…)
type Steps struct {
	w     io.Writer
	total int
	n     int
	name  string
}

// NewSteps returns a printer for a flow of total steps.
func NewSteps(w io.Writer, total int) *Steps { return &Steps{w: w, total: total} }

// Start begins the next step.
func (s *Steps) Start(name string) {
	s.n++
	s.name = name
}

// Done prints the current step's line with its outcome.
func (s *Steps) Done(format string, args ...any) {
	fmt.Fprintf(s.w, "[%d/%d] %s: %s\n", s.n, s.total, s.name, fmt.Sprintf(format, args...))
}

// Current describes the step under way, for error messages:
// "step 3/7 (S3 key)".
func (s *Steps) Current() string {
	return fmt.Sprintf("step %d/%d (%s)", s.n, s.total, s.name)
}

// Created lists what a flow has created so far, so that a failed run can
// say what it leaves behind and how to remove it.
type Created struct {
	items []string
}

// Add records a resource and how to remove it.
func (c *Created) Add(format string, args ...any) {
	c.items = append(c.items, fmt.Sprintf(format, args...))
}

// Len returns the number of resources recorded.
func (c *Created) Len() int { return len(c.items) }

// Report prints the list. In demo mode it adds that the resources lived in
// the in-memory services only.
func (c *Created) Report(w io.Writer, demo bool) {
	if len(c.items) == 0 {
		fmt.Fprintln(w, "Nothing was created.")
		return
	}
	fmt.Fprintln(w, "Already created (left in place; remove what you do not want):")
	for _, it := range c.items {
		fmt.Fprintln(w, "  - "+strings.ReplaceAll(it, "\n", "\n    "))
	}
	if demo {
		fmt.Fprintln(w, "(demo: these lived in the in-memory services only and are gone now)")
	}
}
