import { BadRequestException, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects a malformed id before it reaches PostgreSQL (which would answer with a 500-worthy error). */
export class UuidPipe implements PipeTransform<unknown, string> {
  constructor(private readonly argument = 'id') {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new BadRequestException(`${this.argument} must be a UUID`);
    }
    return value.toLowerCase();
  }
}

export const isUuid = (value: string) => UUID.test(value);
