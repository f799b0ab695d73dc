package acceptance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// Prefix starts the name of everything the suite creates.
const Prefix = "sdkacc-"

const skipLine = "acceptance: skipped; to run against the real cloud set VNGCLOUD_ACCEPTANCE=readonly (lists only) or =1 (creates and deletes sdkacc-* resources) and VNGCLOUD_CLIENT_ID/VNGCLOUD_CLIENT_SECRET or VNGCLOUD_ACCESS_TOKEN"

// env holds the clients of one test.
type env struct {
	iam     *viam.Client
	st      *vstorage.Client
	project string
}

// connect skips the test unless the opt-in and credentials are set (and,
// when write is true, the opt-in allows changes), and builds the clients.
func connect(t *testing.T, write bool) *env {
	t.Helper()
	mode := os.Getenv("VNGCLOUD_ACCEPTANCE")
	id, secret, token := os.Getenv("VNGCLOUD_CLIENT_ID"), os.Getenv("VNGCLOUD_CLIENT_SECRET"), os.Getenv("VNGCLOUD_ACCESS_TOKEN")
	if mode == "" || (id == "" || secret == "") && token == "" {
		t.Skip(skipLine)
	}
	if mode != "1" && mode != "readonly" {
		t.Fatalf("VNGCLOUD_ACCEPTANCE=%q: use 1 or readonly", mode)
	}
	if write && mode != "1" {
		t.Skip("acceptance: VNGCLOUD_ACCEPTANCE=readonly: this test changes the account, skipped")
	}
	// The clients are built as the examples build them: a service
	// account, or else the token on the console hosts; the endpoint and
	// region variables move them.
	iam, st, err := vstorage.ClientsFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{iam: iam, st: st, project: os.Getenv("VNGCLOUD_PROJECT_ID")}
	return e
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

// TestReadOnly lists, changing nothing. Each call is reported on its own:
// a failure says which one.
func TestReadOnly(t *testing.T) {
	e := connect(t, false)
	c := ctx(t)
	if u, err := e.iam.GetUserInfo(c); err != nil {
		t.Errorf("vIAM userinfo: %v", err)
	} else {
		t.Logf("caller: %s (%s) in account %s", u.Username, u.UserType, u.AccountID)
	}
	regions, err := e.st.ListRegions(c)
	t.Logf("regions: %d, %v", len(regions), err)
	if err != nil {
		t.Errorf("vStorage regions: %v", err)
	}
	projects, err := e.st.ListProjects(c)
	if err != nil {
		t.Fatalf("vStorage projects: %v", err)
	}
	t.Logf("projects: %d", len(projects))
	if e.project == "" && len(projects) > 0 {
		e.project = projects[0].ID
	}
	if e.project != "" {
		buckets, err := e.st.ListBuckets(c, e.project)
		t.Logf("buckets of %s: %d, %v", e.project, len(buckets), err)
		if err != nil {
			t.Errorf("vStorage buckets: %v", err)
		}
		keys, err := e.st.ListS3Keys(c, e.project)
		t.Logf("S3 keys: %d, %v", len(keys), err)
		if err != nil {
			t.Errorf("vStorage keys: %v", err)
		}
	}
	sas, err := e.iam.ListServiceAccounts(c, nil)
	if err != nil {
		t.Errorf("vIAM service accounts: %v", err)
	} else {
		t.Logf("service accounts: %d", sas.TotalItems)
	}
	pols, err := e.iam.ListPolicies(c, nil)
	if err != nil {
		t.Errorf("vIAM policies: %v", err)
	} else {
		t.Logf("policies: %d", pols.TotalItems)
	}
	acts, err := e.iam.ListActions(c, viam.ProductVStorage)
	if err != nil {
		t.Errorf("vIAM actions: %v", err)
	} else {
		t.Logf("vStorage actions: %d", len(acts))
	}
}

func randomName(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return Prefix + hex.EncodeToString(b)
}

// TestConsoleFlow makes a restricted key, a bucket and an s3cmd config
// with vstorage.Setup, uses them with the real s3cmd when it is installed,
// and deletes everything it created.
func TestConsoleFlow(t *testing.T) {
	e := connect(t, true)
	c := ctx(t)
	name := randomName(t)
	cfgPath := filepath.Join(t.TempDir(), "s3cfg")
	res, err := vstorage.Setup(c, vstorage.SetupRequest{
		Storage: e.st, IAM: e.iam, ProjectID: e.project, Bucket: name,
		Restrict: &vstorage.Restriction{ServiceAccount: name},
		Config:   &vstorage.S3cmdFile{Path: cfgPath},
	})
	if res != nil {
		cleanup(t, e, res)
	}
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Logf("created: %v", res.Created)
	if res.Key.AccessKey == "" || res.ServiceAccount == nil || res.ConfigWritten == "" {
		t.Fatalf("Setup result incomplete: %+v", res.Created)
	}
	s3cmd, err := exec.LookPath("s3cmd")
	if err != nil {
		t.Log("s3cmd is not installed: the data-plane steps are skipped")
		return
	}
	obj := filepath.Join(t.TempDir(), name+".txt")
	if err := os.WriteFile(obj, []byte("vngcloud SDK acceptance\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The data plane follows a link within seconds (docs/api.md §2.3 #16).
	var out []byte
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Second) {
		out, err = exec.CommandContext(c, s3cmd, "-c", cfgPath, "ls", "s3://"+name).CombinedOutput()
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("s3cmd ls: %v\n%s", err, redact(out, res))
	}
	if out, err := exec.CommandContext(c, s3cmd, "-c", cfgPath, "put", obj, "s3://"+name+"/"+name+".txt").CombinedOutput(); err != nil {
		t.Fatalf("s3cmd put: %v\n%s", err, redact(out, res))
	}
	out, err = exec.CommandContext(c, s3cmd, "-c", cfgPath, "ls", "s3://"+name).CombinedOutput()
	if err != nil || !strings.Contains(string(out), name+".txt") {
		t.Fatalf("s3cmd ls after put: %v\n%s", err, redact(out, res))
	}
}

// redact keeps the key's secret out of a tool's output.
func redact(out []byte, res *vstorage.SetupResult) string {
	return strings.ReplaceAll(string(out), res.Key.SecretKey.Reveal(), vngcloud.Redacted)
}

// cleanup deletes, when the test ends, what Setup created, newest first:
// the key (after unlinking), the bucket, the policy's attachment and the
// policy, the service account. Each failure is reported with the name to
// delete by hand.
func cleanup(t *testing.T, e *env, res *vstorage.SetupResult) {
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		project := res.Project.ID
		report := func(what string, err error) {
			if err != nil && !errors.Is(err, vngcloud.ErrNotFound) {
				t.Errorf("cleanup: %s: %v (delete it by hand)", what, err)
			}
		}
		for i := len(res.Created) - 1; i >= 0; i-- {
			ch := res.Created[i]
			switch ch.Kind {
			case vstorage.KindS3Key:
				report("S3 key "+ch.Name, e.st.DeleteS3Key(c, project, ch.ID))
			case vstorage.KindBucket:
				report("bucket "+ch.Name, e.st.DeleteBucket(c, project, ch.Name))
			case vstorage.KindPolicy:
				report("policy "+ch.Name, e.iam.DeletePolicy(c, ch.ID))
			case vstorage.KindAttachment:
				if res.Policy != nil && res.ServiceAccount != nil {
					report("policy attachment", e.iam.DetachPolicy(c, res.Policy.ID, res.ServiceAccount.ID))
				}
			case vstorage.KindServiceAccount:
				report("service account "+ch.Name, e.iam.DeleteServiceAccount(c, ch.ID))
			}
		}
	})
}
