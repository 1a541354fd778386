/**
 * The deployment files in deploy/: the Kubernetes manifests checked against the Kubernetes
 * JSON schemas (the OpenAPI schemas that kubernetes-models 4.5.1 compiles, pinned; no download
 * at run time), then what the schemas cannot know: probes on /healthz, a grace period longer
 * than the server's SIGTERM grace, selectors that match, requests at or above the measured
 * RSS. The compose file and nginx.conf are read for what the container test relies on;
 * scripts/container-test.sh runs them for real. None of this applies the manifests to a cluster.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Service } from 'kubernetes-models/v1/Service';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { SHUTDOWN_GRACE_MS } from '../src/transports/http.js';

const DEPLOY = fileURLToPath(new URL('../deploy/', import.meta.url));
const K8S = join(DEPLOY, 'kubernetes');

/**
 * The highest RSS of a replica that scripts/container-test.sh measured during its runs (peak
 * 84.9 MiB, docs/deploy.md), rounded up: the memory request may not be below it.
 */
const MEASURED_RSS_MIB = 85;

/** The schema model of each kind the manifests use, by `apiVersion/kind`. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};

/** A parsed manifest, to read fields from or break on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> };

function manifests(): Array<{ file: string; doc: Manifest }> {
  return readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Manifest })),
    );
}

/** Throws the schema's complaint, or returns quietly. */
function validate(doc: Manifest | Loose): void {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
}

const byKind = (kind: string) => manifests().find(({ doc }) => doc.kind === kind)!.doc as never as Loose;

describe('Kubernetes manifests', () => {
  it('are each valid against the Kubernetes schema of their kind', () => {
    const all = manifests();
    expect(all.map(({ doc }) => doc.kind).sort()).toEqual([
      'Deployment',
      'HorizontalPodAutoscaler',
      'Ingress',
      'PodDisruptionBudget',
      'Service',
    ]);
    for (const { file, doc } of all) expect(() => validate(doc), file).not.toThrow();
  });

  it('would be refused by the schemas if they were wrong (the check has teeth)', () => {
    const deployment = structuredClone(byKind('Deployment'));
    deployment.spec.replicas = 'two';
    expect(() => validate(deployment)).toThrow(/replicas must be integer/);
    const noSelector = structuredClone(byKind('Deployment'));
    delete noSelector.spec.selector;
    expect(() => validate(noSelector)).toThrow(/selector/);
    const service = structuredClone(byKind('Service'));
    service.spec.ports[0].port = 'eighty';
    expect(() => validate(service)).toThrow(/port must be integer/);
    const hpa = structuredClone(byKind('HorizontalPodAutoscaler'));
    delete hpa.spec.maxReplicas;
    expect(() => validate(hpa)).toThrow(/maxReplicas/);
  });

  it('probe readiness on /healthz and liveness on the port (a busy replica is not restarted), and outlast the server’s SIGTERM grace', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const container = pod.containers[0];
    const port = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(port.containerPort).toBe(8080);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(container.livenessProbe.httpGet).toBeUndefined();
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + SHUTDOWN_GRACE_MS / 1000);
  });

  it('request at least the measured RSS, run as the image’s non-root user, and say TLS ends at the Ingress', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const container = pod.containers[0];
    const mib = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
    expect(mib(container.resources.requests.memory)).toBeGreaterThanOrEqual(MEASURED_RSS_MIB);
    expect(mib(container.resources.limits.memory)).toBeGreaterThan(mib(container.resources.requests.memory));
    expect(container.resources.requests.cpu).toBeDefined();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const ingress = byKind('Ingress');
    expect(env.MCP_ALLOWED_HOSTS.split(',')).toContain(ingress.spec.rules[0].host);
    expect(env.MCP_BEHIND_TLS_PROXY).toBe('true');
    expect(ingress.spec.tls[0].hosts).toContain(ingress.spec.rules[0].host);
  });

  it('fit together: Service, HPA, PDB and Ingress reach the Deployment’s pods', () => {
    const deployment = byKind('Deployment');
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    const service = byKind('Service');
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThan(byKind('PodDisruptionBudget').spec.minAvailable);
    const backend = byKind('Ingress').spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: service.metadata.name, port: { name: service.spec.ports[0].name } });
  });
});

describe('compose file and nginx.conf', () => {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'));
  const nginx = readFileSync(join(DEPLOY, 'nginx.conf'), 'utf8');

  it('runs two replicas with the allowed host names, health checks and a grace above the server’s', () => {
    const mcp = compose.services.mcp;
    expect(mcp.deploy.replicas).toBe(2);
    expect(mcp.environment.MCP_ALLOWED_HOSTS).toMatch(/^\$\{MCP_ALLOWED_HOSTS:\?/);
    expect(mcp.environment.MCP_BEHIND_TLS_PROXY).toBe('true');
    expect(mcp.healthcheck.test.join(' ')).toContain('/healthz');
    expect(compose.services.nginx.healthcheck.test.join(' ')).toContain('/healthz');
    expect(compose.services.nginx.depends_on.mcp.condition).toBe('service_healthy');
    expect(Number(/^(\d+)s$/.exec(mcp.stop_grace_period)![1])).toBeGreaterThan(SHUTDOWN_GRACE_MS / 1000);
  });

  it('has nginx take TLS only, and retry on another replica what one could not answer', () => {
    expect(nginx).toMatch(/listen 8443 ssl;/);
    expect(nginx).not.toMatch(/listen \d+;/);
    expect(nginx).toMatch(/proxy_next_upstream error timeout [^;]*non_idempotent;/);
    expect(nginx).toMatch(/server mcp:8080/);
  });
});
