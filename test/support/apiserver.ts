/**
 * A real Kubernetes API server for the suite: etcd and kube-apiserver, built from their pinned Go
 * modules, listening on 127.0.0.1 only, with RBAC authorization and a token for an admin in
 * system:masters. No controllers run, so nothing reconciles: the server validates, defaults,
 * authorizes and stores, which is what the checks need. It must never call out: admission
 * webhooks and aggregated APIs are only ever dry-run (see OUTBOUND_KINDS), and Services resolve
 * through endpoints, of which there are none.
 */
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { kubectlPath, runOk, runTool, RunResult, toolPath } from './tools';
import { ROOT } from './tree';

/**
 * Kinds that make the API server call a Service: creating one for real would send later requests
 * to an address off this machine, so the suite dry-runs them and never stores them.
 */
export const OUTBOUND_KINDS: ReadonlySet<string> = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService']);

/**
 * The vendored CRD bundles the rendered output uses. The ASO file is rebuilt from upstream's
 * published schemas, not upstream's own CRDs (crds/SOURCES.md): installed on this test server
 * only, where it checks the DNS objects' structure and metadata, never on a real cluster.
 */
export const CRD_BUNDLES = ['cert-manager', 'flux', 'prometheus-operator', 'traefik', 'external-dns', 'gateway-api', 'azure-service-operator.reconstructed'] as const;

export interface ApiServer {
  readonly kubeconfig: string;
  /** Installs the given CRD bundles from crds/ and waits until every CRD is established. */
  installCrds(bundles?: readonly (typeof CRD_BUNDLES)[number][]): void;
  /** kubectl against this server; resolves with its result (never throws on a non-zero exit). */
  kubectl(args: readonly string[], input?: string): RunResult;
  /** kubectl that must succeed; returns stdout. */
  kubectlOk(args: readonly string[], input?: string): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts etcd and kube-apiserver; resolves once /readyz answers ok (at most `timeoutMs`). */
export async function startApiServer(timeoutMs = 90_000): Promise<ApiServer> {
  const etcdBin = toolPath('etcd');
  const apiserverBin = toolPath('kube-apiserver');
  const kubectl = kubectlPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-edge-apiserver-'));
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

  const token = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(path.join(dir, 'tokens.csv'), `${token},tenant-edge-admin,tenant-edge-admin,system:masters\n`, { mode: 0o600 });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const logs = { etcd: '', apiserver: '' };
  const children: ChildProcess[] = [];
  const start = (bin: string, args: string[], log: keyof typeof logs): ChildProcess => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      logs[log] = (logs[log] + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.push(child);
    return child;
  };

  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  start(
    etcdBin,
    [
      '--name=tenant-edge-test',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=tenant-edge-test=http://127.0.0.1:${etcdPeer}`,
      '--log-level=warn',
      '--unsafe-no-fsync',
    ],
    'etcd',
  );
  start(
    apiserverBin,
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, 'certs')}`,
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--enable-priority-and-fairness=false',
      '--endpoint-reconciler-type=none',
      // Resolve a webhook's or aggregated API's Service through its endpoints, never its
      // ClusterIP: no endpoints exist here, so such a call fails locally instead of dialling an
      // address off this machine. The suite never installs webhooks for real either.
      '--enable-aggregator-routing=true',
      '--v=0',
    ],
    'apiserver',
  );

  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: test',
      '    cluster:',
      `      server: https://127.0.0.1:${apiPort}`,
      '      insecure-skip-tls-verify: true',
      'users:',
      '  - name: admin',
      '    user:',
      `      token: ${token}`,
      'contexts:',
      '  - name: test',
      '    context: { cluster: test, user: admin }',
      'current-context: test',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const run = (args: readonly string[], input?: string): RunResult => runTool(kubectl, args, { env, input });
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = run(['get', '--raw=/readyz', '--request-timeout=5s']);
    if (ready.status === 0 && ready.stdout.trim() === 'ok') break;
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead || Date.now() > deadline) {
      await stop();
      throw new Error(
        `the test API server did not become ready (${dead ? 'a process exited' : 'timed out'})\n--- etcd\n${logs.etcd}\n--- kube-apiserver\n${logs.apiserver}`,
      );
    }
    await sleep(500);
  }
  const kubectlOk = (args: readonly string[], input?: string): string => runOk(kubectl, args, { env, input });
  return {
    kubeconfig,
    installCrds: (bundles = CRD_BUNDLES) => {
      for (const b of bundles) kubectlOk(['apply', '--server-side', '-f', path.join(ROOT, 'crds', `${b}.crds.yaml`)]);
      kubectlOk(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    },
    kubectl: run,
    kubectlOk,
    stop,
  };
}
