// Command flux-health reports the status kustomize-controller v1.9.4 gives each object of a
// Kustomization during its health checks, using the controller's own libraries at the versions it
// pins: github.com/fluxcd/pkg/runtime v0.110.1 (package cel, which evaluates spec.healthCheckExprs)
// and github.com/fluxcd/cli-utils v1.2.2 (kstatus, the verdict for kinds without an expression).
//
// It reads one JSON document on stdin:
//
//	{"healthCheckExprs": [...], "objects": [...]}
//
// where healthCheckExprs is a Kustomization's spec.healthCheckExprs, decoded into the API type the
// controller uses, and objects are Kubernetes objects as they would be read from the cluster. It
// writes one JSON line per object:
//
//	{"kind": K, "name": N, "cel": STATUS, "celMessage": M, "kstatus": STATUS, "kstatusMessage": M}
//
// "cel" is empty when no expression covers the object's kind. An expression that does not compile
// is reported as it is by the controller (cel.NewStatusReader), and the command exits with 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	"github.com/fluxcd/pkg/apis/kustomize"
	"github.com/fluxcd/pkg/runtime/cel"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type input struct {
	HealthCheckExprs []kustomize.CustomHealthCheck `json:"healthCheckExprs"`
	Objects          []json.RawMessage             `json:"objects"`
}

type verdict struct {
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	CEL            string `json:"cel"`
	CELMessage     string `json:"celMessage,omitempty"`
	Kstatus        string `json:"kstatus"`
	KstatusMessage string `json:"kstatusMessage,omitempty"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "flux-health:", err)
		os.Exit(1)
	}
}

func run() error {
	var in input
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	newReader, err := cel.NewStatusReader(in.HealthCheckExprs)
	if err != nil {
		return err
	}
	// The reader looks objects up through the REST mapper only when it has to fetch them; given
	// the object itself it needs neither the mapper nor a cluster reader.
	reader := newReader(nil)
	out := json.NewEncoder(os.Stdout)
	ctx := context.Background()
	for i, raw := range in.Objects {
		// Decoded as client-go decodes what it reads from the API server: integers as int64.
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			return fmt.Errorf("objects[%d]: %w", i, err)
		}
		v := verdict{Kind: u.GetKind(), Name: u.GetName()}
		gk := schema.FromAPIVersionAndKind(u.GetAPIVersion(), u.GetKind()).GroupKind()
		if reader.Supports(gk) {
			rs, err := reader.ReadStatusForObject(ctx, nil, u)
			if err != nil {
				return err
			}
			v.CEL, v.CELMessage = rs.Status.String(), rs.Message
			if rs.Error != nil {
				v.CELMessage = rs.Error.Error()
			}
		}
		res, err := status.Compute(u)
		if err != nil {
			v.Kstatus, v.KstatusMessage = status.UnknownStatus.String(), err.Error()
		} else {
			v.Kstatus, v.KstatusMessage = res.Status.String(), res.Message
		}
		if err := out.Encode(v); err != nil {
			return err
		}
	}
	return nil
}
