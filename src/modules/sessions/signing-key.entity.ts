import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A key pair that signs session and refresh JWTs. The public JWK is published at
 * /.well-known/jwks.json until every token it signed has expired; the private JWK is stored
 * encrypted (AES-256-GCM, key derived from SIGNING_KEY_SECRET) and never leaves the process.
 */
@Entity({ name: 'signing_key' })
export class SigningKeyEntity {
  /** The JWT `kid`. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_signing_key' })
  id: string;

  @Column({ type: 'text' })
  algorithm: string;

  @Column({ type: 'jsonb' })
  publicJwk: Record<string, unknown>;

  /** base64url(iv | ciphertext | tag) of the private JWK. */
  @Column({ type: 'text' })
  encryptedPrivateJwk: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Set when a newer key takes over signing; the key keeps verifying until `expiresAt`. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  retiredAt: Date | null;

  /** After this nothing it signed can still be valid: dropped from the JWKS. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  expiresAt: Date | null;
}
