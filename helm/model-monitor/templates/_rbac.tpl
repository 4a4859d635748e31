{{- /*
Least privilege: exactly the verbs the operator's code uses, per resource (see the comments).
quarkus-operator-sdk would generate full verbs on the primary resource and on every secondary resource it
knows of; these rules are narrower: RbacTest fails when the code makes a call they do not allow.
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
  # Revision history for rollbacks, read like kubectl rollout undo does.
  - apiGroups: [apps]
    resources: [replicasets]
    verbs: [list]
  # Which collectors to read: the target's ready pods.
  - apiGroups: [""]
    resources: [pods]
    verbs: [list]
  # spec.target.service: routing through the collector, and restoring it.
  - apiGroups: [""]
    resources: [services]
    verbs: [get, patch]
  # Alert URLs, read by name only (no list: the operator never browses Secrets).
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get]
  # Events about ModelMonitors; repeats bump the count of an existing one.
  - apiGroups: [""]
    resources: [events]
    verbs: [get, create, update]
{{- end }}
