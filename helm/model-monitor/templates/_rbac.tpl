{{- /*
Least privilege: exactly the verbs the operator's code uses, per resource (see the comments).
Compared with what quarkus-operator-sdk generates (with quarkus-kubernetes, which this build leaves out):
- it grants every verb (get, list, watch, create, update, patch, delete) on modelmonitors, their status and
  finalizers; the operator never creates or deletes a monitor, so these rules stop at get/list/watch/patch/update;
- it grants reading CustomResourceDefinitions for its start-up CRD check; the chart installs the CRD and that
  check is off (quarkus.operator-sdk.crd.validate=false), so no CRD access at all;
- it knows only declared dependent resources, and this reconciler reads and patches Deployments, ReplicaSets,
  Pods, Services, Secrets and Events itself: the generated role would lack all of them (403 at the first call).
The cluster tests (ModelLoopClusterIT, NamespacedClusterIT) run the operator under these rules on a real API server
and fail when its authorizer refuses any call the operator makes (from the audit log).
*/}}
{{- define "model-monitor.rules" }}
  # The primary resource: informer (list, watch), finalizer (patch), status (patch).
  - apiGroups: [modelmonitor.io]
    resources: [modelmonitors]
    verbs: [get, list, watch, patch, update]
  - apiGroups: [modelmonitor.io]
    resources: [modelmonitors/status]
    verbs: [get, patch, update]
  # Targets: informer, sidecar injection and rollback (JSON patch of the pod template).
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, list, watch, patch]
  - apiGroups: [apps]
    resources: [statefulsets]
    verbs: [get, list, watch, patch]
  # Argo Rollouts' Rollouts, where its CRD is installed (the operator watches them only then): the same as a
  # Deployment's, plus the status subresource, where kubectl argo rollouts abort writes status.abort.
  - apiGroups: [argoproj.io]
    resources: [rollouts]
    verbs: [get, list, watch, patch]
  - apiGroups: [argoproj.io]
    resources: [rollouts/status]
    verbs: [patch]
  # KServe's InferenceServices, where its CRD is installed: read and watched, and patched only at a canary's
  # trafficPercent (a rollback). Their predictor Deployments are read with the Deployment rules above.
  - apiGroups: [serving.kserve.io]
    resources: [inferenceservices]
    verbs: [get, list, watch, patch]
  # Revision history for rollbacks, read like kubectl rollout undo does (a StatefulSet's: its ControllerRevisions).
  - apiGroups: [apps]
    resources: [replicasets, controllerrevisions]
    verbs: [list]
  # Which collectors to read: the target's ready pods.
  - apiGroups: [""]
    resources: [pods]
    verbs: [list]
  # spec.target.service: routing through the collector, and restoring it.
  - apiGroups: [""]
    resources: [services]
    verbs: [get, patch]
  # Alert URLs, read by name only (no list: the operator never browses Secrets); and each monitor's id-signing key,
  # created once (owned by the monitor, so the garbage collector removes it).
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, create]
  # spec.reference: a monitor's reference profile, read by name only (no list, no watch), and used only when it
  # carries the label modelmonitor.io/profile=true.
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
  # Events about ModelMonitors; repeats bump the count of an existing one.
  - apiGroups: [""]
    resources: [events]
    verbs: [get, create, update]
{{- end }}
