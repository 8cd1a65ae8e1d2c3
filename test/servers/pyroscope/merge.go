package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
	profilev1 "github.com/grafana/pyroscope/api/gen/proto/go/google/v1"
	typesv1 "github.com/grafana/pyroscope/api/gen/proto/go/types/v1"
	"google.golang.org/protobuf/proto"
)

func load(file string) (*profile.Profile, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return profile.Parse(f)
}

// Go heap profiles carry four sample types; Pyroscope names each
// memory:<type>:<unit>:space:bytes.
func profileTypes(p *profile.Profile) []*typesv1.ProfileType {
	var out []*typesv1.ProfileType
	for _, st := range p.SampleType {
		pt, pu := "", ""
		if p.PeriodType != nil {
			pt, pu = p.PeriodType.Type, p.PeriodType.Unit
		}
		id := fmt.Sprintf("memory:%s:%s:%s:%s", st.Type, st.Unit, pt, pu)
		out = append(out, &typesv1.ProfileType{ID: id, Name: "memory", SampleType: st.Type, SampleUnit: st.Unit, PeriodType: pt, PeriodUnit: pu})
	}
	return out
}

func sampleTypeOf(id string) (string, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 5 {
		return "", fmt.Errorf("invalid profile type id %q", id)
	}
	return parts[1], nil
}

var matcherRe = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$`)

// parseSelector reads {a="b", c="d"}: equality matchers, what these tests send.
func parseSelector(sel string) (map[string]string, error) {
	sel = strings.TrimSpace(sel)
	if !strings.HasPrefix(sel, "{") || !strings.HasSuffix(sel, "}") {
		return nil, fmt.Errorf("parse error: label selector %q", sel)
	}
	out := map[string]string{}
	body := strings.TrimSpace(sel[1 : len(sel)-1])
	if body == "" {
		return out, nil
	}
	for _, part := range strings.Split(body, ",") {
		m := matcherRe.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("parse error: label matcher %q", part)
		}
		out[m[1]] = m[2]
	}
	return out, nil
}

func matches(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// merge sums the selected profiles, keeps one sample type as Pyroscope does, and
// with maxNodes folds every function outside the top maxNodes (by total) into "other".
func merge(files []string, sampleType string, maxNodes *int64) (*profilev1.Profile, error) {
	p, err := mergeFiles(files, sampleType, maxNodes)
	if err != nil || p == nil {
		return &profilev1.Profile{StringTable: []string{""}}, err
	}
	var buf bytes.Buffer
	if err := p.WriteUncompressed(&buf); err != nil {
		return nil, err
	}
	out := &profilev1.Profile{}
	if err := proto.Unmarshal(buf.Bytes(), out); err != nil {
		return nil, err
	}
	return out, nil
}

// mergeFiles returns nil when nothing was selected.
func mergeFiles(files []string, sampleType string, maxNodes *int64) (*profile.Profile, error) {
	var ps []*profile.Profile
	for _, f := range files {
		p, err := load(f)
		if err != nil {
			return nil, err
		}
		idx := -1
		for i, st := range p.SampleType {
			if st.Type == sampleType {
				idx = i
			}
		}
		if idx < 0 {
			continue
		}
		p.SampleType = []*profile.ValueType{p.SampleType[idx]}
		p.DefaultSampleType = ""
		for _, s := range p.Sample {
			s.Value = []int64{s.Value[idx]}
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	p, err := profile.Merge(ps)
	if err != nil {
		return nil, err
	}
	if maxNodes != nil && *maxNodes > 0 {
		truncate(p, int(*maxNodes))
	}
	return p, nil
}

func truncate(p *profile.Profile, maxNodes int) {
	total := map[*profile.Function]int64{}
	for _, s := range p.Sample {
		seen := map[*profile.Function]bool{}
		for _, l := range s.Location {
			for _, ln := range l.Line {
				if ln.Function != nil && !seen[ln.Function] {
					seen[ln.Function] = true
					total[ln.Function] += s.Value[0]
				}
			}
		}
	}
	fns := make([]*profile.Function, 0, len(total))
	for f := range total {
		fns = append(fns, f)
	}
	if len(fns) <= maxNodes {
		return
	}
	sort.Slice(fns, func(i, j int) bool { return total[fns[i]] > total[fns[j]] })
	for _, f := range fns[maxNodes:] {
		f.Name, f.SystemName, f.Filename, f.StartLine = "other", "other", "", 0
	}
	p.Compact()
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}
