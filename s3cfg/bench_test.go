package s3cfg

import (
	"bytes"
	"testing"

	"gopkg.in/ini.v1"
)

// BenchmarkBuildFullConfig builds the 88-line full config (the saved
// --configure sample) two ways: impl=s3cfg with VStorage.Full, which also
// checks that s3cmd reads every value back as given; impl=ini.v1 with
// gopkg.in/ini.v1, setting the same 87 keys and values in [default] and
// writing the file. Compare with:
//
//	go test -run '^$' -bench BuildFullConfig -count 10 ./s3cfg | benchstat -col /impl -
//
// BenchmarkLoadFullConfig (ini_test.go) is the reading side.
func BenchmarkBuildFullConfig(b *testing.B) {
	want, err := sampleVStorage.Full(nil)
	if err != nil {
		b.Fatal(err)
	}
	f, err := Parse(want)
	if err != nil {
		b.Fatal(err)
	}
	type kv struct{ k, v string }
	var kvs []kv
	for _, k := range f.Keys() {
		v, _ := f.Get(k)
		kvs = append(kvs, kv{k, v})
	}
	b.Run("impl=ini.v1", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			cfg := ini.Empty()
			sec := cfg.Section("default")
			for _, p := range kvs {
				if _, err := sec.NewKey(p.k, p.v); err != nil {
					b.Fatal(err)
				}
			}
			buf.Reset()
			if _, err := cfg.WriteTo(&buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=s3cfg", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			got, err := sampleVStorage.Full(nil)
			if err != nil || len(got) != len(want) {
				b.Fatal(err)
			}
		}
	})
}

// TestBuildBenchmarkSameContent guards BenchmarkBuildFullConfig: ini.v1,
// given the keys and values of Full's output, writes a file that s3cmd
// reads as the same configuration.
func TestBuildBenchmarkSameContent(t *testing.T) {
	want, _ := sampleVStorage.Full(nil)
	f := mustParse(t, string(want))
	cfg := ini.Empty()
	sec := cfg.Section("default")
	for _, k := range f.Keys() {
		v, _ := f.Get(k)
		sec.NewKey(k, v)
	}
	var buf bytes.Buffer
	if _, err := cfg.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g := mustParse(t, buf.String())
	rt := Runtime{LookupEnv: EnvMap(nil)}
	a, b := f.Resolve(rt), g.Resolve(rt)
	for _, k := range a.Keys() {
		va, _ := a.Value(k)
		vb, _ := b.Value(k)
		if va != vb {
			t.Errorf("%s: s3cfg %q, ini.v1 %q", k, va, vb)
		}
	}
}
