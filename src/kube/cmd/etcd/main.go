// Command etcd is etcd's own server entry point, built from the go.etcd.io/etcd/server/v3 module that
// k8s.io/kubernetes pins, so the tests' etcd is the version the API server is released against.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
