package awscli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud/internal/testsupport/realtools"
)

// botocoreCorpus are files on which the port of configparser's reading
// must agree with botocore's own raw_config_parse.
var botocoreCorpus = map[string]string{
	"plain":       "[default]\naws_access_key_id = A\naws_secret_access_key = S\n",
	"specials":    "[p]\nk = a#b;c=d\"e'f`g%h$i\\j:k[l]\nk2=v2\nk3 : v3 ; x\n#c\n;c\n  # indented comment\n",
	"quotes":      "[p]\na = \"quoted\"\nb = 'single'\nc = `tick`\nd = \"\"\"triple\"\"\"\n",
	"continued":   "[p]\nmulti = first\n\n  second\n  # comment inside\n\n  third\n\nafter = x\n",
	"nested":      "[profile a]\nregion = HCM04\ns3 =\n    addressing_style = path\n    max_concurrent_requests = 4\n\n[profile b]\ns3 =\n\taddressing_style = virtual\n",
	"default":     "[DEFAULT]\nregion = def\noutput = json\n[a]\nregion = mine\n[DEFAULT]\nextra = 1\n[b]\n",
	"case":        "[p]\nREGION = HCM04\nAws_Access_Key_Id = A\n",
	"crlf":        "[p]\r\nk = v\r\n\r\n[q]\r\nk = w",
	"lone cr":     "[p]\rk = v\r[q]\rk = w\r",
	"indented":    "  [p]\n  k = v\n  [q]\n  k = w\n",
	"header text": "[p] trailing\nk = v\n[a]b]\nk = w\n",
	"empty value": "[p]\nk =\nj = \n",
	"dup section": "[p]\nk = v\n[p]\n",
	"dup key":     "[p]\nk = v\nK = w\n",
	"no header":   "k = v\n",
	"no delim":    "[p]\njust words\n",
	"bad nested":  "[p]\ns3 =\n  no delimiter\n",
	"bom":         "\ufeff[p]\nk = v\n",
	"unicode ws":  "[p]\nk = \u00a0v\u00a0\nj = \x1cw\x1c\n",
}

// TestParseMatchesBotocore runs botocore's own configloader (from the
// Debian awscli package, with its Python) on every corpus file and
// compares what it returns, or that it fails, with parse.
func TestParseMatchesBotocore(t *testing.T) {
	t.Parallel()
	aws := realtools.AWS(t)
	python := interpreter(t, aws)
	const script = `
import json, sys
try:
    from awscli.botocore.configloader import raw_config_parse
except ImportError:
    from botocore.configloader import raw_config_parse
out = {}
for path in sys.argv[1:]:
    try:
        out[path] = raw_config_parse(path)
    except Exception as e:
        out[path] = {"__error__": type(e).__name__}
print(json.dumps(out))
`
	dir := t.TempDir()
	var paths []string
	names := map[string]string{}
	for name, content := range botocoreCorpus {
		p := realtools.WriteFile(t, dir, strings.ReplaceAll(name, " ", "_"), content)
		paths = append(paths, p)
		names[p] = name
	}
	so, se, code := realtools.Run(t, dir, nil, python, append([]string{"-c", script}, paths...)...)
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", python, code, se)
	}
	var want map[string]map[string]any
	if err := json.Unmarshal([]byte(so), &want); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		got := map[string]any{}
		f, err := parse("config", data)
		if err != nil {
			got["__error__"] = "ConfigParseError"
		} else {
			for _, s := range f.sections {
				if s.name == "DEFAULT" {
					continue
				}
				vals, _ := effective(f, s)
				m := map[string]any{}
				for k, v := range vals {
					if strings.HasPrefix(v, "\n") {
						n, _ := nested(v)
						nm := map[string]any{}
						for nk, nv := range n {
							nm[nk] = nv
						}
						m[k] = nm
					} else {
						m[k] = v
					}
				}
				got[s.name] = m
			}
		}
		if !reflect.DeepEqual(got, want[p]) {
			t.Errorf("%s:\nparse    %v\nbotocore %v", names[p], got, want[p])
		}
	}
}

// interpreter returns the Python that runs the aws script (its #! line).
func interpreter(t *testing.T, script string) string {
	t.Helper()
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	first, _ := bufio.NewReader(f).ReadString('\n')
	if !strings.HasPrefix(first, "#!/") {
		t.Skipf("%s is not a Python script; botocore cannot be run on its own", script)
	}
	py := strings.Fields(strings.TrimPrefix(first, "#!"))[0]
	if filepath.Base(py) == "env" || !strings.Contains(filepath.Base(py), "python") {
		t.Skipf("%s starts with %q", script, first)
	}
	return py
}
