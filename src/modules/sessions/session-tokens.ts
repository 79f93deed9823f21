import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { errors, JWTPayload, jwtVerify, SignJWT } from 'jose';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { JWT_ALGORITHM, SigningKeys } from './signing-keys';

/** Why a token was refused: the `reason` of every 401 the session endpoints give. */
export type TokenRejection =
  | 'malformed_token'
  | 'expired_token'
  | 'invalid_signature'
  | 'unknown_signing_key'
  | 'wrong_token_type'
  | 'invalid_claims';

export class TokenError extends Error {
  constructor(readonly reason: TokenRejection) {
    super(reason);
  }
}

export interface SessionClaims {
  sub: string;
  sid: string;
  loginId: string;
  email: string | null;
  name: string | null;
  tenants: Record<string, { roles: string[] }>;
}

export interface VerifiedSession extends SessionClaims {
  iat: number;
  exp: number;
  tid: string;
}

export interface VerifiedRefresh {
  sub: string;
  sid: string;
  tid: string;
  iat: number;
}

/** Signs and verifies session and refresh JWTs (ES256, with `kid`, issuer and audience checked). */
@Injectable()
export class SessionTokens {
  private readonly issuer: string;
  private readonly audience: string;

  constructor(
    private readonly keys: SigningKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.issuer = config.PUBLIC_BASE_URL;
    this.audience = config.PROJECT_ID;
  }

  async signSession(tenantId: string, claims: SessionClaims): Promise<string> {
    const { kid, key } = await this.keys.signingKey();
    return new SignJWT({ ...claims, tid: tenantId, token_use: 'session' })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.config.SESSION_TTL_SECONDS}s`)
      .sign(key);
  }

  async signRefresh(tenantId: string, userId: string, sessionId: string, expiresAt: Date): Promise<string> {
    const { kid, key } = await this.keys.signingKey();
    return new SignJWT({ sid: sessionId, tid: tenantId, token_use: 'refresh' })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid, typ: 'JWT' })
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key);
  }

  async verifySession(token: unknown): Promise<VerifiedSession> {
    const payload = await this.verify(token, 'session');
    if (
      typeof payload.sid !== 'string' ||
      typeof payload.tid !== 'string' ||
      typeof payload.sub !== 'string'
    ) {
      throw new TokenError('invalid_claims');
    }
    return payload as unknown as VerifiedSession;
  }

  async verifyRefresh(token: unknown): Promise<VerifiedRefresh> {
    const payload = await this.verify(token, 'refresh');
    if (
      typeof payload.sid !== 'string' ||
      typeof payload.tid !== 'string' ||
      typeof payload.sub !== 'string'
    ) {
      throw new TokenError('invalid_claims');
    }
    return { sub: payload.sub, sid: payload.sid, tid: payload.tid, iat: payload.iat ?? 0 };
  }

  private async verify(token: unknown, use: 'session' | 'refresh'): Promise<JWTPayload> {
    if (typeof token !== 'string' || token.length > 8_192 || token.split('.').length !== 3) {
      throw new TokenError('malformed_token');
    }
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          if (header.alg !== JWT_ALGORITHM || typeof header.kid !== 'string')
            throw new TokenError('invalid_signature');
          const key = await this.keys.verificationKey(header.kid);
          if (!key) throw new TokenError('unknown_signing_key');
          return key;
        },
        { issuer: this.issuer, audience: this.audience, algorithms: [JWT_ALGORITHM] },
      );
      if (payload.token_use !== use) throw new TokenError('wrong_token_type');
      return payload;
    } catch (error) {
      throw toTokenError(error);
    }
  }
}

function toTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) return new TokenError('expired_token');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenError('invalid_signature');
  if (error instanceof errors.JWTClaimValidationFailed) return new TokenError('invalid_claims');
  return new TokenError('malformed_token');
}
