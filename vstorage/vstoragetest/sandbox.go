package vstoragetest

import (
	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
)

// Sandbox is an in-memory vIAM and vStorage as a new account has them: a
// login service account and one project in HCM04. Programs and tests
// connect to it as to the cloud, with ClientID and Secret against
// IAM.URL() and Storage.URL().
type Sandbox struct {
	// IAM is the vIAM test server that issues the tokens.
	IAM *viamtest.Server
	// Storage is the vStorage test server.
	Storage *Server
	// ClientID and Secret are the login service account's credentials.
	ClientID string
	Secret   vngcloud.Secret
	// ProjectID is the project's ID in region HCM04.
	ProjectID string
}

// NewSandbox starts the two test servers on loopback addresses; opts are
// the storage server's options (WithDataPlane and WithS3Endpoints to hand
// out keys a real S3 server accepts). Close stops them.
func NewSandbox(opts ...Option) *Sandbox {
	iam := viamtest.NewServer()
	sb := &Sandbox{IAM: iam, Storage: NewServer(iam, opts...)}
	_, sb.ClientID, sb.Secret = iam.AddServiceAccount("demo-login")
	sb.ProjectID = sb.Storage.AddProject("HCM04", "demo-project")
	return sb
}

// Close stops both servers.
func (sb *Sandbox) Close() { sb.Storage.Close(); sb.IAM.Close() }

// Getenv answers for the VNGCLOUD_* variables that point a program at the
// sandbox: the client ID and secret, the two endpoints, the region (HCM04)
// and the project ID; "" for any other name. It is a getenv for
// vstorage.ClientsFromEnv.
func (sb *Sandbox) Getenv(name string) string {
	switch name {
	case "VNGCLOUD_CLIENT_ID":
		return sb.ClientID
	case "VNGCLOUD_CLIENT_SECRET":
		return sb.Secret.Reveal()
	case "VNGCLOUD_IAM_ENDPOINT":
		return sb.IAM.URL()
	case "VNGCLOUD_VSTORAGE_ENDPOINT":
		return sb.Storage.URL()
	case "VNGCLOUD_REGION":
		return "HCM04"
	case "VNGCLOUD_PROJECT_ID":
		return sb.ProjectID
	}
	return ""
}
