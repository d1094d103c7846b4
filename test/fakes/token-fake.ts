import { createPublicKey, createVerify } from 'node:crypto';
import { FakeServer, type RecordedRequest, type FakeAnswer } from './fake-server.js';

/**
 * Microsoft Entra token endpoint (client credentials, v2): `POST /{tenant}/oauth2/v2.0/token`,
 * form-encoded, with a client secret or a certificate-signed client assertion (RS256 JWT, x5t#S256).
 */
export class TokenFake {
  readonly server: FakeServer;
  /** Issued tokens and the scope each was issued for. */
  readonly issued = new Map<string, string>();
  private count = 0;

  constructor(
    readonly tenantId: string,
    readonly clientId: string,
    private readonly credential: { secret?: string; certificatePem?: string; thumbprintSha256?: string },
    readonly allowedScopes: string[],
  ) {
    this.server = new FakeServer((request) => this.handle(request), 'token');
  }

  get baseUrl() {
    return this.server.baseUrl;
  }
  get violations() {
    return this.server.violations;
  }
  async start() {
    await this.server.start();
    return this;
  }
  close() {
    return this.server.close();
  }

  /** The scope a bearer header was issued for, or undefined. */
  scopeOf(authorization: string | undefined): string | undefined {
    const match = /^Bearer (.+)$/.exec(authorization ?? '');
    return match ? this.issued.get(match[1]!) : undefined;
  }

  private handle(request: RecordedRequest): FakeAnswer {
    const fail = (message: string) => this.server.violation(message);
    if (request.method !== 'POST') return fail(`method ${request.method}`);
    if (request.path !== `/${this.tenantId}/oauth2/v2.0/token`) return fail(`path ${request.path}`);
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return fail(`content-type ${request.headers['content-type']}`);
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== 'client_credentials') return fail(`grant_type ${form.get('grant_type')}`);
    if (form.get('client_id') !== this.clientId) return { status: 400, body: { error: 'unauthorized_client', error_description: 'AADSTS700016: Application not found' } };
    const scope = form.get('scope') ?? '';
    const wanted = scope.split(' ').find((s) => s.endsWith('/.default')) ?? '';
    if (!this.allowedScopes.includes(wanted)) return fail(`scope ${scope}`);
    if (this.credential.secret !== undefined) {
      if (form.get('client_secret') !== this.credential.secret) return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
    } else {
      const problem = this.checkAssertion(form);
      if (problem) return fail(problem);
    }
    const token = `fake-token-${++this.count}-${wanted.replace(/\W+/g, '-')}`;
    this.issued.set(token, wanted);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  }

  private checkAssertion(form: URLSearchParams): string | undefined {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return `client_assertion_type ${form.get('client_assertion_type')}`;
    if (form.has('client_secret')) return 'client_secret sent with a certificate';
    const jwt = form.get('client_assertion') ?? '';
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s) return 'client_assertion is not a JWT';
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    if (header.alg !== 'PS256' && header.alg !== 'RS256') return `alg ${String(header.alg)}`;
    const thumbprint = Buffer.from(String(header['x5t#S256'] ?? ''), 'base64url').toString('hex').toUpperCase();
    if (thumbprint !== this.credential.thumbprintSha256) return `x5t#S256 ${thumbprint}`;
    if (payload.iss !== this.clientId || payload.sub !== this.clientId) return 'iss/sub is not the client id';
    if (!String(payload.aud).endsWith(`/${this.tenantId}/oauth2/v2.0/token`)) return `aud ${String(payload.aud)}`;
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${h}.${p}`);
    const key = createPublicKey(this.credential.certificatePem!);
    const ok =
      header.alg === 'PS256'
        ? verifier.verify({ key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }, Buffer.from(s, 'base64url'))
        : verifier.verify(key, Buffer.from(s, 'base64url'));
    return ok ? undefined : 'client_assertion signature does not verify against the certificate';
  }
}
