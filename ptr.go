package vngcloud

// Ptr returns a pointer to v. Optional fields of update requests are
// pointers, so that "leave as it is" (nil) differs from "set to the zero
// value": viam.UpdateServiceAccountRequest{Description: vngcloud.Ptr("")}.
func Ptr[T any](v T) *T { return &v }
