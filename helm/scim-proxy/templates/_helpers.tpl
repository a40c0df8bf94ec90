{{/*
Chart name, truncated to 63 characters (DNS label limit).
*/}}
{{- define "scim-proxy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release-chart, or the release name alone when it already contains the chart name.
*/}}
{{- define "scim-proxy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "scim-proxy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "scim-proxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "scim-proxy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "scim-proxy.labels" -}}
helm.sh/chart: {{ include "scim-proxy.chart" . }}
{{ include "scim-proxy.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: proxy
{{- end }}

{{/*
Labels of the `helm test` pod: the release's, without app.kubernetes.io/name, so that no selector
of the proxy (Service, Deployment, PDB, HPA, NetworkPolicy) takes it for a replica.
*/}}
{{- define "scim-proxy.testLabels" -}}
helm.sh/chart: {{ include "scim-proxy.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: test
{{- end }}

{{- define "scim-proxy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "scim-proxy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "scim-proxy.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
A tag can be pushed again (a rebuild keeps 0.1.0): pull it at every start. A digest never changes.
An explicit image.pullPolicy wins.
*/}}
{{- define "scim-proxy.imagePullPolicy" -}}
{{- if .Values.image.pullPolicy }}{{ .Values.image.pullPolicy }}{{ else if .Values.image.digest }}IfNotPresent{{ else }}Always{{ end }}
{{- end }}

{{/*
Replicas that run when the cluster is calm: the HPA minimum when autoscaling, else replicaCount.
*/}}
{{- define "scim-proxy.replicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{- define "scim-proxy.reencrypt" -}}
{{- if and .Values.route.enabled (eq .Values.route.tls.termination "reencrypt") }}true{{ end }}
{{- end }}

{{/*
Secret that holds the credentials: the existing one, or the one the chart creates.
*/}}
{{- define "scim-proxy.secretName" -}}
{{- default (include "scim-proxy.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{/*
The chart renders its own Secret only without existingSecret and with at least one value set.
*/}}
{{- define "scim-proxy.createSecret" -}}
{{- if and (not .Values.secret.existingSecret) (or .Values.secret.scimToken .Values.secret.masApiKey .Values.secret.masToken .Values.secret.oauthClientSecret .Values.secret.oauthSigningKey) }}true{{ end }}
{{- end }}

{{- define "scim-proxy.rulesConfigMap" -}}
{{- default (printf "%s-rules" (include "scim-proxy.fullname" .)) .Values.rules.existingConfigMap }}
{{- end }}

{{- define "scim-proxy.groupMapConfigMap" -}}
{{- default (printf "%s-groups" (include "scim-proxy.fullname" .)) .Values.groupMap.existingConfigMap }}
{{- end }}

{{/*
ConfigMap with the CA bundle trusted for MAS, and its key; empty when no extra CA is configured.
*/}}
{{- define "scim-proxy.caConfigMap" -}}
{{- if .Values.mas.ca.configMapName }}{{ .Values.mas.ca.configMapName }}{{ else if .Values.mas.ca.injectServiceCA }}{{ include "scim-proxy.fullname" . }}-service-ca{{ end }}
{{- end }}

{{- define "scim-proxy.caKey" -}}
{{- if .Values.mas.ca.configMapName }}{{ .Values.mas.ca.key }}{{ else }}service-ca.crt{{ end }}
{{- end }}

{{/*
The proxy's configuration as its pods get it: the variables that say which MAS and how to reach it,
and the Secret, rules, group table and CA they read. The Deployment and the helm test pod both use
these, so `helm test` runs `scim-proxy doctor` with the release's own configuration.
*/}}
{{- define "scim-proxy.masEnv" -}}
{{- $s := .Values.secret }}
{{- $rules := or .Values.rules.existingConfigMap .Values.rules.files }}
{{- $groups := or .Values.groupMap.existingConfigMap .Values.groupMap.entries }}
{{- $ca := include "scim-proxy.caConfigMap" . }}
{{- with .Values.mas.url }}
- name: MAS_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.mas.profileId }}
- name: MAS_PROFILES
  value: {{ . | quote }}
{{- end }}
{{- with .Values.mas.apiKeyId }}
- name: MAS_API_KEY_ID
  value: {{ . | quote }}
{{- end }}
{{- if and $s.keys.scimToken (or $s.existingSecret $s.scimToken) }}
- name: SCIM_TOKEN_FILE
  value: /var/run/secrets/scim-proxy/{{ $s.keys.scimToken }}
{{- end }}
{{- if and $s.keys.masApiKey (or $s.existingSecret $s.masApiKey) }}
- name: MAS_API_KEY_FILE
  value: /var/run/secrets/scim-proxy/{{ $s.keys.masApiKey }}
{{- end }}
{{- if and $s.keys.masToken (or $s.existingSecret $s.masToken) }}
- name: MAS_TOKEN_FILE
  value: /var/run/secrets/scim-proxy/{{ $s.keys.masToken }}
{{- end }}
{{- with .Values.oauth.clientId }}
- name: OAUTH_CLIENT_ID
  value: {{ . | quote }}
- name: OAUTH_CLIENT_SECRET_FILE
  value: /var/run/secrets/scim-proxy/{{ $s.keys.oauthClientSecret }}
- name: OAUTH_SIGNING_KEY_FILE
  value: /var/run/secrets/scim-proxy/{{ $s.keys.oauthSigningKey }}
- name: OAUTH_TOKEN_LIFETIME_SECONDS
  value: {{ $.Values.oauth.tokenLifetimeSeconds | int64 | quote }}
- name: OAUTH_ISSUER
  value: {{ $.Values.oauth.issuer | quote }}
- name: OAUTH_AUDIENCE
  value: {{ $.Values.oauth.audience | default (printf "%s/%s" $.Release.Namespace (include "scim-proxy.fullname" $)) | quote }}
- name: OAUTH_MAX_FAILURES_PER_SOURCE
  value: {{ $.Values.oauth.maxFailuresPerSource | int64 | quote }}
- name: OAUTH_MAX_FAILURES_PER_CLIENT
  value: {{ $.Values.oauth.maxFailuresPerClient | int64 | quote }}
- name: OAUTH_LOCKOUT_SECONDS
  value: {{ $.Values.oauth.lockoutSeconds | int64 | quote }}
{{- end }}
{{- if $rules }}
- name: RULES_DIR
  value: /etc/scim-proxy/rules
{{- end }}
{{- if $groups }}
- name: GROUP_MAP_FILE
  value: /etc/scim-proxy/groups/{{ .Values.groupMap.key }}
{{- end }}
{{- if $ca }}
- name: NODE_EXTRA_CA_CERTS
  value: /etc/scim-proxy/ca/{{ include "scim-proxy.caKey" . }}
{{- end }}
- name: UPSTREAM_TIMEOUT_MS
  value: {{ .Values.config.upstreamTimeoutMs | int64 | quote }}
{{- end }}

{{- define "scim-proxy.configVolumeMounts" -}}
{{- $secretMounted := or .Values.secret.existingSecret (include "scim-proxy.createSecret" .) }}
{{- $rules := or .Values.rules.existingConfigMap .Values.rules.files }}
{{- $groups := or .Values.groupMap.existingConfigMap .Values.groupMap.entries }}
{{- $ca := include "scim-proxy.caConfigMap" . }}
{{- if $secretMounted }}
- name: credentials
  mountPath: /var/run/secrets/scim-proxy
  readOnly: true
{{- end }}
{{- if $rules }}
- name: rules
  mountPath: /etc/scim-proxy/rules
  readOnly: true
{{- end }}
{{- if $groups }}
- name: groups
  mountPath: /etc/scim-proxy/groups
  readOnly: true
{{- end }}
{{- if $ca }}
- name: ca
  mountPath: /etc/scim-proxy/ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "scim-proxy.configVolumes" -}}
{{- $secretMounted := or .Values.secret.existingSecret (include "scim-proxy.createSecret" .) }}
{{- $rules := or .Values.rules.existingConfigMap .Values.rules.files }}
{{- $groups := or .Values.groupMap.existingConfigMap .Values.groupMap.entries }}
{{- $ca := include "scim-proxy.caConfigMap" . }}
{{- if $secretMounted }}
- name: credentials
  secret:
    secretName: {{ include "scim-proxy.secretName" . }}
{{- end }}
{{- if $rules }}
- name: rules
  configMap:
    name: {{ include "scim-proxy.rulesConfigMap" . }}
{{- end }}
{{- if $groups }}
- name: groups
  configMap:
    name: {{ include "scim-proxy.groupMapConfigMap" . }}
{{- end }}
{{- if $ca }}
# The key as an item, not the whole ConfigMap: while the key is missing (service-ca has not
# injected the bundle yet, or mas.ca.key is wrong) the kubelet holds the pod in
# ContainerCreating instead of starting Node without the CA, Ready but failing every MAS call.
- name: ca
  configMap:
    name: {{ $ca }}
    items:
      - key: {{ include "scim-proxy.caKey" . }}
        path: {{ include "scim-proxy.caKey" . }}
{{- end }}
{{- end }}
