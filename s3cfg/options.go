package s3cfg

import (
	"sort"
	"strings"
)

// Kind is the type s3cmd gives an option: the type of its class default.
type Kind int

// The kinds of option.
const (
	KindString Kind = iota + 1 // any text
	KindBool                   // true/yes/on/1 or false/no/off/0, any case; dumped True/False
	KindInt                    // Python int(); verbosity and limitrate have their own rules
)

// String returns "string", "bool" or "int".
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindBool:
		return "bool"
	case KindInt:
		return "int"
	}
	return "unknown"
}

// Option is one of the options s3cmd 2.3.0 reads from its file and writes
// in its dumps.
type Option struct {
	// Key is the option's name, as written in the file.
	Key string
	// Kind is its type.
	Kind Kind
	// Default is what "s3cmd --dump-config" prints when no file sets the
	// option, with stdout not a terminal and a UTF-8 locale (LANG=C.UTF-8).
	// progress_meter (False) and encoding (UTF-8) depend on that; see
	// [Runtime].
	Default string
}

// options is s3cmd 2.3.0's option_list(): every class attribute of
// S3/Config.py whose default is a str, int or bool, in dir() order (byte
// order), with the value "--dump-config" prints for it. Checked against the
// real s3cmd by TestOptionsMatchS3cmd.
var options = []Option{
	{"access_key", KindString, ""},
	{"access_token", KindString, ""},
	{"add_encoding_exts", KindString, ""},
	{"add_headers", KindString, ""},
	{"bucket_location", KindString, "US"},
	{"ca_certs_file", KindString, ""},
	{"cache_file", KindString, ""},
	{"check_ssl_certificate", KindBool, "True"},
	{"check_ssl_hostname", KindBool, "True"},
	{"cloudfront_host", KindString, "cloudfront.amazonaws.com"},
	{"connection_max_age", KindInt, "5"},
	{"connection_pooling", KindBool, "True"},
	{"content_disposition", KindString, ""},
	{"content_type", KindString, ""},
	{"default_mime_type", KindString, "binary/octet-stream"},
	{"delay_updates", KindBool, "False"},
	{"delete_after", KindBool, "False"},
	{"delete_after_fetch", KindBool, "False"},
	{"delete_removed", KindBool, "False"},
	{"dry_run", KindBool, "False"},
	{"enable_multipart", KindBool, "True"},
	{"encoding", KindString, "UTF-8"},
	{"encrypt", KindBool, "False"},
	{"expiry_date", KindString, ""},
	{"expiry_days", KindString, ""},
	{"expiry_prefix", KindString, ""},
	{"follow_symlinks", KindBool, "False"},
	{"force", KindBool, "False"},
	{"get_continue", KindBool, "False"},
	{"gpg_command", KindString, ""},
	{"gpg_decrypt", KindString, "%(gpg_command)s -d --verbose --no-use-agent --batch --yes --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s"},
	{"gpg_encrypt", KindString, "%(gpg_command)s -c --verbose --no-use-agent --batch --yes --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s"},
	{"gpg_passphrase", KindString, ""},
	{"guess_mime_type", KindBool, "True"},
	{"host_base", KindString, "s3.amazonaws.com"},
	{"host_bucket", KindString, "%(bucket)s.s3.amazonaws.com"},
	{"human_readable_sizes", KindBool, "False"},
	{"invalidate_default_index_on_cf", KindBool, "False"},
	{"invalidate_default_index_root_on_cf", KindBool, "True"},
	{"invalidate_on_cf", KindBool, "False"},
	{"kms_key", KindString, ""},
	{"limit", KindInt, "-1"},
	{"limitrate", KindInt, "0"},
	{"list_allow_unordered", KindBool, "False"},
	{"list_md5", KindBool, "False"},
	{"log_target_prefix", KindString, ""},
	{"long_listing", KindBool, "False"},
	{"max_delete", KindInt, "-1"},
	{"mime_type", KindString, ""},
	{"multipart_chunk_size_mb", KindInt, "15"},
	{"multipart_copy_chunk_size_mb", KindInt, "1024"},
	{"multipart_max_chunks", KindInt, "10000"},
	{"preserve_attrs", KindBool, "True"},
	{"progress_meter", KindBool, "False"},
	{"proxy_host", KindString, ""},
	{"proxy_port", KindInt, "3128"},
	{"public_url_use_https", KindBool, "False"},
	{"put_continue", KindBool, "False"},
	{"recursive", KindBool, "False"},
	{"recv_chunk", KindInt, "65536"},
	{"reduced_redundancy", KindBool, "False"},
	{"requester_pays", KindBool, "False"},
	{"restore_days", KindInt, "1"},
	{"restore_priority", KindString, "Standard"},
	{"secret_key", KindString, ""},
	{"send_chunk", KindInt, "65536"},
	{"server_side_encryption", KindBool, "False"},
	{"signature_v2", KindBool, "False"},
	{"signurl_use_https", KindBool, "False"},
	{"simpledb_host", KindString, "sdb.amazonaws.com"},
	{"skip_existing", KindBool, "False"},
	{"socket_timeout", KindInt, "300"},
	{"ssl_client_cert_file", KindString, ""},
	{"ssl_client_key_file", KindString, ""},
	{"stats", KindBool, "False"},
	{"stop_on_error", KindBool, "False"},
	{"storage_class", KindString, ""},
	{"throttle_max", KindInt, "100"},
	{"upload_id", KindString, ""},
	{"urlencoding_mode", KindString, "normal"},
	{"use_http_expect", KindBool, "False"},
	{"use_https", KindBool, "True"},
	{"use_mime_magic", KindBool, "True"},
	{"verbosity", KindInt, "WARNING"},
	{"website_endpoint", KindString, "http://%(bucket)s.s3-website-%(location)s.amazonaws.com/"},
	{"website_error", KindString, ""},
	{"website_index", KindString, "index.html"},
}

