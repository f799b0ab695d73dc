package vngcloud

// Version is the SDK's version. It appears in the User-Agent header as
// "vngcloud-go/<Version> go/<runtime version>".
const Version = "0.1.0"
