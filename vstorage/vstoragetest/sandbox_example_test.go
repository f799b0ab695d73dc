package vstoragetest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// A sandbox is what a new account has: a service account to log in with
// and one project.
func ExampleNewSandbox() {
	sb := vstoragetest.NewSandbox()
	defer sb.Close()

	ts, err := viam.NewClientCredentials(sb.ClientID, sb.Secret, vngcloud.WithEndpoint(sb.IAM.URL()))
	if err != nil {
		log.Fatal(err)
	}
	st, err := vstorage.NewClient(vngcloud.WithEndpoint(sb.Storage.URL()), vngcloud.WithTokenSource(ts))
	if err != nil {
		log.Fatal(err)
	}
	projects, err := st.ListProjects(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range projects {
		fmt.Println(p.Name, p.ID == sb.ProjectID)
	}
	// Output: demo-project true
}
