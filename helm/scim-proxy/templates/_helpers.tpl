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
