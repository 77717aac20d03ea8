// Command kube is the Kubernetes control plane the cluster tests run: one binary, linked once against
// the pinned Kubernetes release, that acts as kube-apiserver, kube-scheduler or kube-controller-manager
// depending on the name it is started under (scripts/test-tools links the three names to it).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	roles := map[string]func() *cobra.Command{
		"kube-apiserver":          apiserver.NewAPIServerCommand,
		"kube-controller-manager": controllermanager.NewControllerManagerCommand,
		"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	}
	role := filepath.Base(os.Args[0])
	newCommand, ok := roles[role]
	if !ok {
		fmt.Fprintf(os.Stderr, "kube: start me as kube-apiserver, kube-scheduler or kube-controller-manager (got %q)\n", role)
		os.Exit(2)
	}
	os.Exit(cli.Run(newCommand()))
}
