package reliability

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// Regression tests of the bugs the matrix and the security pass found,
// one each, so that each fix is pinned by name (the matrix pins them too).

// An answer over the size cap to a call sent once: the service acted, so
// the error must say the change may have happened (it said nothing, and a
// caller would create a second key). internal/httpcore/response.go.
func TestFixOversizedAnswerToOnceCall(t *testing.T) {
	e, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	e.st.Inject(vstoragetest.Fault{Method: "POST", Path: "users/s3_keys", Oversize: oversize})
	_, err = e.stc.CreateS3Key(context.Background(), e.project)
	var ae *vngcloud.APIError
	if !errors.Is(err, vngcloud.ErrMaybeApplied) || !errors.As(err, &ae) || !strings.Contains(ae.Hint, "ListS3Keys") ||
		!strings.Contains(ae.Message, "WithMaxResponseSize") {
		t.Fatalf("%v", err)
	}
	if n := len(e.st.Keys(e.project)); n != 3 {
		t.Fatalf("%d keys; the fault lets the server act", n)
	}
}

// A caller's deadline that ends while the token is fetched: the error of
// ClientCredentials.Token was the bare context error, not an *APIError;
// and a nil context panicked. viam/token.go.
func TestFixTokenErrorsAreTyped(t *testing.T) {
	e, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	cc, err := e.newCredentials()
	if err != nil {
		t.Fatal(err)
	}
	e.iam.Inject(viamtest.Fault{Method: "POST", Path: "/auth/token", Delay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = cc.Token(ctx)
	var ae *vngcloud.APIError
	if !errors.As(err, &ae) || !errors.Is(err, context.DeadlineExceeded) || ae.Operation != "viam.Token" {
		t.Fatalf("%T %v", err, err)
	}
	var nilCtx context.Context
	var ve *vngcloud.ValidationError
	if _, err := cc.Token(nilCtx); !errors.As(err, &ve) {
		t.Fatalf("nil context: %v", err)
	}
}

// vIAM answers that lack what a success carries (another service's JSON,
// an error body with a 2xx) were taken for an empty result: an empty
// service account or policy, an empty page, and a created account
// without an ID reported without MaybeApplied. viam/client.go,
// service_accounts.go, policies.go, attachments.go.
func TestFixViamAnswersWithoutFields(t *testing.T) {
	e, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	ctx := context.Background()
	for _, body := range []string{envelopeRefusal, `{}`, `{"errors":[{"code":"INTERNAL","message":"x"}]}`} {
		inject := func(method, path string) {
			e.iam.Inject(viamtest.Fault{Method: method, Path: path, Status: 200, Body: body})
		}
		inject("GET", "/service-accounts/")
		if sa, err := e.iamc.GetServiceAccount(ctx, e.sa.ID); err == nil {
			t.Errorf("%s: GetServiceAccount accepted it: %+v", body, sa)
		}
		inject("GET", "/policies/")
		if p, err := e.iamc.GetPolicy(ctx, e.pol1); err == nil {
			t.Errorf("%s: GetPolicy accepted it: %+v", body, p)
		}
		inject("GET", "/service-accounts")
		if p, err := e.iamc.ListServiceAccounts(ctx, nil); err == nil {
			t.Errorf("%s: ListServiceAccounts accepted it: %+v", body, p)
		}
		inject("GET", "/policies")
		if p, err := e.iamc.ListPolicies(ctx, nil); err == nil {
			t.Errorf("%s: ListPolicies accepted it: %+v", body, p)
		}
		inject("GET", "/user-attachments/")
		if p, err := e.iamc.ListServiceAccountPolicies(ctx, e.sa.ID, nil); err == nil {
			t.Errorf("%s: ListServiceAccountPolicies accepted it: %+v", body, p)
		}
		inject("POST", "/service-accounts")
		_, err := e.iamc.CreateServiceAccount(ctx, viam.CreateServiceAccountRequest{Name: "no-id"})
		var ae *vngcloud.APIError
		if !errors.Is(err, vngcloud.ErrMaybeApplied) || !errors.As(err, &ae) || !strings.Contains(ae.Hint, "list service accounts") {
			t.Errorf("%s: CreateServiceAccount: %v", body, err)
		}
	}
	// Real answers still pass, an empty list included.
	if _, err := e.iamc.GetServiceAccount(ctx, e.sa.ID); err != nil {
		t.Error(err)
	}
	if _, err := e.iamc.ListServiceAccountPolicies(ctx, e.sa.ID, &viam.PageOptions{PageNumber: 5}); err != nil {
		t.Errorf("an empty page: %v", err)
	}
}

// vngcloud.StaticToken printed its token through log/slog's JSON handler
// and encoding/json (it was a string type without their methods), and
// through fmt when a client's fields are printed by reflection (%s, %d
// of a *vstorage.Client). token.go.
func TestFixStaticTokenNeverPrinted(t *testing.T) {
	const tok = "static-token-value-0123456789abcdef"
	ts := vngcloud.StaticToken(tok)
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "ts", ts)
	j, _ := json.Marshal(ts)
	b.Write(j)
	c, err := vstorage.NewClient(vngcloud.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		fmt.Fprintf(&b, verb+" "+verb+"\n", ts, c)
	}
	if strings.Contains(b.String(), tok) {
		t.Fatalf("the token leaked:\n%s", b.String())
	}
	if got, _ := ts.Token(context.Background()); got.Reveal() != tok {
		t.Fatal("the token is gone")
	}
}

// vngcloud.Secret had no MarshalText, so encoding/xml (and any encoder
// built on encoding.TextMarshaler, such as YAML and TOML libraries) wrote
// the value of every secret field. secret.go.
func TestFixSecretMarshalText(t *testing.T) {
	k := vstorage.S3Key{ID: "k", AccessKey: "AK", SecretKey: "xml-secret-value-0123456789"}
	x, err := xml.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(x), "xml-secret-value") || !strings.Contains(string(x), vngcloud.Redacted) {
		t.Fatalf("%s", x)
	}
	// JSON still redacts and still decodes a secret.
	var back vstorage.S3Key
	if err := json.Unmarshal([]byte(`{"userKeyId":"k","accessKey":"AK","secretKey":"from-json"}`), &back); err != nil || back.SecretKey.Reveal() != "from-json" {
		t.Fatal(back, err)
	}
}

// A backup of a world-readable config kept its mode (a hard link to the
// old file): the old secret stayed readable by every user after the new
// file was written 0600. internal/safefile/safefile.go.
func TestFixBackupNotWorldReadable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mode bits")
	}
	p := filepath.Join(t.TempDir(), ".s3cfg")
	os.WriteFile(p, []byte("[default]\nsecret_key = old\n"), 0o644)
	os.Chmod(p, 0o644)
	bak, err := s3cfg.WriteFile(p, []byte("[default]\nsecret_key = new\n"), s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, bak); m != 0o600 {
		t.Fatalf("backup mode %v", m)
	}
}
