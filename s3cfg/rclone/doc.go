// Package rclone writes an rclone remote for VNG Cloud vStorage into
// rclone.conf, from the same key pair and region that build an s3cmd
// config ([s3cfg.VStorage]), and adds it to an existing file without
// disturbing the other remotes or the comments.
//
// # The remote
//
// [Remote.Section] gives the section rclone would write for it:
//
//	[vstorage]
//	type = s3
//	provider = Other
//	access_key_id = AK
//	secret_access_key = SK
//	endpoint = https://hcm04.vstorage.vngcloud.vn
//	region = HCM04
//	force_path_style = false
//
// endpoint is a URL with its scheme, as rclone wants it (the region's host
// over HTTPS, or [s3cfg.VStorage].Endpoint). region is the SigV4 signing
// region, the storage region's name. force_path_style is written either
// way, true for path-style requests (https://host/bucket/key) and false
// for virtual-host ones (https://bucket.host/key): rclone's default for
// provider Other is true, and an explicit value keeps the file meaning the
// same thing whatever a later rclone's default. No location_constraint is
// written: rclone then creates buckets without a LocationConstraint, which
// the region's endpoint accepts.
//
// # How rclone reads the file
//
// rclone 1.60 (Debian 12's package) reads rclone.conf with
// github.com/Unknwon/goconfig. What matters for values, checked with the
// real rclone (TestRcloneReadsTrickyValues):
//
//   - Lines are trimmed; "#" and ";" start a comment only at the start
//     of a line, so "a#b;c" is one value. There are no escapes.
//   - A value in backquotes, or in triple double quotes, loses them; a
//     value in double quotes keeps them ("x" reads as "x").
//   - "%(name)s" in a value is replaced with the value of key name (of
//     section DEFAULT or the same section), or with nothing.
//   - Remote "a.b" inherits every key it lacks from remote "a" (goconfig's
//     GetValue; names with "." are refused, see [CheckName]).
//   - Whenever rclone saves its config (after "rclone config" edits, token
//     refreshes of any remote, "rclone config touch"), it rewrites every
//     line its own way: a value holding a backquote in triple double
//     quotes when it also holds a double quote, and in double quotes
//     otherwise (which it then reads back with the quotes), every other
//     value as it is (so leading and trailing spaces are lost).
//
// Values are therefore written as rclone's own writer writes them, and a
// value that rclone would not read back exactly, now or after its next
// save, is refused with a *[ValueError] naming the key, never the value
// ([CheckValue]): an empty value, control characters, leading or trailing
// whitespace, a leading `"""`, a backquote without a double quote, and
// "%(name)s". A secret with "#", ";", "=", ":", quotes, "$", "%" or "\"
// is written as it is and works (TestRealRcloneTrickySecret).
//
// # Merging into an existing file: gopkg.in/ini.v1 reads, it does not write
//
// gopkg.in/ini.v1 reads rclone.conf as rclone does under [LoadOptions]
// (IgnoreInlineComment, IgnoreContinuation, PreserveSurroundedQuote):
// both come from goconfig and unquote backquotes and triple quotes the
// same way (TestINIv1ReadsLikeRclone compares the two on tricky lines).
// Without those options ini.v1 cuts "a#b;c" to "a". The package uses it
// to list remotes ([Remotes]) and to read every merged file back before
// it is written: the remote must hold exactly the values written.
//
// ini.v1 is not used to write. Its File.WriteTo reformats what it did not
// change (TestINIv1WriterDisturbs): it re-spaces every "key = value" line
// to align the "=" of a section, drops blank lines, and quotes values its
// own way (a value with a leading space in double quotes, which rclone
// keeps as part of the value). Instead [Remote.Merge] edits the original
// bytes: the lines of the remote's keys are rewritten in place or added
// after its last key, and every other byte is kept; a new remote is
// appended. The tests compare bytes: what precedes and follows the remote
// is byte-identical (TestMergeAppends, TestMergeUpdatesInPlace), and when
// rclone itself saves the file, the remote's lines do not change
// (TestRealRcloneTrickySecret).
//
// # Where the file goes
//
// [DestinationFor] computes, for any GOOS and environment, the file rclone
// reads: RCLONE_CONFIG, else the first existing of
// %APPDATA%\rclone\rclone.conf (Windows), $XDG_CONFIG_HOME/rclone/rclone.conf,
// ~/.config/rclone/rclone.conf and ~/.rclone.conf, else where rclone
// creates a new one (TestDestinationMatchesRclone compares it with
// "rclone config file"). It looks for existing files because writing a
// new file that rclone reads first would hide the user's other remotes.
// [Remote.WriteFile] merges and writes with [s3cfg.WriteFile]: atomic,
// mode 0600, the old file kept as a backup, nothing lost on failure.
//
// # Secrets
//
// The secret enters as a [github.com/vstorage-sdk/vngcloud.Secret] and leaves only in the bytes
// for the file. Errors name keys and line numbers, never values or lines.
package rclone
