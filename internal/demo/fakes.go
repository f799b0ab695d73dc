package demo

import (
	"fmt"
	"sync"

	"github.com/vstorage-sdk/vngcloud"
	"github.com/vstorage-sdk/vngcloud/viam/viamtest"
	"github.com/vstorage-sdk/vngcloud/vstorage"
	"github.com/vstorage-sdk/vngcloud/vstorage/vstoragetest"
)

// FakeOptions configure StartFakes.
type FakeOptions struct {
	// Region is the storage region the demo project lives in (default
	// HCM04).
	Region string
	// DataPlane, when set, is told about every S3 key the in-memory
	// vStorage creates or deletes, for example a real S3 server on
	// loopback (realtools.S3Server) in tests.
	DataPlane vstoragetest.DataPlane
	// S3Endpoint, when set, is the s3Host the in-memory vStorage reports
	// for Region, for example "http://127.0.0.1:PORT" of that S3 server.
	S3Endpoint string
}

// Fakes are in-memory vIAM and vStorage services with a login service
// account and one project, as a new account that bought a vStorage package
// has them.
type Fakes struct {
	IAM     *viamtest.Server
	Storage *vstoragetest.Server
	// ClientID and ClientSecret are the login service account's
	// credentials; LoginID is its ID.
	ClientID     string
	ClientSecret vngcloud.Secret
	LoginID      string
	// Region and ProjectID place the seeded project.
	Region    string
	ProjectID string

	closeOnce sync.Once
}

// StartFakes starts the in-memory services and seeds them.
func StartFakes(o FakeOptions) (*Fakes, error) {
	region := firstNonEmpty(o.Region, DefaultRegion)
	r, ok := vstorage.StorageRegionFor(region)
	if !ok {
		return nil, fmt.Errorf("region %q: the in-memory demo knows %s", region, regionNames())
	}
	iam := viamtest.NewServer()
	so := []vstoragetest.Option{vstoragetest.WithDataPlane(o.DataPlane)}
	if o.S3Endpoint != "" {
		so = append(so, vstoragetest.WithS3Endpoints(map[string]string{r.Name: o.S3Endpoint}))
	}
	st := vstoragetest.NewServer(iam, so...)
	f := &Fakes{IAM: iam, Storage: st, Region: r.Name}
	f.LoginID, f.ClientID, f.ClientSecret = iam.AddServiceAccount(demoLoginAccountName)
	f.ProjectID = st.AddProject(r.Name, demoProjectName)
	return f, nil
}

// Close stops both services. It is safe to call more than once.
func (f *Fakes) Close() {
	f.closeOnce.Do(func() {
		f.Storage.Close()
		f.IAM.Close()
	})
}

// CloudEnv returns the environment that makes Connect treat these services
// as the cloud: the login account's credentials, the endpoints, the region
// and the project, with extra added on top. Tests use it to run the
// examples' real-cloud path on loopback.
func (f *Fakes) CloudEnv(extra map[string]string) func(string) string {
	m := map[string]string{
		EnvClientID:         f.ClientID,
		EnvClientSecret:     f.ClientSecret.Reveal(),
		EnvIAMEndpoint:      f.IAM.URL(),
		EnvVStorageEndpoint: f.Storage.URL(),
		EnvRegion:           f.Region,
		EnvProjectID:        f.ProjectID,
	}
	for k, v := range extra {
		m[k] = v
	}
	return Getenv(m)
}

func regionNames() string {
	var s string
	for i, r := range vstorage.KnownRegions() {
		if i > 0 {
			s += ", "
		}
		s += r.Name
	}
	return s
}
