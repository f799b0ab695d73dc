package awscli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
	"github.com/vstorage-sdk/vngcloud/s3cfg"
	"github.com/vstorage-sdk/vngcloud/s3cfg/awscli"
)

// trickySecret holds every character that INI readers like to treat
// specially.
const trickySecret = `Tr1cky#Secret;with=all"the'quotes` + "`and%more$\\:[x]"

// timeout bounds one run of the AWS CLI: it starts in half a second on an
// idle machine, but a loaded CI runner can take far longer.
const timeout = 3 * time.Minute

// runAWS is realtools.RunAWS with the longer timeout.
func runAWS(t *testing.T, home, cred, conf, endpoint string, args ...string) (string, string, int) {
	t.Helper()
	return realtools.Cmd{Home: home, Timeout: timeout}.RunAWS(t, cred, conf, endpoint, args...)
}

// configGet runs "aws configure get KEY --profile P", which reads the files
// only, and returns the value.
func configGet(t *testing.T, home, cred, conf, endpoint, profile, key string) string {
	t.Helper()
	so, se, code := runAWS(t, home, cred, conf, endpoint, "configure", "get", key, "--profile", profile)
	if code != 0 {
		t.Fatalf("aws configure get %s --profile %s: exit %d: %s", key, profile, code, se)
	}
	return strings.TrimSuffix(so, "\n")
}

