// helm-render renders a Helm chart the way Helm 3's engine does, for machines without a helm
// binary: Go's text/template with sprig's function map less env/expandenv, Helm's own functions
// (include, tpl, required, fail, toYaml, fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray,
// lookup answering an empty object as in `helm template`), values coalesced over values.yaml as
// Helm does (ints read as float64, null deletes a default), .Release, .Chart, .Capabilities with
// Has, .Files honouring .helmignore, .Template, "<no value>" erased, partials not rendered, NOTES.txt
// rendered apart, manifests split on "---" and each parsed with sigs.k8s.io/yaml like Helm's sorter.
// --strict is `helm template --strict` (missingkey=error); --lint is `helm lint --strict` (strict,
// and `required` and `fail` only log, as Helm's lint mode does).
//
// Build offline on Debian: GO111MODULE=off GOPATH=/usr/share/gocode go build -o helm-render .
// Output: one JSON object {manifests: [{template, content}], notes, values, logs} on stdout; an
// error message on stderr and exit status 1 when Helm would fail.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// Metadata is Helm's chart.Metadata: templates read it as .Chart.Name, .Chart.AppVersion, ...
type Metadata struct {
	Name         string                   `json:"name,omitempty"`
	Home         string                   `json:"home,omitempty"`
	Sources      []string                 `json:"sources,omitempty"`
	Version      string                   `json:"version,omitempty"`
	Description  string                   `json:"description,omitempty"`
	Keywords     []string                 `json:"keywords,omitempty"`
	Maintainers  []map[string]string      `json:"maintainers,omitempty"`
	Icon         string                   `json:"icon,omitempty"`
	APIVersion   string                   `json:"apiVersion,omitempty"`
	Condition    string                   `json:"condition,omitempty"`
	Tags         string                   `json:"tags,omitempty"`
	AppVersion   string                   `json:"appVersion,omitempty"`
	Deprecated   bool                     `json:"deprecated,omitempty"`
	Annotations  map[string]string        `json:"annotations,omitempty"`
	KubeVersion  string                   `json:"kubeVersion,omitempty"`
	Dependencies []map[string]interface{} `json:"dependencies,omitempty"`
	Type         string                   `json:"type,omitempty"`
}

// KubeVersion is Helm's chartutil.KubeVersion.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (k KubeVersion) String() string     { return k.Version }
func (k KubeVersion) GitVersion() string { return k.Version }

// VersionSet is Helm's chartutil.VersionSet.
type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// Capabilities is Helm's chartutil.Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion map[string]string
}

// The group/versions client-go registers, which `helm template` offers without --api-versions.
var builtInAPIVersions = []string{
	"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apps/v1",
	"authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
	"batch/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
	"events.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta3",
	"networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1",
	"scheduling.k8s.io/v1", "storage.k8s.io/v1", "storage.k8s.io/v1beta1",
}

