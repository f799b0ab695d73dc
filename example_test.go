package vngcloud_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/vstorage-sdk/vngcloud"
)

func ExampleSecret() {
	s := vngcloud.Secret("wJalrXUtnFEMI/K7MDENG")
	fmt.Println(s)
	fmt.Printf("%q %#v\n", s, s)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	logger.Info("new key", "secret", s)
	fmt.Println(len(s.Reveal()))
	// Output:
	// [REDACTED]
	// "[REDACTED]" vngcloud.Secret("[REDACTED]")
	// level=INFO msg="new key" secret=[REDACTED]
	// 21
}

func ExampleAPIError() {
	// What a failed call returns: inspect the kind with errors.Is and the
	// details with errors.As.
	var err error = &vngcloud.APIError{
		Operation:  "vstorage.LinkS3Key",
		StatusCode: 200,
		Code:       "114",
		Message:    "This S3 key is already attached with this service account",
		Kind:       vngcloud.ErrConflict,
	}
	if errors.Is(err, vngcloud.ErrConflict) {
		fmt.Println("already attached")
	}
	var ae *vngcloud.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Code)
	}
	fmt.Println(err)
	// Output:
	// already attached
	// 114
	// vngcloud: vstorage.LinkS3Key: HTTP 200 (code 114): This S3 key is already attached with this service account
}

func ExampleErrMaybeApplied() {
	err := fmt.Errorf("creating the key: %w", &vngcloud.APIError{
		Operation: "vstorage.CreateS3Key", StatusCode: 502, Message: "Bad Gateway",
		MaybeApplied: true, Hint: "list the project's S3 keys before trying again",
	})
	if errors.Is(err, vngcloud.ErrMaybeApplied) {
		fmt.Println("look before you retry:", err)
	}
	// Output:
	// look before you retry: creating the key: vngcloud: vstorage.CreateS3Key: HTTP 502: Bad Gateway; the change may have happened; list the project's S3 keys before trying again
}
