module modelmonitor.io/argo-eval

go 1.26.0

require (
	github.com/expr-lang/expr v1.17.8
	k8s.io/client-go v0.36.3
)
