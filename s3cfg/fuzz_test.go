package s3cfg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vstorage-sdk/vngcloud"
)

// trickySeeds are inputs at the edges of the format.
var trickySeeds = []string{
	"",
	"\n",
	"\r",
	"\r\n",
	"\r\r\n\n",
	"\xef\xbb\xbf",
	"\xef\xbb\xbfaccess_key = x\n",
	"\xff\xfe[\x00d\x00]\x00",
	"\x00\x00\xfe\xff",
	"[default]\naccess_key=a\nsecret_key = \"b\"  \n",
	"k = \"\"\"\n",
	"k = \"\n",
	"  [x]\n[]\n[a]b]\n",
	"host-base = x\nkey: v\n; c\n  # c\n",
	"secret_key = $HOME\nsecret_key = ${HOME}\n",
	"k=v", "k=v\r", "k=v\r\n", "k =\u00a0v\u3000\x1c\n",
	"\u00e9\u0301 = x\nke\u0301y = y\n",
	"a = b # c ; d\n",
	"verbosity = FATAL\nlimitrate = 0k\nproxy_port = 0_8\n",
	"\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80", "\xc0\xaf",
	"[default]\r\nx = 1\ny = 2\rz = 3",
}

func addSeeds(f *testing.F) {
	f.Helper()
	for _, s := range trickySeeds {
		f.Add([]byte(s))
	}
	for _, glob := range []string{"testdata/*.s3cfg", "testdata/corpus/*.s3cfg"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FuzzRoundTrip: Parse then Bytes returns the input byte for byte, and
// nothing panics.
func FuzzRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if file == nil {
			t.Fatal("Parse returned a nil File")
		}
		if got := file.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("round trip: got %q, want %q", got, data)
		}
		var buf bytes.Buffer
		if _, err := file.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("WriteTo: %v", err)
		}
		if (err != nil) != (decodeCheck(data) != nil) {
			t.Fatalf("Parse error %v disagrees with the decoder", err)
		}
		_ = file.Diagnostics()
		c := file.Resolve(Runtime{LookupEnv: EnvMap(map[string]string{"HOME": "/h", "X": "$X"})})
		_ = c.Dump()
		m := file.rawMap()
		keys := file.Keys()
		if len(keys) != len(m) {
			t.Fatalf("%d keys listed, %d read", len(keys), len(m))
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Fatalf("key %q listed but not read", k)
			}
		}
	})
}

// FuzzEdit: after Set(key, value) succeeds, s3cmd reads value for key and
// every other key as before; after Delete, it reads no value for key.
// Lines that no edit is about keep their bytes.
func FuzzEdit(f *testing.F) {
	for _, s := range trickySeeds {
		f.Add([]byte(s), "host_base", "new.example")
		f.Add([]byte(s), "secret_key", "a#b;c=d")
		f.Add([]byte(s), "new_key", "")
	}
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		file, _ := Parse(data)
		before := snapshot(file)
		if err := file.Set(key, value); err == nil {
			after, _ := Parse(file.Bytes())
			if got, ok := after.Get(key); !ok || got != value {
				t.Fatalf("after Set(%q, %q): Get = %q, %v", key, value, got, ok)
			}
			checkOthers(t, before, snapshot(after), key)
		}
		file, _ = Parse(data)
		file.Delete(key)
		after, _ := Parse(file.Bytes())
		if _, ok := after.Get(key); ok {
			t.Fatalf("after Delete(%q) the key is still read", key)
		}
		checkOthers(t, before, snapshot(after), key)
	})
}

func snapshot(f *File) map[string]string {
	m := map[string]string{}
	for k, o := range f.rawMap() {
		m[k] = pyStrip(o.raw)
	}
	return m
}

func checkOthers(t *testing.T, before, after map[string]string, key string) {
	t.Helper()
	for k, v := range before {
		if k != key && after[k] != v {
			t.Fatalf("editing %q changed %q from %q to %q", key, k, v, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && k != key {
			t.Fatalf("editing %q added key %q", key, k)
		}
	}
}

// FuzzVStorageFull: whatever answers Full and Short accept, the files they
// write parse without error and s3cmd's reading of them (Resolve) gives
// back the access key, the secret key, the region and the endpoint as
// given; the two forms agree on every key of the short form; and Apply to
// an empty file leaves a file that reads the same.
func FuzzVStorageFull(f *testing.F) {
	f.Add(sampleVStorage.AccessKey, sampleVStorage.SecretKey.Reveal(), "HCM04", "", false)
	f.Add("AKHAN02", "s/e+c=r%%et", "han02", "", true)
	f.Add("AKLOCAL", "x", "lab", "http://127.0.0.1:9000", false)
	f.Add("AK", "mật-khẩu", "HCM04", "hcm03-encrypt-vstorage.vngcloud.vn/", false)
	f.Add("AK", "'single' \"double\" #; $HOME %(x)s", "hcm03", "HTTPS://h:1", true)
	f.Add(" AK ", "\ta\u00a0", " US ", "h", false)
	f.Fuzz(func(t *testing.T, ak, sk, region, endpoint string, pathStyle bool) {
		v := VStorage{AccessKey: ak, SecretKey: vngcloud.Secret(sk), Region: region, Endpoint: endpoint, PathStyle: pathStyle}
		full, err := v.Full(nil)
		short, serr := v.Short()
		if (err == nil) != (serr == nil) {
			t.Fatalf("Full: %v, Short: %v", err, serr)
		}
		if err != nil {
			return
		}
		rt := Runtime{LookupEnv: EnvMap(nil)}
		var cfgs []*Config
		for name, data := range map[string][]byte{"full": full, "short": short} {
			file, err := Parse(data)
			if err != nil {
				t.Fatalf("%s: Parse: %v\n%s", name, err, data)
			}
			c := file.Resolve(rt)
			if c.Err() != nil {
				t.Fatalf("%s: Resolve: %v", name, c.Err())
			}
			if c.AccessKey() != ak || c.SecretKey().Reveal() != sk {
				t.Fatalf("%s: keys read back as %q, %q", name, c.AccessKey(), c.SecretKey().Reveal())
			}
			if loc, _ := c.Value("bucket_location"); !strings.EqualFold(loc, strings.TrimSpace(region)) {
				t.Fatalf("%s: bucket_location %q, region %q", name, loc, region)
			}
			if endpoint != "" {
				host, _ := c.Value("host_base")
				if !strings.Contains(strings.ToLower(endpoint), strings.ToLower(host)) {
					t.Fatalf("%s: host_base %q is not from endpoint %q", name, host, endpoint)
				}
			}
			cfgs = append(cfgs, c)
		}
		applied, _ := Parse(nil)
		if _, err := v.Apply(applied); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		ca := applied.Resolve(rt)
		for _, k := range []string{"access_key", "secret_key", "host_base", "host_bucket", "bucket_location", "use_https", "signature_v2"} {
			a, _ := cfgs[0].Value(k)
			b, _ := cfgs[1].Value(k)
			c, _ := ca.Value(k)
			if a != b || a != c {
				t.Fatalf("%s: the forms read %q, %q and (applied) %q", k, a, b, c)
			}
		}
	})
}
