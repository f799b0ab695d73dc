module github.com/vstorage-sdk/vngcloud

go 1.26
