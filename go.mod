module github.com/vstorage-sdk/vngcloud

go 1.26

require (
	github.com/google/go-querystring v1.2.0
	github.com/hashicorp/go-cleanhttp v0.5.2
	github.com/jarcoal/httpmock v1.4.2
	gopkg.in/ini.v1 v1.68.0
)
