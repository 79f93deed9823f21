import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { exportJWK, generateKeyPair, importJWK, JWK, KeyLike } from 'jose';
import { DataSource } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { SigningKeyEntity } from './signing-key.entity';

export const JWT_ALGORITHM = 'ES256';
const RELOAD_INTERVAL_MS = 60_000;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: KeyLike | Uint8Array;
  privateKey?: KeyLike | Uint8Array;
  retiredAt: Date | null;
  createdAt: Date;
}

/**
 * The JWT signing keys, shared by every process through PostgreSQL. One key signs; retired keys
 * keep verifying (and stay in the JWKS) until every token they signed has expired, so rotation
 * never logs anyone out. Private keys are encrypted at rest.
 */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger('SigningKeys');
  private keys = new Map<string, LoadedKey>();
  private loadedAt = 0;
  private readonly encryptionKey: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const secret = config.SIGNING_KEY_SECRET ?? config.MANAGEMENT_KEY;
    this.encryptionKey = Buffer.from(hkdfSync('sha256', secret, 'roster', 'signing-key-encryption', 32));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureCurrentKey();
  }

  /** The key that signs now (creating or rotating it when due). */
  async signingKey(): Promise<{ kid: string; key: KeyLike | Uint8Array }> {
    await this.reloadIfStale();
    let current = this.current();
    if (!current || this.rotationDue(current)) {
      await this.ensureCurrentKey();
      current = this.current();
    }
    if (!current?.privateKey) throw new Error('no signing key available');
    return { kid: current.kid, key: current.privateKey };
  }

  /** The public key for a `kid`, reloading once when the kid is new to this process. */
  async verificationKey(kid: string): Promise<KeyLike | Uint8Array | undefined> {
    let key = this.keys.get(kid);
    if (!key && Date.now() - this.loadedAt > 1_000) {
      await this.load();
      key = this.keys.get(kid);
    }
    return key?.publicKey;
  }

  /** Every key whose tokens may still be valid, as a JWKS. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.reloadIfStale();
    return { keys: [...this.keys.values()].map((key) => key.publicJwk) };
  }

  /** Retires the signing key and makes a new one; tokens of the old key stay valid until they expire. */
  async rotate(): Promise<string> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('roster-signing-key'))`);
      await this.retireAndCreate(manager);
    });
    await this.load();
    const current = this.current();
    if (!current) throw new Error('rotation produced no key');
    return current.kid;
  }

  private async ensureCurrentKey(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // One process creates the key; the others wait here and then load it.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('roster-signing-key'))`);
      const [active] = await manager.query<Array<{ created_at: Date; encrypted_private_jwk: string }>>(
        `SELECT created_at, encrypted_private_jwk FROM signing_key WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`,
      );
      if (active && !this.canDecrypt(active.encrypted_private_jwk)) {
        // SIGNING_KEY_SECRET (or MANAGEMENT_KEY) changed: the old key still verifies, a new one signs.
        this.logger.warn(
          'the signing key cannot be decrypted with the configured secret; creating a new one',
        );
        await this.retireAndCreate(manager);
      } else if (!active || Date.now() - active.created_at.getTime() > this.rotationMs()) {
        await this.retireAndCreate(manager);
        this.logger.log(active ? 'rotated the JWT signing key' : 'created the first JWT signing key');
      }
    });
    await this.load();
  }

  private async retireAndCreate(manager: DataSource['manager']): Promise<void> {
    // A retired key must verify until the longest-lived token it signed (a refresh JWT) expires.
    const verifyFor = `${this.config.REFRESH_TTL_SECONDS} seconds`;
    await manager.query(
      `UPDATE signing_key SET retired_at = now(), expires_at = now() + $1::interval WHERE retired_at IS NULL`,
      [verifyFor],
    );
    const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALGORITHM, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    await manager.insert(SigningKeyEntity, {
      id: kid,
      algorithm: JWT_ALGORITHM,
      publicJwk,
      encryptedPrivateJwk: this.encrypt(JSON.stringify(privateJwk)),
    });
  }

  private current(): LoadedKey | undefined {
    return [...this.keys.values()]
      .filter((key) => key.retiredAt === null && key.privateKey)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  }

  private rotationMs(): number {
    return this.config.SIGNING_KEY_ROTATION_DAYS * 24 * 3_600_000;
  }

  private rotationDue(key: LoadedKey): boolean {
    return Date.now() - key.createdAt.getTime() > this.rotationMs();
  }

  private async reloadIfStale(): Promise<void> {
    if (Date.now() - this.loadedAt > RELOAD_INTERVAL_MS) await this.load();
  }

  private async load(): Promise<void> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        public_jwk: JWK;
        encrypted_private_jwk: string;
        retired_at: Date | null;
        created_at: Date;
      }>
    >(
      `SELECT id, public_jwk, encrypted_private_jwk, retired_at, created_at FROM signing_key
        WHERE expires_at IS NULL OR expires_at > now()`,
    );
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const cached = this.keys.get(row.id);
      keys.set(row.id, {
        kid: row.id,
        publicJwk: row.public_jwk,
        publicKey: cached?.publicKey ?? (await importJWK(row.public_jwk, JWT_ALGORITHM)),
        privateKey:
          row.retired_at === null && this.canDecrypt(row.encrypted_private_jwk)
            ? (cached?.privateKey ??
              (await importJWK(JSON.parse(this.decrypt(row.encrypted_private_jwk)) as JWK, JWT_ALGORITHM)))
            : undefined,
        retiredAt: row.retired_at,
        createdAt: row.created_at,
      });
    }
    this.keys = keys;
    this.loadedAt = Date.now();
  }

  private canDecrypt(encoded: string): boolean {
    try {
      this.decrypt(encoded);
      return true;
    } catch {
      return false;
    }
  }

  private encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
  }

  private decrypt(encoded: string): string {
    const data = Buffer.from(encoded, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  }
}
