// A local stand-in for Grafana Pyroscope's query API, for HeapLens's tests: the
// real Pyroscope server cannot be installed here, so this serves the same
// QuerierService with Pyroscope's own generated Connect handlers
// (github.com/grafana/pyroscope/api querierv1connect), over profiles that a real
// Go program wrote. Selection by labels and time, tenants, auth and max_nodes
// truncation are real; storage is a list of files given on the command line.
//
//	pyroscope-server -addr 127.0.0.1:0 -store store.json [-token T] [-user U -password P] [-tenant ID] [-prefix /api/datasources/proxy/uid/x]
//	pyroscope-server -merge -type alloc_space FILE... > merged.pb.gz   (the same merge, for the Parca stand-in)
//
// store.json: [{"labels":{"service_name":"checkout","version":"1.4"},"timeMs":1700000000000,"file":"a.pb.gz"}]
// It prints "listening on http://ADDR" once ready.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"connectrpc.com/connect"
	profilev1 "github.com/grafana/pyroscope/api/gen/proto/go/google/v1"
	querierv1 "github.com/grafana/pyroscope/api/gen/proto/go/querier/v1"
	"github.com/grafana/pyroscope/api/gen/proto/go/querier/v1/querierv1connect"
	typesv1 "github.com/grafana/pyroscope/api/gen/proto/go/types/v1"
)

type entry struct {
	Labels map[string]string `json:"labels"`
	TimeMs int64             `json:"timeMs"`
	File   string            `json:"file"`
}

