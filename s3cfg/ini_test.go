package s3cfg

import (
	"os"
	"testing"

	"gopkg.in/ini.v1"
)

// iniValue loads data with ini.v1 the way the SDK style guide recommends
// (IgnoreInlineComment) unless raw is set, and returns key's value in
// section [default] (or, for keys before any header, ini.v1's DEFAULT
// section), or the load error.
func iniValue(data, key string, raw bool) (string, error) {
	opts := ini.LoadOptions{IgnoreInlineComment: !raw}
	f, err := ini.LoadSources(opts, []byte(data))
	if err != nil {
		return "", err
	}
	if sec := f.Section("default"); sec.HasKey(key) {
		return sec.Key(key).Value(), nil
	}
	return f.Section(ini.DefaultSection).Key(key).Value(), nil
}

// TestINIDiffers shows, case by case, where gopkg.in/ini.v1 reads an s3cmd
// file differently from s3cmd 2.3.0. The s3cmd column is what s3cmd reads
// (the corpus tests check our reader against the real s3cmd on the same
// cases); our reader must give it, and ini.v1 must not.
func TestINIDiffers(t *testing.T) {
	tests := []struct {
		name, data, key string
		rawINI          bool   // ini.v1 defaults instead of IgnoreInlineComment
		s3cmd           string // what s3cmd reads
		iniErr          bool   // ini.v1 cannot load the file at all
	}{
		{"InlineHashComment", "[default]\nsecret_key = abc#def;ghi\n", "secret_key", true, "abc#def;ghi", false},
		{"InlineSemicolonComment", "[default]\nhost_base = h ; note\n", "host_base", true, "h ; note", false},
		{"SectionsMerge", "[default]\nhost_base = a\n[other]\nhost_base = b\n", "host_base", false, "b", false},
		{"QuoteQuirk", "[default]\nhost_base = \"abc\"  \n", "host_base", false, `abc"`, false},
		{"DoubleQuotedTwice", "[default]\nsecret_key = \"\"abc\"\"\n", "secret_key", false, `"abc"`, false},
		{"SingleQuotesLiteral", "[default]\nsecret_key = 'abc'\n", "secret_key", false, `'abc'`, false},
		{"EnvReference", "[default]\nsecret_key = $S3CFG_INI_TEST\n", "secret_key", false, "from-env", false},
		{"BOMHidesKey", "\ufeffhost_base = lost\n[default]\n", "host_base", false, "", false},
		{"ColonIsNoDelimiter", "[default]\nhost_base: h\n", "host_base", false, "", false},
		{"DashedKeyIgnored", "[default]\nhost-base = h\n", "host-base", false, "", false},
		{"PythonWhitespace", "[default]\nhost_base = h\x1c\n", "host_base", false, "h", false},
		{"CROnlyLineEnds", "[default]\rhost_base = h\r", "host_base", false, "h", false},
		{"IndentedLineIgnored", "[default]\nhost_base = h\n  continued\n", "host_base", false, "h", true},
		{"EmptySectionIgnored", "[]\n[default]\nhost_base = h\n", "host_base", false, "h", true},
	}
	env := EnvMap(map[string]string{"S3CFG_INI_TEST": "from-env"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.data)
			c := f.Resolve(Runtime{LookupEnv: env})
			ours, ok := c.Value(tt.key)
			if !ok {
				ours, _ = f.Get(tt.key)
			}
			if _, known := LookupOption(tt.key); known {
				// Unset options read as their default; compare with what
				// the file itself contributes.
				if f.Lines(tt.key) == nil {
					ours = ""
				}
			}
			if ours != tt.s3cmd {
				t.Fatalf("our reader: %q, s3cmd: %q", ours, tt.s3cmd)
			}
			got, err := iniValue(tt.data, tt.key, tt.rawINI)
			switch {
			case tt.iniErr && err == nil:
				t.Fatalf("ini.v1 loaded the file (%q); it was expected to fail", got)
			case tt.iniErr:
				t.Logf("ini.v1 cannot load the file: %v; s3cmd reads %q", err, tt.s3cmd)
			case err != nil:
				t.Fatalf("ini.v1: %v", err)
			case got == tt.s3cmd:
				t.Fatalf("ini.v1 agrees with s3cmd (%q); this case shows no difference", got)
			default:
				t.Logf("ini.v1 reads %q, s3cmd reads %q", got, tt.s3cmd)
			}
		})
	}
}

// TestINIAgrees: on plain files (s3cmd's own dumps, the short vStorage
// form) ini.v1 with IgnoreInlineComment reads every value as s3cmd does.
// This is the only ground on which ini.v1 could stand in for s3cmd.
func TestINIAgrees(t *testing.T) {
	short, _ := sampleVStorage.Short()
	full, _ := os.ReadFile("testdata/s3cmd-vstorage-hcm04.s3cfg")
	for name, data := range map[string]string{"short": string(short), "full": string(full),
		"duplicates": "[default]\nhost_base = a\nhost_base = b\n", "comments": "# c\n[default]\n  # c\nhost_base = h\n"} {
		f := mustParse(t, data)
		for _, k := range f.Keys() {
			want, _ := f.Get(k)
			got, err := iniValue(data, k, false)
			if err != nil || got != want {
				t.Errorf("%s: %s: ini.v1 %q (%v), s3cmd %q", name, k, got, err, want)
			}
		}
	}
}

// BenchmarkLoadFullConfig reads the 88-line full config (the saved
// --configure sample) two ways: impl=s3cfg parses it and computes its
// effective values as s3cmd would (Parse + Resolve); impl=ini.v1 loads the
// same bytes with gopkg.in/ini.v1 (IgnoreInlineComment) and reads every
// value. Compare with: benchstat -col /impl.
func BenchmarkLoadFullConfig(b *testing.B) {
	data, err := os.ReadFile("testdata/s3cmd-vstorage-hcm04.s3cfg")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=ini.v1", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			f, err := ini.LoadSources(ini.LoadOptions{IgnoreInlineComment: true}, data)
			if err != nil {
				b.Fatal(err)
			}
			for _, k := range f.Section("default").Keys() {
				_ = k.Value()
			}
		}
	})
	b.Run("impl=s3cfg", func(b *testing.B) {
		rt := Runtime{LookupEnv: EnvMap(nil)}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			f, err := Parse(data)
			if err != nil {
				b.Fatal(err)
			}
			if c := f.Resolve(rt); c.Err() != nil {
				b.Fatal(c.Err())
			}
		}
	})
}