// Files is Helm's chart Files: every file outside templates/ that .helmignore keeps.
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}
func (f Files) Lines(name string) []string {
	if f[name] == nil {
		return []string{}
	}
	return strings.Split(string(f[name]), "\n")
}
func (f Files) AsConfig() string {
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}
func (f Files) AsSecrets() string {
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(data)
	}
	return toYAML(m)
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(str string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(str), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(str string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(str), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

type engine struct {
	strict bool
	lint   bool
	logs   []string
}

const recursionMaxNums = 1000

func includeFun(t *template.Template, includedNames map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		if includedNames[name] > recursionMaxNums {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		includedNames[name]++
		err := t.ExecuteTemplate(&buf, name, data)
		includedNames[name]--
		return buf.String(), err
	}
}

func (e *engine) tplFun(parent *template.Template, includedNames map[string]int) func(string, interface{}) (string, error) {
	return func(tpl string, vals interface{}) (string, error) {
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		e.missingKey(t)
		t.Funcs(template.FuncMap{"include": includeFun(t, includedNames), "tpl": e.tplFun(t, includedNames)})
		t, err = t.New(parent.Name()).Parse(tpl)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", tpl, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", tpl, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

func (e *engine) missingKey(t *template.Template) {
	if e.strict {
		t.Option("missingkey=error")
	} else {
		t.Option("missingkey=zero")
	}
}

func warnWrap(warn string) string { return "HELM_ERR_START" + warn + "HELM_ERR_END" }

func (e *engine) funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	includedNames := map[string]int{}
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"include":       includeFun(t, includedNames),
		"tpl":           e.tplFun(t, includedNames),
		"required": func(warn string, val interface{}) (interface{}, error) {
			if val == nil || val == "" {
				if e.lint {
					e.logs = append(e.logs, "[INFO] Missing required value: "+warn)
					return "", nil
				}
				return val, errors.New(warnWrap(warn))
			}
			return val, nil
		},
		"fail": func(msg string) (string, error) {
			if e.lint {
				e.logs = append(e.logs, "[INFO] Fail: "+msg)
				return "", nil
			}
			return "", errors.New(warnWrap(msg))
		},
		// `helm template` and `helm lint` have no cluster: lookup finds nothing.
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

var execErrorLocation = regexp.MustCompile(`^template: (.*?): executing ".*?" at <.*?>: `)

// Helm's cleanupExecError: a `required` or `fail` message with the template's location.
func cleanupExecError(filename string, err error) error {
	msg := err.Error()
	start := strings.Index(msg, "HELM_ERR_START")
	if start < 0 {
		return fmt.Errorf("template: %s", strings.TrimPrefix(msg, "template: "))
	}
	end := strings.Index(msg, "HELM_ERR_END")
	location := filename
	if m := execErrorLocation.FindStringSubmatch(msg); m != nil {
		location = m[1]
	}
	return fmt.Errorf("execution error at (%s): %s", location, msg[start+len("HELM_ERR_START"):end])
}

type renderable struct {
	name string
	text string
}

// Helm's sortTemplates: deeper paths first, then names in reverse order.
func sortTemplates(names []string) {
	sort.Slice(names, func(i, j int) bool {
		ci, cj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if ci == cj {
			return names[i] > names[j]
		}
		return ci > cj
	})
}

func (e *engine) render(templates []renderable, top map[string]interface{}, basePath string) (rendered map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rendering template failed: %v", r)
		}
	}()
	t := template.New("gotpl")
	e.missingKey(t)
	t.Funcs(e.funcMap(t))
	byName := map[string]string{}
	names := []string{}
	for _, r := range templates {
		byName[r.name] = r.text
		names = append(names, r.name)
	}
	sortTemplates(names)
	for _, name := range names {
		if _, err := t.New(name).Parse(byName[name]); err != nil {
			return nil, fmt.Errorf("parse error at (%s): %s", name, strings.TrimPrefix(err.Error(), "template: "))
		}
	}
	rendered = map[string]string{}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		vals := map[string]interface{}{}
		for k, v := range top {
			vals[k] = v
		}
		vals["Template"] = map[string]interface{}{"Name": name, "BasePath": basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, vals); err != nil {
			return nil, cleanupExecError(name, err)
		}
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

// Helm's mergeMaps for successive -f files: later files win, maps merge.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bv, ok := v.(map[string]interface{}); ok {
			if av, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(av, bv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// Helm's coalesceValues: defaults fill what the user left out; a user null deletes a default.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	for key, def := range defaults {
		value, present := user[key]
		if !present {
			user[key] = def
			continue
		}
		if value == nil {
			delete(user, key)
			continue
		}
		if dst, ok := value.(map[string]interface{}); ok {
			if src, ok := def.(map[string]interface{}); ok {
				coalesce(dst, src)
			}
		}
	}
	return user
}

func readValues(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	vals := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &vals); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if vals == nil {
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// .helmignore rules, as far as this chart's patterns go: "dir/", "*.ext" and plain names.
func readIgnore(chartDir string) []string {
	file, err := os.Open(filepath.Join(chartDir, ".helmignore"))
	if err != nil {
		return nil
	}
	defer file.Close()
	var rules []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return rules
}

func ignored(rules []string, rel string, isDir bool) bool {
	for _, rule := range rules {
		if strings.HasSuffix(rule, "/") {
			if isDir {
				if ok, _ := path.Match(strings.TrimSuffix(rule, "/"), path.Base(rel)); ok {
					return true
				}
			}
			continue
		}
		if ok, _ := path.Match(rule, path.Base(rel)); ok {
			return true
		}
		if ok, _ := path.Match(rule, rel); ok {
			return true
		}
	}
	return false
}

type manifest struct {
	Template string `json:"template"`
	Content  string `json:"content"`
}

type output struct {
	Manifests []manifest             `json:"manifests"`
	Notes     string                 `json:"notes"`
	Values    map[string]interface{} `json:"values"`
	Logs      []string               `json:"logs"`
	Chart     Metadata               `json:"chart"`
}

var separator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// Helm's releaseutil.SplitManifests, keeping the order of the documents.
func splitManifests(bigFile string) []string {
	var docs []string
	for _, d := range separator.Split(bigFile, -1) {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, strings.TrimSpace(d))
		}
	}
	return docs
}

func run() error {
	var valueFiles, apiVersions listFlag
	chartDir := flag.String("chart", "", "chart directory")
	releaseName := flag.String("release-name", "release-name", ".Release.Name")
	namespace := flag.String("namespace", "default", ".Release.Namespace")
	kubeVersion := flag.String("kube-version", "v1.30.0", ".Capabilities.KubeVersion")
	isUpgrade := flag.Bool("is-upgrade", false, ".Release.IsUpgrade")
	strict := flag.Bool("strict", false, "missing keys are errors (helm template --strict)")
	lint := flag.Bool("lint", false, "helm lint --strict: strict, required and fail only log")
	flag.Var(&valueFiles, "f", "values file (repeatable)")
	flag.Var(&apiVersions, "api-versions", "extra .Capabilities.APIVersions (repeatable, comma-separated)")
	flag.Parse()
	if *chartDir == "" {
		return errors.New("--chart is required")
	}

	chartYAML, err := os.ReadFile(filepath.Join(*chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	var meta Metadata
	if err := yaml.Unmarshal(chartYAML, &meta); err != nil {
		return fmt.Errorf("Chart.yaml: %w", err)
	}
	if meta.Name == "" || meta.Version == "" {
		return errors.New("Chart.yaml: name and version are required")
	}
	if _, err := semver.NewVersion(meta.Version); err != nil {
		return fmt.Errorf("Chart.yaml: version %q is not a SemVer 2 version", meta.Version)
	}

	kv, err := semver.NewVersion(*kubeVersion)
	if err != nil {
		return fmt.Errorf("--kube-version %q: %w", *kubeVersion, err)
	}
	if meta.KubeVersion != "" {
		constraint, err := semver.NewConstraint(meta.KubeVersion)
		if err != nil {
			return fmt.Errorf("Chart.yaml kubeVersion %q: %w", meta.KubeVersion, err)
		}
		if !constraint.Check(kv) {
			return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", meta.KubeVersion, *kubeVersion)
		}
	}

	defaults, err := readValues(filepath.Join(*chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	user := map[string]interface{}{}
	for _, file := range valueFiles {
		vals, err := readValues(file)
		if err != nil {
			return err
		}
		user = mergeMaps(user, vals)
	}
	values := coalesce(user, defaults)

	rules := readIgnore(*chartDir)
	files := Files{}
	var templates []renderable
	err = filepath.Walk(*chartDir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, filepath.Clean(*chartDir)+string(filepath.Separator)))
		if p == filepath.Clean(*chartDir) {
			return nil
		}
		if ignored(rules, rel, info.IsDir()) {
			if info.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if info.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			templates = append(templates, renderable{name: meta.Name + "/" + rel, text: string(data)})
		case rel == "Chart.yaml" || rel == "values.yaml" || rel == "values.schema.json" || strings.HasPrefix(rel, "charts/"):
		default:
			files[rel] = data
		}
		return nil
	})
	if err != nil {
		return err
	}

	caps := Capabilities{
		KubeVersion: KubeVersion{Version: "v" + kv.String(), Major: fmt.Sprint(kv.Major()), Minor: fmt.Sprint(kv.Minor())},
		APIVersions: append(append(VersionSet{}, builtInAPIVersions...), apiVersions...),
		HelmVersion: map[string]string{"version": "v3.16.0"},
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": *releaseName, "Namespace": *namespace, "IsUpgrade": *isUpgrade, "IsInstall": !*isUpgrade,
			"Revision": 1, "Service": "Helm",
		},
		"Chart":        meta,
		"Capabilities": caps,
		"Files":        files,
		"Subcharts":    map[string]interface{}{},
	}

	e := &engine{strict: *strict || *lint, lint: *lint}
	rendered, err := e.render(templates, top, meta.Name+"/templates")
	if err != nil {
		return err
	}

	out := output{Manifests: []manifest{}, Values: values, Logs: e.logs, Chart: meta}
	if out.Logs == nil {
		out.Logs = []string{}
	}
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasSuffix(name, "NOTES.txt") {
			out.Notes = rendered[name]
			continue
		}
		for _, doc := range splitManifests(rendered[name]) {
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return fmt.Errorf("YAML parse error on %s: %w", name, err)
			}
			out.Manifests = append(out.Manifests, manifest{Template: name, Content: doc})
		}
	}
	encoded, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(encoded)
	return err
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "Error: "+err.Error())
		os.Exit(1)
	}
}
