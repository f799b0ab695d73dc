package region_test

import (
	"fmt"

	"github.com/vstorage-sdk/vngcloud/vstorage/region"
)

func ExampleForManagement() {
	for _, mgmt := range []string{"hcm-3", "HAN", "hcm04"} {
		r, _ := region.ForManagement(mgmt)
		fmt.Println(mgmt, "->", r, "S3", r.S3URL())
	}
	// Output:
	// hcm-3 -> HCM04 S3 https://hcm04.vstorage.vngcloud.vn
	// HAN -> HAN02 S3 https://han02.vstorage.vngcloud.vn
	// hcm04 -> HCM04 S3 https://hcm04.vstorage.vngcloud.vn
}

func ExampleByName() {
	r, ok := region.ByName("han02")
	fmt.Println(r.Name, r.APIEndpoint, ok)
	_, ok = region.ByName("hcm-3") // a management name: see ForManagement
	fmt.Println(ok)
	// Output:
	// HAN02 https://han02-api.vstorage.vngcloud.vn/api/v1/ true
	// false
}