type server struct {
	querierv1connect.UnimplementedQuerierServiceHandler
	store []entry
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	storePath := flag.String("store", "", "JSON list of stored profiles")
	token := flag.String("token", "", "require this bearer token")
	user := flag.String("user", "", "require basic auth with this user (and -password)")
	password := flag.String("password", "", "basic auth password")
	tenant := flag.String("tenant", "", "require this X-Scope-OrgID")
	prefix := flag.String("prefix", "", "serve under this path, as a Grafana data-source proxy does")
	mergeOnly := flag.Bool("merge", false, "merge the profiles named as arguments to stdout (gzip) and exit")
	sampleType := flag.String("type", "alloc_space", "with -merge: the sample type to keep")
	flag.Parse()
	if *mergeOnly {
		p, err := mergeFiles(flag.Args(), *sampleType, nil)
		if err == nil && p != nil {
			err = p.Write(os.Stdout)
		}
		if err != nil {
			fail(err)
		}
		return
	}

	raw, err := os.ReadFile(*storePath)
	if err != nil {
		fail(err)
	}
	s := &server{}
	if err := json.Unmarshal(raw, &s.store); err != nil {
		fail(err)
	}
	auth := connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			if err := checkAuth(req.Header(), *token, *user, *password, *tenant); err != nil {
				return nil, err
			}
			return next(ctx, req)
		}
	})
	path, handler := querierv1connect.NewQuerierServiceHandler(s, connect.WithInterceptors(auth))
	mux := http.NewServeMux()
	mux.Handle(strings.TrimSuffix(*prefix, "/")+path, http.StripPrefix(strings.TrimSuffix(*prefix, "/"), handler))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fail(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	fail(http.Serve(ln, mux))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// checkAuth answers as Pyroscope does behind its auth layers: 401 for a missing or
// wrong credential, 401 "no org id" in multi-tenant mode without the header.
func checkAuth(h http.Header, token, user, password, tenant string) error {
	got := h.Get("Authorization")
	if token != "" && got != "Bearer "+token {
		return connect.NewError(connect.CodeUnauthenticated, fmt.Errorf("invalid token"))
	}
	if user != "" {
		u, p, ok := (&http.Request{Header: h}).BasicAuth()
		if !ok || u != user || p != password {
			return connect.NewError(connect.CodeUnauthenticated, fmt.Errorf("invalid username or password"))
		}
	}
	if tenant != "" {
		org := h.Get("X-Scope-OrgID")
		if org == "" {
			return connect.NewError(connect.CodeUnauthenticated, fmt.Errorf("no org id"))
		}
		if org != tenant {
			return connect.NewError(connect.CodePermissionDenied, fmt.Errorf("tenant %q has no access", org))
		}
	}
	return nil
}

func (s *server) ProfileTypes(ctx context.Context, req *connect.Request[querierv1.ProfileTypesRequest]) (*connect.Response[querierv1.ProfileTypesResponse], error) {
	seen := map[string]bool{}
	var out []*typesv1.ProfileType
	for _, e := range s.inRange(req.Msg.Start, req.Msg.End) {
		p, err := load(e.File)
		if err != nil {
			return nil, connect.NewError(connect.CodeInternal, err)
		}
		for _, st := range profileTypes(p) {
			if !seen[st.ID] {
				seen[st.ID] = true
				out = append(out, st)
			}
		}
	}
	return connect.NewResponse(&querierv1.ProfileTypesResponse{ProfileTypes: out}), nil
}

func (s *server) LabelNames(ctx context.Context, req *connect.Request[typesv1.LabelNamesRequest]) (*connect.Response[typesv1.LabelNamesResponse], error) {
	seen := map[string]bool{}
	var out []string
	for _, e := range s.inRange(req.Msg.Start, req.Msg.End) {
		for k := range e.Labels {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return connect.NewResponse(&typesv1.LabelNamesResponse{Names: sorted(out)}), nil
}

func (s *server) LabelValues(ctx context.Context, req *connect.Request[typesv1.LabelValuesRequest]) (*connect.Response[typesv1.LabelValuesResponse], error) {
	seen := map[string]bool{}
	var out []string
	for _, e := range s.inRange(req.Msg.Start, req.Msg.End) {
		if v, ok := e.Labels[req.Msg.Name]; ok && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return connect.NewResponse(&typesv1.LabelValuesResponse{Names: sorted(out)}), nil
}

func (s *server) SelectMergeProfile(ctx context.Context, req *connect.Request[querierv1.SelectMergeProfileRequest]) (*connect.Response[profilev1.Profile], error) {
	m := req.Msg
	matchers, err := parseSelector(m.LabelSelector)
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	sampleType, err := sampleTypeOf(m.ProfileTypeID)
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	var files []string
	for _, e := range s.inRange(m.Start, m.End) {
		if matches(e.Labels, matchers) {
			files = append(files, e.File)
		}
	}
	p, err := merge(files, sampleType, m.MaxNodes)
	if err != nil {
		return nil, connect.NewError(connect.CodeInternal, err)
	}
	return connect.NewResponse(p), nil
}

// SelectMergeStacktraces with PROFILE_FORMAT_PPROF: the newer form of the same query.
func (s *server) SelectMergeStacktraces(ctx context.Context, req *connect.Request[querierv1.SelectMergeStacktracesRequest]) (*connect.Response[querierv1.SelectMergeStacktracesResponse], error) {
	m := req.Msg
	if m.Format != querierv1.ProfileFormat_PROFILE_FORMAT_PPROF {
		return nil, connect.NewError(connect.CodeUnimplemented, fmt.Errorf("only PROFILE_FORMAT_PPROF is served here"))
	}
	res, err := s.SelectMergeProfile(ctx, connect.NewRequest(&querierv1.SelectMergeProfileRequest{
		ProfileTypeID: m.ProfileTypeID, LabelSelector: m.LabelSelector, Start: m.Start, End: m.End, MaxNodes: m.MaxNodes,
	}))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&querierv1.SelectMergeStacktracesResponse{Pprof: &querierv1.PprofProfile{Profile: res.Msg}}), nil
}

func (s *server) inRange(start, end int64) []entry {
	var out []entry
	for _, e := range s.store {
		if (start == 0 || e.TimeMs >= start) && (end == 0 || e.TimeMs <= end) {
			out = append(out, e)
		}
	}
	return out
}
