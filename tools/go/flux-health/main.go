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
//
// With the argument "ready" it judges a dependsOn entry's readyExpr instead. It reads
//
//	{"readyExpr": E, "self": KUSTOMIZATION, "dep": KUSTOMIZATION}
//
// and writes {"ready": BOOL}, or {"error": M} when the expression does not compile or evaluate.
// The expression is built with the options kustomize-controller v1.9.4 uses in evalReadyExpr
// (internal/controller/kustomization_controller.go): compiled, boolean output, with self and dep
// as struct variables.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	"github.com/fluxcd/pkg/apis/kustomize"
	"github.com/fluxcd/pkg/runtime/cel"
	celtypes "github.com/google/cel-go/common/types"
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
	if len(os.Args) == 2 && os.Args[1] == "ready" {
		return ready()
	}
	if len(os.Args) != 1 {
		return fmt.Errorf("usage: flux-health [ready] < input.json")
	}
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

type readyInput struct {
	ReadyExpr string         `json:"readyExpr"`
	Self      map[string]any `json:"self"`
	Dep       map[string]any `json:"dep"`
}

func ready() error {
	var in readyInput
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	out := json.NewEncoder(os.Stdout)
	expr, err := cel.NewExpression(in.ReadyExpr,
		cel.WithCompile(),
		cel.WithOutputType(celtypes.BoolType),
		cel.WithStructVariables("self", "dep"))
	if err != nil {
		return out.Encode(map[string]string{"error": err.Error()})
	}
	ok, err := expr.EvaluateBoolean(context.Background(), map[string]any{"self": in.Self, "dep": in.Dep})
	if err != nil {
		return out.Encode(map[string]string{"error": err.Error()})
	}
	return out.Encode(map[string]bool{"ready": ok})
}
