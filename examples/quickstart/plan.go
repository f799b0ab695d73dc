package main

import (
	"fmt"

	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// done prints a finished step's line.
func done(p *vstorage.ProgressPrinter, step, format string, args ...any) {
	p.Event(vstorage.StepEvent{Step: step, Done: true, Outcome: fmt.Sprintf(format, args...)})
}

// planned counts the steps and prints the plan's line.
func planned(p *vstorage.ProgressPrinter, plan *vstorage.SetupPlan, dryRun bool) {
	total := 1
	for _, s := range plan.Steps {
		if dryRun || s.Action != "none" {
			total++
		}
	}
	p.SetTotal(total)
	line := fmt.Sprintf("project %s (%s), S3 endpoint %s (%s); %d of %d S3 keys left", plan.Project.Name, plan.Project.ID,
		plan.Endpoint.URL, plan.Endpoint.Source, plan.KeysLeft, vstorage.MaxS3Keys)
	if plan.ServiceAccountsLeft >= 0 {
		line += fmt.Sprintf(", %d of %d service accounts", plan.ServiceAccountsLeft, vstorage.MaxServiceAccounts)
	}
	if plan.PoliciesLeft >= 0 {
		line += fmt.Sprintf(", %d of %d policies", plan.PoliciesLeft, vstorage.MaxPolicies)
	}
	done(p, vstorage.StepPlan, "%s; nothing stands in the way", line)
}