// optionIndex maps a key to its index in options.
var optionIndex = func() map[string]int {
	m := make(map[string]int, len(options))
	for i, o := range options {
		m[o.Key] = i
	}
	return m
}()

// Options returns the 87 options of s3cmd 2.3.0, in the order its dumps
// list them. "acl_public" is not among them: s3cmd reads it from the file
// as a special case and dumps it only once it is set.
func Options() []Option { return append([]Option(nil), options...) }

// LookupOption returns the option called key. Keys are case-sensitive.
func LookupOption(key string) (Option, bool) {
	i, ok := optionIndex[key]
	if !ok {
		return Option{}, false
	}
	return options[i], true
}

// Keys s3cmd 2.3.0 handles outside option_list().
const (
	keyACLPublic  = "acl_public"
	keyAddHeaders = "add_headers"
)

// newerKeys are options of s3cmd 2.4.0 and later that 2.3.0 ignores.
var newerKeys = map[string]string{
	"keep_dirs":                   "2.4.0",
	"max_retries":                 "2.4.0",
	"skip_destination_validation": "2.4.0",
	"sts_endpoint":                "2.4.0 (after the release)",
}

// notFromFile are attributes of s3cmd's Config that look like options but
// that s3cmd never reads from the file (their default is a list, dict,
// class or None).
var notFromFile = map[string]bool{
	"progress_class": true, "extra_headers": true, "enable": true,
	"acl_grants": true, "acl_revokes": true, "preserve_attrs_list": true,
	"sync_checks": true, "exclude": true, "include": true,
	"debug_exclude": true, "debug_include": true,
	"additional_destinations": true, "files_from": true, "remove_headers": true,
}

// isKnownKey reports whether s3cmd 2.3.0 applies key when it reads a file.
func isKnownKey(key string) bool {
	_, ok := optionIndex[key]
	return ok || key == keyACLPublic
}

// Suggest returns the known option that an unknown key most likely
// misspells ("secretkey" → "secret_key", "Access_Key" → "access_key",
// "host-base" → "host_base"), or "" when there is no single close match.
// It returns "" for a known key.
func Suggest(key string) string {
	// No option is longer than 40 characters; a longer key is no typo
	// of one.
	if isKnownKey(key) || len(key) > 64 {
		return ""
	}
	n := normKey(key)
	if n == "" {
		return ""
	}
	nr := []rune(n)
	limit := 2
	if len(nr) < 7 {
		limit = 1
	}
	best, bestD, ties := "", limit+1, 0
	buf := make([]int, 3*64)
	for _, c := range suggestions {
		if c.norm == n {
			return c.key
		}
		d := editDistance(nr, c.runes, limit, buf)
		switch {
		case d < bestD:
			best, bestD, ties = c.key, d, 0
		case d == bestD:
			ties++
		}
	}
	if best == "" || ties > 0 {
		return ""
	}
	return best
}

// normKey folds case and drops the separators people mix up.
func normKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', ' ', '.':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// suggestions are the keys Suggest can return, with their folded forms.
var suggestions = func() []suggestion {
	var out []suggestion
	for _, k := range append(sortedKeys(optionIndex), keyACLPublic) {
		n := normKey(k)
		out = append(out, suggestion{k, n, []rune(n)})
	}
	return out
}()

type suggestion struct {
	key, norm string
	runes     []rune
}

// editDistance is the optimal-string-alignment distance (Levenshtein with
// adjacent transpositions) between a and b, by rune, or limit+1 as soon as
// it must exceed limit.
// buf holds three rows of len(b)+1 ints or is nil.
func editDistance(a, b []rune, limit int, buf []int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	w := len(b) + 1
	if len(buf) < 3*w {
		buf = make([]int, 3*w)
	}
	prev2, prev, cur := buf[:w], buf[w:2*w], buf[2*w:3*w]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// sortedKeys returns the keys of m in byte order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
