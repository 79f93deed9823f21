import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';

import { Public } from '../admin-auth/public.decorator';
import { SessionRejected, SessionsService } from './sessions.service';
import { SigningKeys } from './signing-keys';

const bodyField = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;

/**
 * What the application's back end calls. These endpoints authenticate by the token in the body
 * (a signed JWT), so they carry no bearer guard.
 */
@Controller()
@Public('authenticated by the signed JWT in the request body; the JWKS is public by design')
export class AuthController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly keys: SigningKeys,
  ) {}

  @Get('.well-known/jwks.json')
  async jwks(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('cache-control', 'public, max-age=300').send(await this.keys.jwks());
  }

  /** New session and refresh JWTs, with claims recomputed from the user, groups and mappings now. */
  @Post('v1/auth/refresh')
  async refresh(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(reply, async () => this.sessions.refresh(bodyField(body, 'refreshJwt')));
  }

  /** `refreshRequired` is true once a change relevant to the user was committed after the JWT was issued. */
  @Post('v1/auth/validate')
  async validate(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    try {
      const { claims, refreshRequired } = await this.sessions.validate(bodyField(body, 'sessionJwt'));
      await reply.status(200).send({ valid: true, refreshRequired, claims });
    } catch (error) {
      if (!(error instanceof SessionRejected)) throw error;
      await reply.status(401).send({ valid: false, refreshRequired: false, reason: error.reason });
    }
  }

  @Post('v1/auth/logout')
  @HttpCode(200)
  async logout(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(reply, async () => {
      await this.sessions.logout(bodyField(body, 'refreshJwt'));
      return { loggedOut: true };
    });
  }

  private async answer(reply: FastifyReply, work: () => Promise<unknown>): Promise<void> {
    try {
      await reply.status(200).send(await work());
    } catch (error) {
      if (!(error instanceof SessionRejected)) throw error;
      await reply.status(401).send({ error: 'unauthorized', reason: error.reason });
    }
  }
}
