package s3cfg

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// DecodeError reports a file that s3cmd cannot decode. s3cmd always decodes
// its config file as UTF-8 (whatever its "encoding" key says) and stops
// with "ERROR: Parameter problem: <Python's message>", exit code 64.
type DecodeError struct {
	// Offset is the byte offset of the first byte that does not decode.
	Offset int
	// Encoding names a detected UTF-16 or UTF-32 byte order mark, or is
	// empty.
	Encoding string
	// Python is the message s3cmd 2.3.0 prints after "Parameter problem: ",
	// for files up to 8192 bytes (Python decodes in chunks; in a larger
	// file the position it reports is relative to its chunk).
	Python string
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Encoding != "" {
		return fmt.Sprintf("s3cfg: the file is %s (it starts with a %s byte order mark); s3cmd reads only UTF-8 and fails with: %s", e.Encoding, e.Encoding, e.Python)
	}
	return fmt.Sprintf("s3cfg: invalid UTF-8 at byte %d; s3cmd fails with: %s", e.Offset, e.Python)
}

// pyChunk is the size of the chunks Python's TextIOWrapper decodes.
const pyChunk = 8192

// decodeCheck validates data as UTF-8 the way CPython's strict utf-8
// decoder does and returns the error s3cmd would report, or nil.
func decodeCheck(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	off, n, reason := utf8Error(data)
	if off < 0 {
		return nil
	}
	e := &DecodeError{Offset: off}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		e.Encoding = "UTF-32LE"
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		e.Encoding = "UTF-32BE"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		e.Encoding = "UTF-16LE"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		e.Encoding = "UTF-16BE"
	}
	// Python decodes chunk by chunk and keeps an incomplete sequence for
	// the next call, so positions are relative to the decoder's input. At
	// the end of the file only the pending bytes are left.
	pos := off % pyChunk
	if reason == "unexpected end of data" {
		pos = 0
	}
	if n == 1 {
		e.Python = fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", data[off], pos, reason)
	} else {
		e.Python = fmt.Sprintf("'utf-8' codec can't decode bytes in position %d-%d: %s", pos, pos+n-1, reason)
	}
	return e
}

// utf8Error finds the first decoding error as CPython reports it: its
// offset, the number of bytes the error covers and the reason. It returns
// off < 0 when data is valid.
func utf8Error(data []byte) (off, n int, reason string) {
	cont := func(b byte) bool { return b&0xC0 == 0x80 }
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c < 0x80:
			i++
			continue
		case c < 0xC2 || c > 0xF4:
			return i, 1, "invalid start byte"
		}
		need := 2
		if c >= 0xE0 {
			need = 3
		}
		if c >= 0xF0 {
			need = 4
		}
		avail := len(data) - i
		// The second byte has a narrower range after E0, ED, F0 and F4.
		second := func(b byte) bool {
			if !cont(b) {
				return false
			}
			switch c {
			case 0xE0:
				return b >= 0xA0
			case 0xED:
				return b < 0xA0
			case 0xF0:
				return b >= 0x90
			case 0xF4:
				return b < 0x90
			}
			return true
		}
		for k := 1; k < need; k++ {
			if k >= avail {
				return i, avail, "unexpected end of data"
			}
			ok := cont(data[i+k])
			if k == 1 {
				ok = second(data[i+k])
			}
			if !ok {
				return i, k, "invalid continuation byte"
			}
		}
		i += need
	}
	return -1, 0, ""
}
