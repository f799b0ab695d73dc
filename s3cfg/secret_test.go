package s3cfg

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

// TestSecretsNeverPrinted: a secret never shows in fmt output of File,
// Config or VStorage, in errors or in diagnostics.
func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "TOP-SECRET-9f8e7d"
	in := "\ufeffsecret_key = " + secret + "\n[default]\naccess_key = A\nsecret_key = " + secret +
		"\nsecretkey = " + secret + "\nsecret-key = " + secret + "\nsecret_key: " + secret +
		"\n;" + secret + "\n  " + secret + "\nsecret_key = \"" + secret + "\"  \n" + secret + " = x\n"
	f, _ := Parse([]byte(in))
	c := f.Resolve(Runtime{LookupEnv: EnvMap(nil)})
	v := VStorage{AccessKey: "A", SecretKey: vngcloud.Secret(secret), Region: "HCM04"}
	var out strings.Builder
	for _, x := range []any{f, c, v, &v} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			fmt.Fprintf(&out, verb+"\n", x)
		}
	}
	for _, d := range f.Diagnostics() {
		fmt.Fprintln(&out, d.String(), d.Message, d.Key, d.Suggestion)
	}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "file", f, "config", c, "v", v)
	out.WriteString(logs.String())
	// Errors about the secret.
	for _, bad := range []string{"$" + secret, " " + secret, `"` + secret + `"`, secret + "\n"} {
		if err := f.Set("secret_key", bad); err != nil {
			out.WriteString(err.Error() + "\n")
		}
		vv := v
		vv.SecretKey = vngcloud.Secret(bad)
		if _, err := vv.Short(); err != nil {
			out.WriteString(err.Error() + "\n")
		}
	}
	if s := out.String(); strings.Contains(s, secret) || strings.Contains(s, fmt.Sprintf("%x", secret)) || strings.Contains(s, fmt.Sprintf("%X", secret)) {
		t.Fatalf("the secret leaked:\n%s", s)
	}
	// The secret is there when asked for.
	if c.SecretKey().Reveal() != "TOP-SECRET-9f8e7d\"" {
		t.Fatalf("SecretKey = %q", c.SecretKey().Reveal())
	}
	if got, _ := f.Get("secret_key"); got != secret+`"` {
		t.Fatal("Get")
	}
	var ve *ValueError
	if err := f.Set("secret_key", "$"+secret); !errors.As(err, &ve) || ve.Key != "secret_key" {
		t.Fatal("ValueError")
	}
}
