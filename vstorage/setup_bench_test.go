package vstorage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vstorage-sdk/vngcloud/viam"
	"github.com/vstorage-sdk/vngcloud/vstorage"
)

// benchLatency is what every answer of both test servers is delayed by.
const benchLatency = 50 * time.Millisecond

// BenchmarkSetupRoundTrips runs the unrestricted and the restricted flows
// (a new service account with a managed policy, a new bucket and its
// grant, the config write) against test servers that answer every call
// after 50 ms, as a cloud 50 ms away would, with a new token source each
// time, as a program that starts. It reports the wall time divided by the
// latency (the round trips the caller waits for, plus the run's CPU time,
// which a loaded machine inflates) and the number of requests sent.
//
//	go test -run '^$' -bench BenchmarkSetupRoundTrips -benchtime 10x -count 5 ./vstorage/
func BenchmarkSetupRoundTrips(b *testing.B) {
	for _, restricted := range []bool{false, true} {
		name := "unrestricted"
		if restricted {
			name = "restricted"
		}
		b.Run(name, func(b *testing.B) {
			var total time.Duration
			calls := 0
			for i := range b.N {
				b.StopTimer()
				e := newFlowEnvLatency(b, benchLatency)
				req := e.request(restricted, &memConfig{})
				if restricted {
					req.Bucket = fmt.Sprintf("bench-%d", i)
					req.Restrict.ServiceAccount = fmt.Sprintf("bench-%d", i)
					req.Restrict.ManagedPolicy = viam.PolicyVStorageClientToolFullAccess
				}
				b.StartTimer()
				start := time.Now()
				if _, err := vstorage.Setup(context.Background(), req); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				calls += len(e.stSrv.Calls()) + len(e.iamSrv.Calls())
			}
			b.ReportMetric(float64(total)/float64(b.N)/float64(benchLatency), "round-trips")
			b.ReportMetric(float64(calls)/float64(b.N), "requests/op")
		})
	}
}
