// Command argo-eval judges one measurement the way Argo Rollouts' web metric provider does, with the libraries it
// uses: an HTTP GET with the template's headers (any status but 2xx is an Error measurement), the JSON body narrowed
// by the metric's jsonPath (k8s.io/client-go/util/jsonpath; a single match is the value itself), then
// successCondition and failureCondition evaluated with expr-lang/expr on `result`: Failed when the failure
// condition holds, Successful when the success condition holds, Inconclusive when neither does; with only one of
// them given, the other is its negation. The tests run it against the operator's real verdict API so that the
// AnalysisTemplate in deploy/examples cannot drift from what the API answers.
//
// Usage: argo-eval -url URL [-header 'Name: value']... -json-path '{$.result}' -success EXPR -failure EXPR
// Prints: <phase> <value as JSON>
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"k8s.io/client-go/util/jsonpath"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var hs headers
	url := flag.String("url", "", "the metric's URL, arguments already substituted")
	path := flag.String("json-path", "", "the metric's jsonPath")
	success := flag.String("success", "", "successCondition")
	failure := flag.String("failure", "", "failureCondition")
	flag.Var(&hs, "header", "a header, 'Name: value' (repeatable)")
	flag.Parse()

	value, err := measure(*url, hs, *path)
	if err != nil {
		fmt.Printf("Error %q\n", err.Error())
		return
	}
	phase, err := judge(value, *success, *failure)
	if err != nil {
		fmt.Printf("Error %q\n", err.Error())
		return
	}
	shown, _ := json.Marshal(value)
	fmt.Printf("%s %s\n", phase, shown)
}

func measure(url string, hs headers, path string) (any, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, fmt.Errorf("header %q is not 'Name: value'", h)
		}
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return nil, fmt.Errorf("received non 2xx response code: %d", resp.StatusCode)
	}
	var data any
	if err := json.Unmarshal(body, &data); err != nil {
		return nil, fmt.Errorf("could not parse JSON body: %v", err)
	}
	if path == "" {
		return data, nil
	}
	parser := jsonpath.New("metrics")
	if err := parser.Parse(path); err != nil {
		return nil, err
	}
	found, err := parser.FindResults(data)
	if err != nil {
		return nil, fmt.Errorf("could not find JSONPath in body: %v", err)
	}
	var values []any
	for _, matches := range found {
		for _, m := range matches {
			values = append(values, m.Interface())
		}
	}
	if len(values) == 1 {
		return values[0], nil
	}
	return values, nil
}

func judge(value any, success, failure string) (string, error) {
	succeeded, failed := false, false
	var err error
	if success != "" {
		if succeeded, err = condition(value, success); err != nil {
			return "", err
		}
	}
	if failure != "" {
		if failed, err = condition(value, failure); err != nil {
			return "", err
		}
	}
	switch {
	case success == "" && failure == "":
		return "Successful", nil
	case failure == "":
		failed = !succeeded
	case success == "":
		succeeded = !failed
	}
	if failed {
		return "Failed", nil
	}
	if !succeeded {
		return "Inconclusive", nil
	}
	return "Successful", nil
}

func condition(value any, source string) (bool, error) {
	env := map[string]any{
		"result": value,
		"asInt": func(s string) int64 {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				panic(err)
			}
			return n
		},
		"asFloat": func(s string) float64 {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				panic(err)
			}
			return f
		},
		"isNil": func(v any) bool { return v == nil },
	}
	program, err := expr.Compile(source, expr.Env(env), expr.AsBool())
	if err != nil {
		return false, err
	}
	out, err := expr.Run(program, env)
	if err != nil {
		return false, err
	}
	return out.(bool), nil
}

func init() {
	if len(os.Args) == 1 {
		fmt.Fprintln(os.Stderr, "usage: argo-eval -url URL [-header 'Name: value'] -json-path PATH -success EXPR -failure EXPR")
		os.Exit(2)
	}
}
