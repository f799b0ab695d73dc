package acceptance

import (
	"context"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// TestSuiteAgainstTestServers runs the suite's own tests, opted in, against
// the in-memory test servers (s3cmd hidden: the fake's S3 hosts are not
// loopback), and checks that the full run leaves nothing behind.
func TestSuiteAgainstTestServers(t *testing.T) {
	iam := viamtest.NewServer()
	defer iam.Close()
	st := vstoragetest.NewServer(iam)
	defer st.Close()
	project := st.AddProject("HCM04", "acceptance")
	_, id, secret := iam.AddServiceAccount("runner")
	for k, v := range map[string]string{
		"VNGCLOUD_ACCEPTANCE": "1", "VNGCLOUD_CLIENT_ID": id, "VNGCLOUD_CLIENT_SECRET": secret.Reveal(),
		"VNGCLOUD_ACCESS_TOKEN": "", "VNGCLOUD_IAM_ENDPOINT": iam.URL(), "VNGCLOUD_VSTORAGE_ENDPOINT": st.URL(),
		"VNGCLOUD_REGION": "HCM04", "VNGCLOUD_PROJECT_ID": project, "PATH": t.TempDir(),
	} {
		t.Setenv(k, v)
	}
	t.Run("readonly", TestReadOnly)
	t.Run("flow", TestConsoleFlow)

	if keys := st.Keys(project); len(keys) != 0 {
		t.Errorf("keys left: %v", keys)
	}
	if b := st.Buckets(project); len(b) != 0 {
		t.Errorf("buckets left: %v", b)
	}
	e := connect(t, false)
	for sa, err := range e.iam.AllServiceAccounts(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(sa.Name, Prefix) {
			t.Errorf("service account left: %s", sa.Name)
		}
	}
}
