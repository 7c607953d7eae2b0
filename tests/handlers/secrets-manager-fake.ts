import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Secrets Manager endpoint for tests: answers GetSecretValue (AWS JSON 1.1, as the SDK sends it) from values the
 * test sets and changes, so a secret can be rotated under a running function. Any other action is refused.
 */
export interface SecretsManagerFake {
  endpoint: string;
  set(secretId: string, value: string): void;
  /** GetSecretValue calls per secret id: shows what the cache spared. */
  reads(secretId: string): number;
  close(): Promise<void>;
}

export async function startSecretsManagerFake(): Promise<SecretsManagerFake> {
  const values = new Map<string, { value: string; version: number }>();
  const reads = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += String(chunk)));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const { SecretId } = JSON.parse(raw || '{}') as { SecretId?: string };
      const secret = SecretId ? values.get(SecretId) : undefined;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'secretsmanager.GetSecretValue' || !SecretId || !secret) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
        return;
      }
      reads.set(SecretId, (reads.get(SecretId) ?? 0) + 1);
      res.end(
        JSON.stringify({
          ARN: SecretId,
          Name: SecretId,
          SecretString: secret.value,
          VersionId: `v${secret.version}`,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        }),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (id, value) => values.set(id, { value, version: (values.get(id)?.version ?? 0) + 1 }),
    reads: (id) => reads.get(id) ?? 0,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
