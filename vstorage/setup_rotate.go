package vstorage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
)

// RotateRequest is what RotateKey is asked to do.
type RotateRequest struct {
	// Storage is the vStorage client; required.
	Storage *Client
	// IAM is the vIAM client; required when the key is restricted by vIAM
	// (the new key is linked to the same service account).
	IAM *viam.Client
	// ProjectID is the key's project; empty means the first project of
	// the client's region.
	ProjectID string
	// Path is the s3cmd config file that holds the key.
	Path string
	// KeepOld keeps the old key instead of deleting it.
	KeepOld bool
	// UndoTimeout bounds the undo of a failed run (default
	// DefaultUndoTimeout).
	UndoTimeout time.Duration
	// Progress, when set, is called as each step starts and ends.
	Progress func(StepEvent)
}

// RotateResult is what RotateKey did.
type RotateResult struct {
	// Old is the key the file held; New is the key it holds now, with its
	// secret.
	Old, New S3Key
	// ServiceAccount is the account both keys act as, for a key
	// restricted by vIAM.
	ServiceAccount *viam.ServiceAccount
	// ConfigWritten says where the config was written and where the
	// previous file (which holds the old key) was kept.
	ConfigWritten string
	// OldDeleted reports that the old key was deleted.
	OldDeleted bool
}

// RotateKey replaces the S3 key of an s3cmd config file with a new one:
// it checks first (the file names a key of the project, the project has a
// free key, the file can be written), creates the new key (linked to the
// same service account when the old one is restricted by vIAM, so that it
// has the same rights and no more), rewrites only the access_key and
// secret_key lines of the file (every other byte stays; the previous file
// is kept as a backup), and deletes the old key only after the new file is
// in place.
//
// A failure before the file is written undoes what was created, as Setup
// does (a *FlowError says what became of it); the file and the old key
// are then as they were. A failure to delete the old key is a *FlowError
// whose Left names it: the file holds the new key already.
func RotateKey(ctx context.Context, req RotateRequest) (*RotateResult, error) {
	const op = "vstorage.RotateKey"
	switch {
	case ctx == nil:
		return nil, &vngcloud.ValidationError{Operation: op, Field: "ctx", Reason: "nil context"}
	case req.Storage == nil:
		return nil, &vngcloud.ValidationError{Operation: op, Field: "Storage", Reason: "is nil"}
	}
	file, oldAK, err := readKeyFile(req.Path)
	if err != nil {
		return nil, &PlanError{Op: op, Problems: []string{err.Error()}}
	}
	if err := s3cfg.CheckWritable(req.Path, s3cfg.WriteOptions{IfExists: s3cfg.Backup}); err != nil {
		return nil, &PlanError{Op: op, Problems: []string{err.Error()}}
	}
	st, projectID := req.Storage, req.ProjectID
	if projectID == "" {
		p, err := st.firstProject(ctx)
		if err != nil {
			return nil, err
		}
		projectID = p.ID
	}
	// The plan: the old key, a free slot, the old key's service account.
	keys, err := st.ListS3Keys(ctx, projectID)
	if err != nil {
		return nil, err
	}
	res := &RotateResult{}
	var problems []string
	found := false
	for _, k := range keys {
		if k.AccessKey == oldAK {
			res.Old, found = k, true
		}
	}
	switch {
	case !found:
		problems = append(problems, fmt.Sprintf("%s holds access key %s, which is not a key of project %s", req.Path, oldAK, projectID))
	case len(keys) >= MaxS3Keys:
		problems = append(problems, fmt.Sprintf("project %s has %d S3 keys, vStorage's limit is %d: the new key needs a free one (delete a key you no longer use)", projectID, len(keys), MaxS3Keys))
	case res.Old.Restricted() && req.IAM == nil:
		problems = append(problems, "the key is restricted by vIAM: give RotateRequest.IAM to link the new key to its service account")
	case res.Old.Restricted():
		name := res.Old.ServiceAccountName()
		sas, err := collect(req.IAM.AllServiceAccounts(ctx, &viam.ListOptions{Name: name}))
		if err != nil {
			return nil, err
		}
		for i := range sas {
			if sas[i].Name == name {
				res.ServiceAccount = &sas[i]
			}
		}
		if res.ServiceAccount == nil {
			problems = append(problems, fmt.Sprintf("the key acts as service account %q (subUserId %s), which no longer exists", name, res.Old.SubUserID))
		}
	}
	if len(problems) > 0 {
		return nil, &PlanError{Op: op, Problems: problems}
	}

	j := &journal{op: op, progress: req.Progress}
	fail := func(err error) (*RotateResult, error) { return nil, j.fail(ctx, err, false, req.UndoTimeout) }
	err = j.step(StepS3Key, func() (string, error) {
		plan := &SetupPlan{req: SetupRequest{Storage: st}, Project: Project{ID: projectID}, Keys: keys}
		var sr SetupResult
		out, err := plan.createKey(ctx, j, &sr)
		res.New = sr.Key
		return out, err
	})
	if err != nil {
		return fail(err)
	}
	if sa := res.ServiceAccount; sa != nil {
		if err := j.step(StepLink, func() (string, error) { return link(ctx, j, st, projectID, res.New, sa) }); err != nil {
			return fail(err)
		}
	}
	err = j.step(StepConfig, func() (string, error) {
		if err := file.Set("access_key", res.New.AccessKey); err != nil {
			return "", err
		}
		if err := file.Set("secret_key", res.New.SecretKey.Reveal()); err != nil {
			return "", err
		}
		backup, err := s3cfg.WriteFile(req.Path, file.Bytes(), s3cfg.WriteOptions{IfExists: s3cfg.Backup})
		if err != nil {
			return "", err
		}
		res.ConfigWritten = fmt.Sprintf("%s (only access_key and secret_key changed; the previous file, which holds the old key, is kept as %s: delete it once the new key works)", req.Path, backup)
		return res.ConfigWritten, nil
	})
	if err != nil {
		return fail(err)
	}
	j.saved() // the new key is in the file: nothing is undone from here on
	if req.KeepOld {
		return res, nil
	}
	old := res.Old
	err = j.step(StepOldKey, func() (string, error) {
		if err := st.DeleteS3Key(ctx, projectID, old.ID); err != nil {
			return "", err
		}
		return fmt.Sprintf("deleted %s (key ID %s); it stops working now", old.AccessKey, old.ID), nil
	})
	if err != nil {
		fe := j.fail(ctx, err, false, req.UndoTimeout).(*FlowError)
		fe.Left = append(fe.Left, Change{Kind: KindS3Key, ID: old.ID, Name: old.AccessKey,
			Detail: "the old key: " + req.Path + " holds the new key already; delete the old one when nothing uses it"})
		if errors.Is(err, vngcloud.ErrMaybeApplied) {
			fe.Unknown = append(fe.Unknown, "whether the old key "+old.AccessKey+" was deleted: list the project's keys")
		}
		return res, fe
	}
	res.OldDeleted = true
	return res, nil
}

// readKeyFile reads an s3cmd config and the access key it holds.
func readKeyFile(path string) (*s3cfg.File, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	f, err := s3cfg.Parse(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: s3cmd could not read it either: %w", path, err)
	}
	ak, _ := f.Get("access_key")
	for _, k := range []string{"access_key", "secret_key"} {
		if v, _ := f.Get(k); strings.HasPrefix(v, "$") {
			return nil, "", fmt.Errorf("%s reads %s from an environment variable; rotate the variable's value instead", path, k)
		}
	}
	if ak == "" {
		return nil, "", fmt.Errorf("%s sets no access_key", path)
	}
	return f, ak, nil
}