// awsRoundTrip makes a bucket with the real AWS CLI and the profile,
// uploads an object, lists it and downloads it: the same bytes come back.
func awsRoundTrip(t *testing.T, home, cred, conf, endpoint, profile, bucket string) {
	t.Helper()
	run := func(args ...string) string {
		t.Helper()
		so, se, code := runAWS(t, home, cred, conf, endpoint, append([]string{"--profile", profile}, args...)...)
		if code != 0 {
			t.Fatalf("aws %s: exit %d\n%s%s", strings.Join(args, " "), code, so, se)
		}
		return so
	}
	payload := make([]byte, 300_000)
	rand.Read(payload)
	src := realtools.WriteFile(t, t.TempDir(), "payload.bin", string(payload))
	run("s3", "mb", "s3://"+bucket)
	run("s3", "cp", src, "s3://"+bucket+"/dir/payload.bin")
	if out := run("s3", "ls"); !strings.Contains(out, " "+bucket+"\n") {
		t.Errorf("aws s3 ls does not list %s:\n%s", bucket, out)
	}
	if out := run("s3", "ls", "--recursive", "s3://"+bucket); !strings.Contains(out, "300000 dir/payload.bin") {
		t.Errorf("aws s3 ls --recursive:\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "back.bin")
	run("s3", "cp", "s3://"+bucket+"/dir/payload.bin", dst)
	if back, err := os.ReadFile(dst); err != nil || !bytes.Equal(back, payload) {
		t.Fatalf("aws s3 cp (download) gave %d bytes that differ from the %d uploaded (%v)", len(back), len(payload), err)
	}
}

// TestRealAWSCLI: the real AWS CLI lists, uploads and downloads against a
// signature-checking S3 server (versitygw, region HCM04) with the profile
// merged into existing credentials and config files that hold other
// profiles and comments, with a secret full of INI specials. The old files
// are byte-for-byte prefixes of the new ones, the other profiles read as
// before, and every key of the profile reads back exactly.
func TestRealAWSCLI(t *testing.T) {
	t.Parallel()
	realtools.AWS(t)
	s3 := realtools.StartS3Server(t, "HCM04")
	const ak = "AKTRICKYAWSCLI01"
	if err := s3.AddUser(ak, trickySecret); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cred, conf := filepath.Join(home, ".aws", "credentials"), filepath.Join(home, ".aws", "config")
	oldCred := "# team\n[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = default/secret#1\n\n; CI user\n[ci]\naws_access_key_id=CIKEY\naws_secret_access_key=ci;secret\n"
	oldConf := "[default]\nregion = us-east-1\noutput = json\n\n# CI profile\n[profile ci]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 4\n"
	os.MkdirAll(filepath.Dir(cred), 0o700)
	os.WriteFile(cred, []byte(oldCred), 0o600)
	os.WriteFile(conf, []byte(oldConf), 0o644)

	p := awscli.Profile{Name: "vst", VStorage: s3cfg.VStorage{
		AccessKey: ak, SecretKey: vngcloud.Secret(trickySecret), Region: "HCM04", Endpoint: s3.Endpoint, PathStyle: true,
	}}
	res, err := p.WriteFiles(cred, conf, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil || !res.Credentials.Added || !res.Config.Added || res.Credentials.Backup == "" || res.Config.Backup == "" {
		t.Fatalf("%+v %v", res, err)
	}
	for path, old := range map[string]string{cred: oldCred, conf: oldConf} {
		data, _ := os.ReadFile(path)
		if !bytes.HasPrefix(data, []byte(old)) {
			t.Errorf("%s: the old file is not kept byte for byte:\n%s", path, data)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", path, st.Mode().Perm())
		}
	}

	// (TestParseMatchesBotocore checks every key against botocore; the
	// CLI reads a few here.)
	for key, want := range map[string]string{
		"aws_secret_access_key": trickySecret, "endpoint_url": s3.Endpoint,
		"s3.addressing_style": "path", "request_checksum_calculation": "when_required",
	} {
		if got := configGet(t, home, cred, conf, s3.Endpoint, "vst", key); got != want {
			t.Errorf("aws configure get %s: %q, want %q", key, got, want)
		}
	}
	if got := configGet(t, home, cred, conf, s3.Endpoint, "ci", "aws_secret_access_key"); got != "ci;secret" {
		t.Errorf("profile ci now reads %q", got)
	}
	if got := configGet(t, home, cred, conf, s3.Endpoint, "ci", "s3.max_concurrent_requests"); got != "4" {
		t.Errorf("profile ci's s3 block reads %q", got)
	}

	awsRoundTrip(t, home, cred, conf, s3.Endpoint, "vst", "tricky-bucket")

	// A second run with a new key pair rewrites two lines of the
	// credentials file and leaves the config file alone.
	ak2, sk2 := s3.NewUser(t)
	p.VStorage.AccessKey, p.VStorage.SecretKey = ak2, vngcloud.Secret(sk2)
	before, _ := os.ReadFile(conf)
	res, err = p.WriteFiles(cred, conf, s3cfg.WriteOptions{IfExists: s3cfg.Backup})
	if err != nil || res.Config.Changed() || strings.Join(res.Credentials.Set, ",") != "aws_access_key_id,aws_secret_access_key" {
		t.Fatalf("%+v %v", res, err)
	}
	if after, _ := os.ReadFile(conf); !bytes.Equal(after, before) {
		t.Error("the config file changed")
	}
	awsRoundTrip(t, home, cred, conf, s3.Endpoint, "vst", "second-key")

	// The old secret no longer works: the server checks signatures.
	p.VStorage.SecretKey = "not-the-secret"
	badCred := filepath.Join(t.TempDir(), "credentials")
	if _, err := p.WriteFiles(badCred, conf, s3cfg.WriteOptions{IfExists: s3cfg.Backup}); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runAWS(t, home, badCred, conf, s3.Endpoint, "--profile", "vst", "s3", "ls"); code == 0 {
		t.Error("aws listed buckets with a wrong secret")
	}
}

// TestAWSReadsTrickyValues: values the AWS CLI keeps exactly, as
// "aws configure get" reads them from the credentials file, and what it
// does to the ones CheckValue refuses.
func TestAWSReadsTrickyValues(t *testing.T) {
	t.Parallel()
	realtools.AWS(t)
	home := t.TempDir()
	kept := []string{trickySecret, `"quoted"`, "`tick`", `"""triple"""`, "%(x)s $HOME"}
	var b strings.Builder
	for i, v := range kept {
		p := awscli.Profile{Name: fmt.Sprintf("p%d", i), VStorage: s3cfg.VStorage{AccessKey: "AK", SecretKey: vngcloud.Secret(v), Region: "HCM04"}}
		sec, err := p.CredentialsSection()
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		b.Write(sec)
	}
	b.WriteString("[stripped]\naws_access_key_id = AK\naws_secret_access_key =   padded  \n")
	cred := realtools.WriteFile(t, home, "credentials", b.String())
	conf := realtools.WriteFile(t, home, "config", "")
	const ep = "http://127.0.0.1:9"
	for i, v := range kept {
		if got := configGet(t, home, cred, conf, ep, fmt.Sprintf("p%d", i), "aws_secret_access_key"); got != v {
			t.Errorf("%q reads as %q", v, got)
		}
	}
	if got := configGet(t, home, cred, conf, ep, "stripped", "aws_secret_access_key"); got != "padded" {
		t.Errorf("padded value reads as %q", got)
	}
}

// TestAWSCLI29IgnoresEndpointURL pins what the installed AWS CLI does with
// endpoint_url in the config file: versions before 2.13 ignore it and go
// to https://s3.REGION.amazonaws.com, later ones use it. The CLI runs in
// a network namespace of its own (realtools.NetNS), where no address is
// reachable, so it cannot leave the machine whatever it decides.
func TestAWSCLI29IgnoresEndpointURL(t *testing.T) {
	t.Parallel()
	aws := realtools.AWS(t)
	netns := realtools.RequireNetNS(t) // the CLI must not run with network access for this test
	home := t.TempDir()
	p := awscli.Profile{VStorage: s3cfg.VStorage{AccessKey: "AKIGNORED", SecretKey: "secret", Region: "HCM04", Endpoint: "http://127.0.0.1:9", PathStyle: true}}
	cred, conf := filepath.Join(home, "credentials"), filepath.Join(home, "config")
	if _, err := p.WriteFiles(cred, conf, s3cfg.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	vso, _, _ := realtools.Cmd{Home: home, Timeout: timeout}.Run(t, aws, "--version")
	m := regexp.MustCompile(`aws-cli/(\d+)\.(\d+)\.`).FindStringSubmatch(vso)
	if m == nil {
		t.Fatalf("aws --version: %q", vso)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	honours := major > 2 || major == 2 && minor >= 13 || major == 1 && minor >= 29

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append(append([]string{}, netns[1:]...), aws, "--debug", "--cli-connect-timeout", "1", "--profile", awscli.DefaultProfile, "s3", "ls")
	cmd := exec.CommandContext(ctx, netns[0], args...)
	cmd.Env = realtools.Env(home, "AWS_SHARED_CREDENTIALS_FILE="+cred, "AWS_CONFIG_FILE="+conf,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
	cmd.Dir = home
	out, _ := cmd.CombinedOutput()
	sent := regexp.MustCompile(`url=(https?://[^/,>\s]+)`).FindStringSubmatch(string(out))
	if sent == nil {
		t.Fatalf("no request URL in the debug output:\n%s", out)
	}
	t.Logf("%s sends ListBuckets to %s", strings.TrimSpace(vso), sent[1])
	switch {
	case honours && sent[1] != "http://127.0.0.1:9":
		t.Errorf("this CLI should use endpoint_url; it sends to %s", sent[1])
	case !honours && sent[1] != "https://s3.HCM04.amazonaws.com":
		t.Errorf("this CLI (before 2.13) was expected to ignore endpoint_url; it sends to %s", sent[1])
	}
}
