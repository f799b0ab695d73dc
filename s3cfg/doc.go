// Package s3cfg builds, parses and edits s3cmd configuration files
// (~/.s3cfg, %APPDATA%\s3cmd.ini) exactly as s3cmd 2.3.0 reads and writes
// them, and writes vStorage configurations in place of the portal's
// "Integration → S3cmd → Download configuration file" step.
//
// # The format is not INI
//
// s3cmd has its own reader (S3/Config.py, class ConfigParser). A file that
// looks right can be read differently, and the result is a silent outage:
//
//   - Only whole-line "#" comments exist. "host_base = h # note" has the
//     value "h # note", and a secret containing "#" or ";" is kept whole.
//     A ";" line is not a comment: s3cmd ignores it with a warning.
//   - Sections do not matter. Every section is read, keys before the first
//     header count, and the last line that sets a key wins, across
//     sections. An empty last value wins too.
//   - One pair of double quotes is removed: `"abc"` reads as abc. When
//     spaces follow the closing quote, s3cmd cuts the last space instead
//     of the quote: `"abc"  ` reads as `abc"`. Single quotes are literal.
//   - Values are stripped with Python's definition of whitespace (which
//     includes NBSP and U+001C..U+001F), after quote removal, so
//     surrounding whitespace can never be kept.
//   - A value starting with "$" is replaced by that environment variable
//     (the option keeps its default when it is unset), for every option,
//     secrets included.
//   - host_base, host_bucket and cloudfront_host lose a leading "http://"
//     or "https://"; use_https alone chooses the scheme.
//   - Bool options take true/yes/on/1 and false/no/off/0 in any case; ints
//     take what Python's int() takes ("08080", "+5", "1_000"). Anything
//     else, an empty value included, stops s3cmd with exit code 64.
//   - Unknown keys ("secretkey", "Access_Key") are ignored without a word.
//   - The file is always decoded as UTF-8, whatever its "encoding" key
//     says. A UTF-8 byte order mark becomes part of line 1, so s3cmd loses
//     a key written there; UTF-16 (PowerShell 5's ">") and invalid UTF-8
//     stop s3cmd.
//   - LF, CRLF and a lone CR all end a line.
//
// gopkg.in/ini.v1 differs on most of these points (inline comments,
// sections, quotes, "$NAME", the BOM, "key: value", CR line ends, Python's
// whitespace); the package does not use it. TestINIDiffers shows each
// difference, TestINIAgrees the plain files on which the two agree.
//
// # Reading and editing
//
// [Parse] returns a lossless [File]: [File.Bytes] gives back the input byte
// for byte, and [File.Set] and [File.Delete] change only the lines they
// must. [File.Get] returns the value s3cmd reads for a key before typing;
// [File.Resolve] returns the whole [Config] as s3cmd sees it, with typed
// access ([Config.Bool], [Config.Int]) that fails with s3cmd's own error
// texts, and [Config.Dump] prints exactly what "s3cmd --dump-config"
// prints. [File.Diagnostics] lists what s3cmd ignores or reads in a
// surprising way, with a "did you mean" for misspelt keys.
//
// # Errors
//
// [Parse] fails only for bytes s3cmd cannot decode at all (a *[DecodeError],
// returned together with a File that still round-trips); everything s3cmd
// merely warns about is a [Diagnostic]. [Config.Err] and the typed
// accessors return an *[OptionError] carrying s3cmd's own message and exit
// code. Writing a value s3cmd would not read back fails with a
// *[ValueError].
//
// # Writing vStorage configurations
//
// [VStorage] builds a configuration from an access key, a secret key and a
// region (HCM04, HAN02, HCM03) or an explicit endpoint, in two forms:
//
//   - [VStorage.Short]: "[default]" and the seven keys that matter
//     (access_key, secret_key, host_base, host_bucket, bucket_location,
//     use_https, signature_v2). Everything else keeps s3cmd's default.
//   - [VStorage.Full]: byte for byte the file "s3cmd --configure" 2.3.0
//     writes for the same answers: "[default]" and all 87 options sorted
//     byte-wise as "key = value", LF, with a trailing space after "=" for
//     empty values. Four lines depend on the machine; see [Machine].
//
// bucket_location is the storage region, never "US" (with "US", s3cmd asks
// every bucket for its location first). [VStorage.Apply] updates an existing
// file instead, changing only the keys that differ.
//
// Values that no s3cmd file can hold are refused, naming the key and the
// reason but never the value: a line break, leading or trailing
// whitespace, a value wrapped in double quotes, or a leading "$"
// (see [CheckValue]).
//
// # Where the file goes
//
// [DestinationFor] computes, for any GOOS and environment, where s3cmd looks
// for its file: S3CMD_CONFIG, else %APPDATA%\s3cmd.ini on Windows, else
// $HOME/.s3cfg. The portal's download is called [DownloadName]
// (s3cnf.s3cfg) and is not read by s3cmd until it is moved there.
// [NewlineFor] gives the line ends s3cmd itself would write there, and
// [TypicalEnv] and [EnvFor] the paths of another system for a placeholder
// user. [CheckWritable] checks a destination without writing it;
// [WriteFile] writes it: temporary file, fsync, rename, mode 0600, a
// backup copy of an existing file, writers serialised, no symbolic link
// followed that another user controls. The rclone and awscli subpackages
// return the same [Destination] and wrap the same [ErrNoHome].
//
// # Secrets
//
// [File] and [Config] print only summaries with fmt and log/slog, by value
// or through a pointer; errors and diagnostics never contain values from
// the file except s3cmd's own messages about bool and int options; and
// secrets enter through [secret.Secret] (the type vngcloud.Secret names).
//
// The package and its subpackages import no HTTP code: the region table
// comes from the leaf package vstorage/region.
package s3cfg
